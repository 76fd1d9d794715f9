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
import type {ReaderLink} from '../readers/link';
import {SessionLimitError, type SessionManager} from './manager';
import type {OutputSink} from './output';
import {RateLimit} from '../limits/rate-limit';
import type {Session, SessionEvents} from './session';

/** A connection must say hello within this time. */
const HELLO_TIMEOUT_MS = 10_000;
/**
 * Frames waiting in the socket beyond the flow-control window: past this the
 * page is not reading its socket (output is bounded by acks; this bounds the
 * rest: errors, pongs, status), and the connection is closed.
 */
const SOCKET_SLACK_BYTES = 1024 * 1024;
/** At most one rate-limit error frame per this interval. */
const RATE_ERROR_INTERVAL_MS = 1000;

/** Which connection each session is attached to (one page per session). */
const attachedTo = new WeakMap<Session, WebSocket>();

/**
 * One WebSocket: waits for `hello`, creates or rejoins a session, then routes
 * validated frames to it and its output back. Bad frames get an `error`
 * frame and change nothing.
 */
export function handleConnection(ws: WebSocket, manager: SessionManager, log: Logger, clientKey: string, reader?: ReaderLink): void {
  let session: Session | null = null;
  const limits = manager.config.limits;
  const maxBuffered = limits.unackedBytes + SOCKET_SLACK_BYTES;
  const send = (msg: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > maxBuffered) {
      ws.close(4004, 'the page is not reading its connection');
      return;
    }
    ws.send(encode(msg));
  };
  const inputRate = new RateLimit(limits.inputFramesPerSecond, 2 * limits.inputFramesPerSecond);
  const resizeRate = new RateLimit(limits.resizeFramesPerSecond, 2 * limits.resizeFramesPerSecond);
  let lastRateError = -Infinity;
  /** Says (at most once a second) that frames were dropped. */
  const rateLimited = (message: string) => {
    const now = Date.now();
    if (now - lastRateError < RATE_ERROR_INTERVAL_MS) return;
    lastRateError = now;
    send({t: 'error', code: 'rate-limited', message});
  };
  /** A resize over the limit is kept (only the latest) and applied when the limit allows. */
  let pendingSize: {cols: number; rows: number} | null = null;
  let resizeTimer: NodeJS.Timeout | null = null;
  const applyPendingSize = () => {
    resizeTimer = null;
    if (!pendingSize || !session) return;
    if (!resizeRate.take()) {
      resizeTimer = setTimeout(applyPendingSize, resizeRate.waitMs());
      return;
    }
    session.resize(pendingSize.cols, pendingSize.rows);
    pendingSize = null;
  };
  const sink: OutputSink = {send};
  const events: SessionEvents = {
    commandStart: send,
    commandEnd: send,
    builtImage: send,
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
      if (!s || s.reader?.id !== reader?.id) {
        // A session is rejoined only by the reader it belongs to (the cookie must name them).
        send({t: 'error', code: 'no-session', message: 'that session has ended; starting a new one'});
        return;
      }
      resumed = true;
      // Only one page per session: a newer connection replaces an older one.
      const previous = attachedTo.get(s);
      if (previous && previous !== ws) previous.close(4001, 'replaced by a newer connection');
    } else {
      try {
        s = manager.create(clientKey, reader);
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
        if (inputRate.take()) session.input(msg.data);
        else {
          rateLimited(
            `typing too fast: this terminal takes at most ${limits.inputFramesPerSecond} input frames a second; some input was dropped`,
          );
        }
        break;
      case 'resize':
        if (!pendingSize && resizeRate.take()) session.resize(msg.cols, msg.rows);
        else {
          pendingSize = {cols: msg.cols, rows: msg.rows};
          resizeTimer ??= setTimeout(applyPendingSize, resizeRate.waitMs());
          rateLimited(
            `too many resize frames: at most ${limits.resizeFramesPerSecond} a second; the latest size applies shortly`,
          );
        }
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
        try {
          session.output.ack(msg.seq);
        } catch (err) {
          // Flow control cannot go on with a page that acknowledges what it never got.
          if (err instanceof ProtocolError) {
            send({t: 'error', code: err.code, message: err.message});
            ws.close(4005, 'protocol error: acknowledged output never sent');
            return;
          }
          throw err;
        }
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
    if (resizeTimer) clearTimeout(resizeTimer);
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
