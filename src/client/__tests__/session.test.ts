import {describe, expect, it} from 'vitest';
import {
  LabSessionClient,
  type SocketLike,
  type Timers,
} from '../session';
import {splitUtf8} from '../../protocol';
import {utf8Length, type ClientMessage, type ServerMessage, type SessionInfo} from '../../protocol';

// ---------------------------------------------------------------- fakes

class FakeTimers implements Timers {
  private t = 0;
  private nextId = 1;
  private readonly queue = new Map<number, {at: number; fn: () => void}>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.set(id, {at: this.t + ms, fn});
    return id;
  }
  clearTimeout(h: unknown): void {
    this.queue.delete(h as number);
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, {at: number; fn: () => void}] | undefined;
      for (const e of this.queue) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.queue.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
  pendingDelays(): number[] {
    return [...this.queue.values()].map((e) => e.at - this.t).sort((a, b) => a - b);
  }
}

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: ClientMessage[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: {data: unknown}) => void) | null = null;
  onclose: ((ev: {code: number; reason: string}) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(msg: ServerMessage): void {
    this.onmessage?.({data: JSON.stringify(msg)});
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({code: 1006, reason: ''});
  }
  frames<T extends ClientMessage['t']>(t: T): Extract<ClientMessage, {t: T}>[] {
    return this.sent.filter((m) => m.t === t) as Extract<ClientMessage, {t: T}>[];
  }
}

function info(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    sessionId: 's1',
    labRegistry: 'localhost:5000',
    logins: {},
    engine: 'up',
    builder: 'buildkit',
    running: null,
    context: null,
    ...over,
  };
}

function setup() {
  const timers = new FakeTimers();
  const sockets: FakeSocket[] = [];
  const client = new LabSessionClient({
    url: () => 'ws://test/companion/ws',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    random: () => 0.5, // no jitter
  });
  const last = () => sockets[sockets.length - 1]!;
  const written: string[] = [];
  const drawQueue: Array<() => void> = [];
  /** A terminal that draws only when told to (`drawAll`). */
  const sink = {
    write(data: string, drawn: () => void) {
      written.push(data);
      drawQueue.push(drawn);
    },
  };
  const drawAll = () => {
    while (drawQueue.length) drawQueue.shift()!();
  };
  /** Connect and answer the hello with a fresh session. */
  const online = (over: Partial<SessionInfo> = {}) => {
    client.ensureConnected();
    last().open();
    last().receive({t: 'hello', v: 1, resumed: false, session: info(over)});
  };
  return {client, timers, sockets, last, sink, written, drawAll, online};
}

// ---------------------------------------------------------------- tests

describe('LabSessionClient: connecting', () => {
  it('stays idle until asked, then sends hello and goes online on the reply', () => {
    const {client, sockets, last} = setup();
    expect(client.getSnapshot().connection).toBe('idle');
    expect(sockets).toHaveLength(0);
    client.resize(100, 30);
    client.ensureConnected();
    client.ensureConnected();
    expect(sockets).toHaveLength(1);
    expect(client.getSnapshot().connection).toBe('connecting');
    last().open();
    expect(last().sent).toEqual([{t: 'hello', v: 1, cols: 100, rows: 30}]);
    last().receive({t: 'hello', v: 1, resumed: false, session: info()});
    const snap = client.getSnapshot();
    expect(snap.connection).toBe('online');
    expect(snap.session?.labRegistry).toBe('localhost:5000');
  });

  it('is offline when the server cannot be reached, and retries with growing backoff', () => {
    const {client, sockets, last, timers} = setup();
    client.ensureConnected();
    last().drop();
    expect(client.getSnapshot().connection).toBe('offline');
    expect(timers.pendingDelays()).toEqual([500]);
    timers.advance(500);
    expect(sockets).toHaveLength(2);
    last().drop();
    expect(timers.pendingDelays()).toEqual([1000]);
    timers.advance(1000);
    last().drop();
    expect(timers.pendingDelays()).toEqual([2000]);
    // retryNow skips the wait
    client.retryNow();
    expect(sockets).toHaveLength(4);
    expect(client.getSnapshot().connection).toBe('offline');
    last().open();
    last().receive({t: 'hello', v: 1, resumed: false, session: info()});
    expect(client.getSnapshot().connection).toBe('online');
  });

  it('gives up on an attempt that never opens', () => {
    const {client, sockets, timers} = setup();
    client.ensureConnected();
    timers.advance(10_000);
    expect(sockets[0]!.closed).toBe(true);
    expect(client.getSnapshot().connection).toBe('offline');
  });

  it('pings while online and reconnects when the server goes silent', () => {
    const {client, last, sockets, timers, online} = setup();
    online();
    timers.advance(25_000);
    expect(last().frames('ping')).toHaveLength(1);
    last().receive({t: 'pong'});
    timers.advance(25_000 * 3);
    expect(sockets[0]!.closed).toBe(true);
    expect(client.getSnapshot().connection).toBe('reconnecting');
  });
});

describe('LabSessionClient: output, acks and resume', () => {
  it('buffers output until the terminal attaches, acks after drawing (batched)', () => {
    const {client, last, sink, written, drawAll, timers, online} = setup();
    online();
    last().receive({t: 'output', seq: 1, data: 'hello\r\n'});
    last().receive({t: 'output', seq: 2, data: '$ '});
    expect(written).toEqual([]);
    client.attachSink(sink);
    expect(written).toEqual(['hello\r\n', '$ ']);
    expect(last().frames('ack')).toEqual([]); // not drawn yet
    drawAll();
    expect(last().frames('ack')).toEqual([]); // batched: waits 50 ms
    timers.advance(50);
    expect(last().frames('ack')).toEqual([{t: 'ack', seq: 2}]);
  });

  it('acks at once when 64 KB are drawn', () => {
    const {client, last, sink, drawAll, online} = setup();
    online();
    client.attachSink(sink);
    const big = 'x'.repeat(40 * 1024);
    last().receive({t: 'output', seq: 1, data: big});
    last().receive({t: 'output', seq: 2, data: big});
    drawAll();
    expect(last().frames('ack')).toEqual([{t: 'ack', seq: 2}]);
  });

  it('resumes after a drop and renders each seq exactly once', () => {
    const {client, last, sockets, sink, written, drawAll, timers, online} = setup();
    online();
    client.attachSink(sink);
    last().receive({t: 'output', seq: 1, data: 'a'});
    last().receive({t: 'output', seq: 2, data: 'b'});
    drawAll();
    last().drop();
    expect(client.getSnapshot().connection).toBe('reconnecting');
    timers.advance(500);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(last().sent[0]).toEqual({
      t: 'hello',
      v: 1,
      cols: 80,
      rows: 24,
      resume: {sessionId: 's1', lastSeq: 2},
    });
    last().receive({t: 'hello', v: 1, resumed: true, session: info()});
    last().receive({t: 'output', seq: 2, data: 'b'}); // replayed: dropped
    last().receive({t: 'output', seq: 3, data: 'c'});
    expect(written.filter((w) => !w.includes('[lab]'))).toEqual(['a', 'b', 'c']);
    expect(client.getSnapshot().connection).toBe('online');
  });

  it('starts a fresh session on no-session and says so in the terminal', () => {
    const {client, last, timers, sink, written, drawAll, online} = setup();
    online();
    client.attachSink(sink);
    last().receive({t: 'output', seq: 5, data: 'old'});
    drawAll();
    last().drop();
    timers.advance(500);
    last().open();
    expect(last().sent[0]).toMatchObject({resume: {sessionId: 's1', lastSeq: 5}});
    last().receive({t: 'error', code: 'no-session', message: 'unknown session'});
    // a fresh hello on the same socket, no resume
    expect(last().sent[1]).toEqual({t: 'hello', v: 1, cols: 80, rows: 24});
    expect(written.join('')).toMatch(/previous terminal session has ended/);
    last().receive({t: 'hello', v: 1, resumed: false, session: info({sessionId: 's2'})});
    last().receive({t: 'output', seq: 1, data: 'new'}); // seq restarts at 1: accepted
    expect(written).toContain('new');
    drawAll();
    timers.advance(50);
    expect(last().frames('ack')).toEqual([{t: 'ack', seq: 1}]);
  });

  it('treats a hello reply that did not resume as a new session', () => {
    const {client, last, timers, sink, written, online} = setup();
    online();
    client.attachSink(sink);
    last().receive({t: 'output', seq: 9, data: 'old'});
    last().drop();
    timers.advance(500);
    last().open();
    last().receive({t: 'hello', v: 1, resumed: false, session: info({sessionId: 's2'})});
    expect(written.join('')).toMatch(/previous terminal session has ended/);
    last().receive({t: 'output', seq: 1, data: 'fresh'});
    expect(written).toContain('fresh');
  });

  it('ignores drawn callbacks from an older session', () => {
    const {client, last, sink, drawAll, timers, online} = setup();
    online();
    client.attachSink(sink);
    last().receive({t: 'output', seq: 7, data: 'x'});
    // session replaced before the terminal drew seq 7
    last().receive({t: 'error', code: 'no-session', message: 'gone'});
    last().receive({t: 'hello', v: 1, resumed: false, session: info({sessionId: 's2'})});
    drawAll();
    timers.advance(50);
    expect(last().frames('ack')).toEqual([]);
  });
});

describe('LabSessionClient: blocks', () => {
  it('follows a run from pending to exit code', () => {
    const {client, last, online} = setup();
    online();
    client.setContext('hello', 'FROM alpine\n');
    expect(last().frames('context')).toEqual([{t: 'context', context: 'hello', dockerfile: 'FROM alpine\n'}]);
    expect(client.run('b1', 'docker build -t x .', 'hello')).toBe(true);
    expect(last().frames('run')).toEqual([
      {
        t: 'run',
        blockId: 'b1',
        command: 'docker build -t x .',
        context: 'hello',
      },
    ]);
    expect(client.getSnapshot().blocks.b1).toEqual({state: 'pending'});
    last().receive({t: 'command-start', id: 1, line: 'docker build -t x .', blockId: 'b1'});
    expect(client.getSnapshot().blocks.b1?.state).toBe('running');
    expect(client.getSnapshot().command?.line).toBe('docker build -t x .');
    last().receive({t: 'command-end', id: 1, exitCode: 1, blockId: 'b1'});
    expect(client.getSnapshot().blocks.b1).toEqual({state: 'error', exitCode: 1});
    expect(client.getSnapshot().command).toBeNull();
    client.run('b2', 'docker images');
    expect(last().frames('run')[1]).toEqual({t: 'run', blockId: 'b2', command: 'docker images'});
    last().receive({t: 'command-start', id: 2, line: 'docker images', blockId: 'b2'});
    last().receive({t: 'command-end', id: 2, exitCode: 0, blockId: 'b2'});
    expect(client.getSnapshot().blocks.b2).toEqual({state: 'ok', exitCode: 0});
  });

  it('sends each lesson Dockerfile once on its own channel; a run names the lesson only', () => {
    const {client, last, online} = setup();
    online();
    client.setContext('hello', 'FROM busybox\n');
    client.setContext('pytorch', 'FROM debian\n');
    client.setContext('pytorch', 'FROM debian\n'); // unchanged: not sent again
    client.setContext('pytorch', 'FROM debian:12\n'); // edited: sent again
    expect(last().frames('context').map((f) => `${f.context}:${f.dockerfile.trim()}`)).toEqual([
      'hello:FROM busybox',
      'pytorch:FROM debian',
      'pytorch:FROM debian:12',
    ]);
    client.run('b', 'docker build .', 'hello');
    expect(last().frames('context')).toHaveLength(3);
    expect(last().frames('run')[0]?.context).toBe('hello');
  });

  it('shows busy on the block that asked', () => {
    const {client, last, online} = setup();
    online();
    client.run('b1', 'docker images');
    last().receive({t: 'error', code: 'busy', message: 'a command is running'});
    expect(client.getSnapshot().blocks.b1).toMatchObject({state: 'error', code: 'busy'});
  });

  it('does not run while offline', () => {
    const {client, last} = setup();
    client.ensureConnected();
    last().drop();
    expect(client.run('b1', 'docker images')).toBe(false);
    expect(client.getSnapshot().blocks.b1).toBeUndefined();
  });

  it('re-sends the page context and size after reconnecting, and updates status', () => {
    const {client, last, timers, online} = setup();
    online();
    client.setContext('hello', 'FROM alpine\n');
    client.setContext('hello', 'FROM alpine\n'); // unchanged: not sent again
    client.resize(120, 40);
    expect(last().frames('context')).toHaveLength(1);
    last().drop();
    timers.advance(500);
    last().open();
    last().receive({t: 'hello', v: 1, resumed: true, session: info()});
    expect(last().frames('context')).toEqual([{t: 'context', context: 'hello', dockerfile: 'FROM alpine\n'}]);
    expect(last().frames('resize')).toEqual([{t: 'resize', cols: 120, rows: 40}]);
    last().receive({t: 'status', session: info({logins: {'localhost:5000': 'ada'}})});
    expect(client.getSnapshot().session?.logins).toEqual({'localhost:5000': 'ada'});
  });

  it('marks running blocks as ended when the session is replaced', () => {
    const {client, last, online} = setup();
    online();
    client.run('b1', 'docker build .');
    last().receive({t: 'command-start', id: 1, line: 'docker build .', blockId: 'b1'});
    last().receive({t: 'error', code: 'no-session', message: 'gone'});
    expect(client.getSnapshot().blocks.b1).toMatchObject({state: 'error', code: 'session-ended'});
  });

  it('splits large input into frames the server accepts', () => {
    const {client, last, online} = setup();
    online();
    client.input('é'.repeat(10_000)); // 20,000 bytes
    const frames = last().frames('input');
    expect(frames).toHaveLength(2);
    expect(frames.every((f) => utf8Length(f.data) <= 16 * 1024)).toBe(true);
    expect(frames.map((f) => f.data).join('')).toBe('é'.repeat(10_000));
  });
});

describe('splitUtf8', () => {
  it('never splits a surrogate pair', () => {
    const s = '😀'.repeat(5);
    const parts = splitUtf8(s, 6);
    expect(parts.join('')).toBe(s);
    expect(parts.every((p) => utf8Length(p) <= 6)).toBe(true);
    expect(parts[0]).toBe('😀');
  });
});

describe('LabSessionClient: a Run waits for a lab name', () => {
  it('holds the Run while the gate is closed, restarts as a new session, then hands the block its replay once', () => {
    const {client, sockets, last, online} = setup();
    online();
    let named = false;
    client.setRunGate(() => named);
    expect(client.run('b1', 'docker build .')).toBe(true);
    expect(last().frames('run')).toHaveLength(0);
    expect(client.getSnapshot().blocks.b1?.state).toBe('pending');
    named = true;
    client.restartSession('You are alice in this lab.');
    expect(sockets).toHaveLength(2);
    expect(sockets[0]!.closed).toBe(true);
    last().open();
    expect(last().frames('hello')[0]?.resume).toBeUndefined(); // a new session, not a resume
    last().receive({t: 'hello', v: 1, resumed: false, session: info({sessionId: 's2', reader: {name: 'alice', disk: {used: 0, limit: 1}}})});
    expect(client.getSnapshot().session?.reader?.name).toBe('alice');
    expect(client.getSnapshot().blocks.b1?.state).toBe('idle');
    expect(client.getSnapshot().blocks.b1?.replay).toBe(true);
    expect(client.getSnapshot().blocks.b1?.message).toMatch(/running it now/);
    // Nothing runs from the held command (resolved before the name existed): the block runs its own.
    expect(last().frames('run')).toHaveLength(0);
    expect(client.takeReplay('b2')).toBe(false);
    expect(client.takeReplay('b1')).toBe(true);
    expect(client.takeReplay('b1')).toBe(false); // once
    expect(client.getSnapshot().blocks.b1?.replay).toBeUndefined();
    expect(client.run('b1', 'docker build -t localhost:5000/alice/hello .')).toBe(true);
    expect(last().frames('run')).toHaveLength(1);
  });
});
