import type {WebSocket} from 'ws';
import {
  PROTOCOL_VERSION,
  ProtocolError,
  encode,
  parseClientMessage,
  type ClientMessage,
  type ServerMessage,
} from '../../../src/protocol';
import type {Logger} from '../log';
import {SessionLimitError, type SessionManager} from './manager';
import type {OutputSink} from './output';
import type {Session, SessionEvents} from './session';

/** A connection must say hello within this time. */
const HELLO_TIMEOUT_MS = 10_000;

/** Which connection each session is attached to (one page per session). */
const attachedTo = new WeakMap<Session, WebSocket>();

/**
 * One WebSocket: waits for `hello`, creates or rejoins a session, then routes
 * validated frames to it and its output back. Bad frames get an `error`
 * frame and change nothing.
 */
export function handleConnection(ws: WebSocket, manager: SessionManager, log: Logger, clientKey: string): void {
  let session: Session | null = null;
  const send = (msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encode(msg));
  };
  const sink: OutputSink = {send};
  const events: SessionEvents = {
    commandStart: send,
    commandEnd: send,
    status: (info) => send({t: 'status', session: info}),
    ended: (reason) => {
      send({t: 'error', code: 'expired', message: `this terminal session has ended (${reason}); a new one starts`});
      ws.close(4003, 'session ended');
    },
  };
  const helloTimer = setTimeout(() => ws.close(4000, 'hello expected'), HELLO_TIMEOUT_MS);

  const onHello = (msg: Extract<ClientMessage, {t: 'hello'}>) => {
    let s: Session | undefined;
    let resumed = false;
    if (msg.resume) {
      s = manager.get(msg.resume.sessionId);
      if (!s) {
        send({t: 'error', code: 'no-session', message: 'that session has ended; starting a new one'});
        return;
      }
      resumed = true;
      // Only one page per session: a newer connection replaces an older one.
      const previous = attachedTo.get(s);
      if (previous && previous !== ws) previous.close(4001, 'replaced by a newer connection');
    } else {
      try {
        s = manager.create(clientKey);
      } catch (err) {
        if (!(err instanceof SessionLimitError)) throw err;
        send({t: 'error', code: 'session-limit', message: err.message});
        ws.close(4002, 'session limit');
        return;
      }
      s.start(msg.cols, msg.rows);
    }
    session = s;
    clearTimeout(helloTimer);
    attachedTo.set(s, ws);
    manager.attached(s);
    if (resumed) s.resize(msg.cols, msg.rows);
    send({t: 'hello', v: PROTOCOL_VERSION, resumed, session: s.info()});
    // Output first: a command-end the page missed (sent by setEvents) must follow the output it ends.
    s.output.attach(sink, msg.resume?.lastSeq ?? 0);
    s.setEvents(events);
    s.log.info({event: resumed ? 'connection-resumed' : 'connection'}, 'page connected');
  };

  const onMessage = (msg: ClientMessage) => {
    if (msg.t === 'hello') {
      if (session) throw new ProtocolError('bad-frame', 'hello was already said');
      onHello(msg);
      return;
    }
    if (msg.t === 'ping') {
      send({t: 'pong'});
      return;
    }
    if (!session) throw new ProtocolError('bad-frame', 'say hello first');
    switch (msg.t) {
      case 'input':
        session.input(msg.data);
        break;
      case 'resize':
        session.resize(msg.cols, msg.rows);
        break;
      case 'context':
        session.setContext(msg.context, msg.dockerfile);
        break;
      case 'run': {
        const refusal = session.run(msg.command, msg.blockId, msg.context);
        if (refusal) send({t: 'error', code: refusal.code, message: refusal.message, blockId: msg.blockId});
        break;
      }
      case 'ack':
        session.output.ack(msg.seq);
        break;
    }
  };

  ws.on('message', (data, isBinary) => {
    try {
      if (isBinary) throw new ProtocolError('bad-frame', 'binary frames are not part of the protocol');
      onMessage(parseClientMessage(data.toString()));
    } catch (err) {
      if (err instanceof ProtocolError) {
        send({t: 'error', code: err.code, message: err.message});
        return;
      }
      log.error({err}, 'frame handling failed');
      send({t: 'error', code: 'bad-frame', message: 'the server could not handle that frame'});
    }
  });

  ws.on('close', () => {
    clearTimeout(helloTimer);
    const s = session;
    if (!s || attachedTo.get(s) !== ws) return;
    attachedTo.delete(s);
    s.output.detach(sink);
    s.setEvents(null);
    manager.detached(s);
    s.log.info({event: 'disconnect'}, 'page disconnected');
  });

  ws.on('error', (err) => log.warn({err: err.message}, 'websocket error'));
}
