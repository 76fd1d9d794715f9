/**
 * The browser's side of a lab session, without React and without a DOM:
 * one WebSocket to the companion server, reconnect with backoff and resume,
 * output sequence numbers and acknowledgements, a buffer for output that
 * arrives before the terminal exists, and the state of each lesson block's
 * last run. The React layer (`./react.tsx`) subscribes to `getSnapshot()`;
 * the terminal attaches itself as the output sink.
 *
 * Everything the outside world provides (the socket, timers, randomness) is
 * injected, so `__tests__/session.test.ts` drives it with fakes.
 */
import {
  encode,
  parseServerMessage,
  PROTOCOL_VERSION,
  MAX_DOCKERFILE_BYTES,
  MAX_INPUT_BYTES,
  type ClientMessage,
  type ErrorCode,
  type ServerMessage,
  type SessionInfo,
  type BuiltImageView,
  splitUtf8,
  utf8Length,
} from '../protocol';

// ---------------------------------------------------------------- types

/**
 * - `idle`: not asked to connect yet (server rendering, pages without blocks);
 * - `connecting`: first attempt;
 * - `online`: hello answered;
 * - `reconnecting`: the connection dropped, trying to resume;
 * - `offline`: the server could not be reached (retrying in the background).
 */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

export type BlockRunState = 'idle' | 'pending' | 'running' | 'ok' | 'error';

export interface BlockRun {
  state: BlockRunState;
  exitCode?: number;
  /** Why the run failed without an exit code (busy, connection lost, ...). */
  message?: string;
  /** Error code from the server, when the failure came from an `error` frame. */
  code?: ErrorCode | 'disconnected' | 'session-ended';
  /**
   * The Run that asked for a lab name, now that the reader's session is connected: the block runs it
   * again itself, with its command resolved under the new name (what runs is what the block shows).
   */
  replay?: true;
}

export interface RunningCommand {
  id: number;
  line: string;
  blockId?: string;
}

export interface SessionSnapshot {
  connection: ConnectionState;
  /** Last `SessionInfo` from the server (null until the first hello reply). */
  session: SessionInfo | null;
  /** Last run of each block, by block id. */
  blocks: Readonly<Record<string, BlockRun>>;
  /** The command running now (from command-start / command-end). */
  command: RunningCommand | null;
  /** Last protocol error, for the dock header. */
  lastError: {code: ErrorCode; message: string} | null;
  /** The image each lesson's last build made (layers, cached and rebuilt steps), by lesson context. */
  builtImages?: Readonly<Record<string, BuiltImageView>>;
}

/** The subset of the browser's WebSocket the client uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: {data: unknown}) => void) | null;
  onclose: ((ev: {code: number; reason: string}) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** Where output goes: the terminal. `drawn` must be called once the chunk is on screen. */
export interface TerminalSink {
  write(data: string, drawn: () => void): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface SessionClientOptions {
  /** The WebSocket URL (evaluated at each connect). */
  url: () => string;
  createSocket: (url: string) => SocketLike;
  timers?: Timers;
  random?: () => number;
  /** Send an ack once this many drawn bytes are unacknowledged (default 64 KiB). */
  ackBytes?: number;
  /** ...or this long after the first unacknowledged chunk was drawn (default 50 ms). */
  ackDelayMs?: number;
  /** Reconnect backoff: first delay and cap (default 500 ms, 15 s), ±20 % jitter. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Give up on an attempt that has not opened after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Ping this often while online (default 25 s)... */
  pingIntervalMs?: number;
  /** ...and drop the connection if nothing arrived for this long (default 70 s). */
  idleTimeoutMs?: number;
  /** Failed attempts after a drop before the state turns from `reconnecting` to `offline` (default 4). */
  reconnectingAttempts?: number;
}

const OPEN = 1;

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** Local (not server-numbered) lines written into the terminal. */
export function noticeLine(text: string): string {
  return `\r\n\x1b[2m[lab]\x1b[0m \x1b[33m${text}\x1b[0m\r\n`;
}

type Pending =
  | {kind: 'output'; epoch: number; seq: number; data: string}
  | {kind: 'local'; data: string};


const INITIAL_SNAPSHOT: SessionSnapshot = Object.freeze({
  connection: 'idle',
  session: null,
  blocks: Object.freeze({}),
  command: null,
  lastError: null,
}) as SessionSnapshot;

// ---------------------------------------------------------------- client

export class LabSessionClient {
  private readonly opts: Required<Omit<SessionClientOptions, 'timers' | 'random'>>;
  private readonly timers: Timers;
  private readonly random: () => number;

  private snapshot: SessionSnapshot = INITIAL_SNAPSHOT;
  private readonly listeners = new Set<() => void>();

  private ws: SocketLike | null = null;
  private started = false;
  private disposed = false;
  private everOnline = false;
  /** Failed attempts since the last successful hello. */
  private attempts = 0;
  private reconnectTimer: unknown = null;
  private connectTimer: unknown = null;
  private pingTimer: unknown = null;
  private lastFrameAt = 0;
  /** The hello we sent on this socket has not been answered yet. */
  private awaitingHello = false;
  /** The hello on this socket asked to resume. */
  private resumeRequested = false;

  // Session and output bookkeeping. Kept in memory only: a reload starts afresh.
  private sessionId: string | null = null;
  /** Bumped for each new session: drawn-callbacks of older sessions are ignored. */
  private epoch = 0;
  private lastReceived = 0;
  private lastDrawn = 0;
  private lastAcked = 0;
  private unackedBytes = 0;
  private ackTimer: unknown = null;

  private sink: TerminalSink | null = null;
  private pending: Pending[] = [];

  private cols = 80;
  private rows = 24;
  private sentSize: string | null = null;

  /** Dockerfile text per lesson context, and the text the server has of each (this connection). */
  private readonly contexts = new Map<string, string>();
  private readonly sentContexts = new Map<string, string>();
  /** Block whose `run` was sent and not yet started (to attribute `busy` and other errors). */
  private pendingRun: string | null = null;

  constructor(options: SessionClientOptions) {
    this.opts = {
      url: options.url,
      createSocket: options.createSocket,
      ackBytes: options.ackBytes ?? 64 * 1024,
      ackDelayMs: options.ackDelayMs ?? 50,
      backoffInitialMs: options.backoffInitialMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 15_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      pingIntervalMs: options.pingIntervalMs ?? 25_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 70_000,
      reconnectingAttempts: options.reconnectingAttempts ?? 4,
    };
    this.timers = options.timers ?? defaultTimers;
    this.random = options.random ?? Math.random;
  }

  // -------------------------------------------------------------- store API

  static readonly initialSnapshot: SessionSnapshot = INITIAL_SNAPSHOT;

  getSnapshot = (): SessionSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private update(patch: Partial<SessionSnapshot>): void {
    this.snapshot = {...this.snapshot, ...patch};
    for (const l of [...this.listeners]) l();
  }

  private setBlock(blockId: string, run: BlockRun): void {
    this.update({blocks: {...this.snapshot.blocks, [blockId]: run}});
  }

  // -------------------------------------------------------------- public API

  /** Connect if not done yet. Safe to call often (each block and the dock call it). */
  ensureConnected(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.connect();
  }

  /** Retry now instead of waiting for the backoff (browser came online, tab shown, Retry clicked). */
  retryNow(): void {
    if (!this.started || this.disposed || this.ws) return;
    this.clearTimer('reconnectTimer');
    this.connect();
  }

  // ---- readers (src/client/reader.ts): a Run waits for a lab name; choosing one starts the reader's session.
  private runGate: (() => boolean) | null = null;
  private heldRun: {blockId: string; command: string; context?: string | {context: string; dockerfile: string}} | null = null;

  /**
   * `gate()` false: a Run waits (the block shows pending) until `restartSession` has
   * connected the reader's own session; the block then runs it again itself (`takeReplay`). Null: no gate.
   */
  setRunGate(gate: (() => boolean) | null): void {
    this.runGate = gate;
  }

  /**
   * The block whose Run asked for a lab name takes its replay, once (true: run it now). A block that
   * cannot run (offline, still unresolved) leaves it; the flag goes with the block's next state.
   */
  takeReplay(blockId: string): boolean {
    const run = this.snapshot.blocks[blockId];
    if (!run?.replay) return false;
    this.setBlock(blockId, {state: 'idle'});
    return true;
  }

  /** A Run is waiting for the reader to choose a lab name. */
  get hasHeldRun(): boolean {
    return this.heldRun !== null;
  }

  /** Start a new session now (the reader just chose a lab name: the new session is theirs). */
  restartSession(note: string): void {
    if (this.disposed) return;
    if (!this.started) {
      this.ensureConnected();
      return;
    }
    this.forgetSession();
    this.writeLocal(noticeLine(note));
    const ws = this.ws;
    if (ws) this.dropSocket(ws);
    this.clearTimer('reconnectTimer');
    this.attempts = 0;
    this.connect();
  }

  /** Write text of the page's own into the terminal (not session output: e.g. a recording played while offline). */
  writeLocalText(data: string): void {
    this.writeLocal(data);
  }

  /** Close everything; the client cannot be used afterwards. */
  dispose(): void {
    this.disposed = true;
    this.clearTimer('reconnectTimer');
    this.clearTimer('connectTimer');
    this.clearTimer('pingTimer');
    this.clearTimer('ackTimer');
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close(1000, 'page closed');
      } catch {
        /* already closed */
      }
    }
    this.listeners.clear();
  }

  /** The terminal is ready: flush what arrived before it, then stream into it. */
  attachSink(sink: TerminalSink): () => void {
    this.sink = sink;
    const queued = this.pending;
    this.pending = [];
    for (const p of queued) this.deliver(p);
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  /** Keystrokes / paste from the terminal. Dropped while not online. */
  input(data: string): boolean {
    if (!this.isOnline() || data === '') return false;
    for (const piece of splitUtf8(data, MAX_INPUT_BYTES)) this.send({t: 'input', data: piece});
    return true;
  }

  /** The terminal's size after a fit. */
  resize(cols: number, rows: number): void {
    this.cols = clamp(Math.floor(cols), 2, 1000);
    this.rows = clamp(Math.floor(rows), 1, 1000);
    this.sendSize();
  }

  /**
   * The page shows this Dockerfile for lesson `context` (a block mounted, or
   * the reader edited it). Sent on the one channel for lesson Dockerfiles (a
   * `context` frame) now if online and changed, and again after a reconnect.
   * It does not switch the session's lesson: running a block does.
   */
  setContext(context: string, dockerfile: string): void {
    this.contexts.set(context, dockerfile);
    this.sendContext(context);
  }

  /**
   * Run a lesson block. `context` names the block's lesson: it becomes the
   * session's current one (its Dockerfile is sent first if the server does not
   * have this text yet). Returns false (and changes nothing) when not online.
   */
  run(blockId: string, command: string, context?: string): boolean {
    if (!this.isOnline()) return false;
    if (this.runGate && !this.runGate()) {
      this.heldRun = {blockId, command, context};
      this.setBlock(blockId, {state: 'pending', message: 'Choose your lab name in the terminal dock first.'});
      return true;
    }
    if (context) {
      const dockerfile = this.contexts.get(context);
      if (dockerfile !== undefined && utf8Length(dockerfile) > MAX_DOCKERFILE_BYTES) {
        this.setBlock(blockId, {
          state: 'error',
          code: 'too-large',
          message: `The Dockerfile is larger than ${MAX_DOCKERFILE_BYTES / 1024} KB.`,
        });
        return false;
      }
      this.sendContext(context);
    }
    this.pendingRun = blockId;
    this.setBlock(blockId, {state: 'pending'});
    this.send(context ? {t: 'run', blockId, command, context} : {t: 'run', blockId, command});
    return true;
  }

  // -------------------------------------------------------------- connection

  private isOnline(): boolean {
    return this.snapshot.connection === 'online' && this.ws !== null && this.ws.readyState === OPEN;
  }

  private connect(): void {
    if (this.disposed) return;
    // Later attempts keep the state onSocketGone chose (reconnecting / offline).
    if (this.snapshot.connection === 'idle') this.update({connection: 'connecting'});
    let ws: SocketLike;
    try {
      ws = this.opts.createSocket(this.opts.url());
    } catch {
      this.onSocketGone();
      return;
    }
    this.ws = ws;
    this.awaitingHello = false;
    this.resumeRequested = false;
    this.connectTimer = this.timers.setTimeout(() => {
      this.connectTimer = null;
      if (this.ws === ws && this.snapshot.connection !== 'online') this.dropSocket(ws);
    }, this.opts.connectTimeoutMs);

    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.lastFrameAt = this.timers.now();
      this.sendHello();
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastFrameAt = this.timers.now();
      const msg = typeof ev.data === 'string' ? parseServerMessage(ev.data) : null;
      if (msg) this.onMessage(msg);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.onSocketGone();
    };
  }

  /** Close a socket we no longer trust and go through the normal reconnect path. */
  private dropSocket(ws: SocketLike): void {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    try {
      ws.close(4000, 'timeout');
    } catch {
      /* ignore */
    }
    if (this.ws === ws) this.onSocketGone();
  }

  private onSocketGone(): void {
    this.ws = null;
    this.awaitingHello = false;
    this.sentSize = null;
    this.sentContexts.clear();
    this.clearTimer('connectTimer');
    this.clearTimer('pingTimer');
    this.clearTimer('ackTimer');
    if (this.disposed) return;
    if (this.pendingRun) {
      this.setBlock(this.pendingRun, {
        state: 'error',
        code: 'disconnected',
        message: 'The connection dropped just after Run: see the terminal for what happened.',
      });
      this.pendingRun = null;
    }
    this.attempts += 1;
    // No note in the terminal here: the server owns the prompt line, and a resume continues it.
    // The dock header shows the connection state.
    this.update({
      connection: this.everOnline
        ? this.attempts >= this.opts.reconnectingAttempts
          ? 'offline'
          : 'reconnecting'
        : 'offline',
    });
    const base = Math.min(
      this.opts.backoffMaxMs,
      this.opts.backoffInitialMs * 2 ** Math.min(this.attempts - 1, 20),
    );
    const delay = Math.round(base * (0.8 + 0.4 * this.random()));
    this.clearTimer('reconnectTimer');
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private sendHello(): void {
    this.awaitingHello = true;
    this.resumeRequested = this.sessionId !== null;
    this.send({
      t: 'hello',
      v: PROTOCOL_VERSION,
      cols: this.cols,
      rows: this.rows,
      ...(this.sessionId !== null
        ? {resume: {sessionId: this.sessionId, lastSeq: this.lastReceived}}
        : {}),
    });
  }

  private schedulePing(): void {
    this.clearTimer('pingTimer');
    this.pingTimer = this.timers.setTimeout(() => {
      this.pingTimer = null;
      const ws = this.ws;
      if (!ws || this.snapshot.connection !== 'online') return;
      if (this.timers.now() - this.lastFrameAt > this.opts.idleTimeoutMs) {
        this.dropSocket(ws);
        return;
      }
      this.send({t: 'ping'});
      this.schedulePing();
    }, this.opts.pingIntervalMs);
  }

  private send(msg: ClientMessage): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return;
    try {
      ws.send(encode(msg));
    } catch {
      /* the close handler reconnects */
    }
  }

  // -------------------------------------------------------------- frames

  private onMessage(msg: ServerMessage): void {
    switch (msg.t) {
      case 'hello':
        this.onHello(msg.resumed, msg.session);
        break;
      case 'output':
        this.onOutput(msg.seq, msg.data);
        break;
      case 'command-start': {
        this.update({command: {id: msg.id, line: msg.line, blockId: msg.blockId}});
        if (msg.blockId) {
          if (this.pendingRun === msg.blockId) this.pendingRun = null;
          this.setBlock(msg.blockId, {state: 'running'});
        }
        break;
      }
      case 'command-end': {
        if (!this.snapshot.command || this.snapshot.command.id === msg.id) this.update({command: null});
        if (msg.blockId) {
          if (this.pendingRun === msg.blockId) this.pendingRun = null;
          this.setBlock(msg.blockId, {
            state: msg.exitCode === 0 ? 'ok' : 'error',
            exitCode: msg.exitCode,
          });
        }
        break;
      }
      case 'status':
        this.update({session: msg.session});
        break;
      case 'built-image':
        this.update({builtImages: {...this.snapshot.builtImages, [msg.image.context]: msg.image}});
        break;
      case 'error':
        this.onError(msg.code, msg.message, msg.blockId);
        break;
      case 'pong':
        break;
    }
  }

  private onHello(resumed: boolean, session: SessionInfo): void {
    this.awaitingHello = false;
    this.clearTimer('connectTimer');
    const rejoined =
      this.resumeRequested && resumed && session.sessionId === this.sessionId;
    if (this.resumeRequested && !rejoined) {
      // The server gave us a new session instead of the old one.
      this.startFreshSession(false);
    }
    this.resumeRequested = false;
    this.sessionId = session.sessionId;
    this.everOnline = true;
    this.attempts = 0;

    let blocks = this.snapshot.blocks;
    if (rejoined && session.running === null) {
      // A block command may have ended while we were away: we will never see its command-end.
      blocks = mapBlocks(blocks, (b) =>
        b.state === 'running'
          ? {state: 'idle', message: 'Finished while the connection was down: see the terminal.'}
          : b,
      );
    }
    this.update({
      connection: 'online',
      session,
      blocks,
      command: session.running === null ? null : this.snapshot.command,
      lastError: null,
    });
    this.sendSize();
    for (const context of this.contexts.keys()) this.sendContext(context);
    this.flushAck();
    this.lastFrameAt = this.timers.now();
    this.schedulePing();
    const held = this.heldRun;
    if (held && (!this.runGate || this.runGate())) {
      // Not replayed from here: the held command was resolved before the name existed (`<username>`).
      // The block runs again itself once it shows the command under the reader's name (takeReplay).
      this.heldRun = null;
      this.setBlock(held.blockId, {state: 'idle', replay: true, message: 'Your lab name is set: running it now.'});
    }
  }

  private onError(code: ErrorCode, message: string, forBlock?: string): void {
    if (code === 'no-session' || code === 'expired') {
      // Expired, or the server restarted: start over, and say so (with the server's reason, if it gave one).
      this.startFreshSession(true, code === 'expired' ? message : undefined);
      if (this.ws && this.ws.readyState === OPEN) {
        this.sentSize = null;
        this.sentContexts.clear();
        this.sendHello();
      }
      return;
    }
    this.update({lastError: {code, message}});
    // Dropped keystrokes or sizes: the reader must see why in the terminal itself.
    if (code === 'rate-limited') {
      this.writeLocal(noticeLine(message));
      return; // about the reader's frames, not a block's run
    }
    const blockId = forBlock ?? this.pendingRun;
    if (blockId) {
      if (this.pendingRun === blockId) this.pendingRun = null;
      this.setBlock(blockId, {
        state: 'error',
        code,
        message:
          code === 'busy'
            ? 'Busy: another command is still running in the terminal. Wait for it to finish (or press Ctrl-C there), then run this again.'
            : message,
      });
      if (code === 'busy') return;
    }
    this.writeLocal(noticeLine(`${message} (${code})`));
  }

  /** No session any more: the next hello starts one, and seq numbering restarts. */
  private forgetSession(): void {
    this.sessionId = null;
    this.epoch += 1;
    this.lastReceived = 0;
    this.lastDrawn = 0;
    this.lastAcked = 0;
    this.unackedBytes = 0;
  }

  /** Forget the old session: seq numbering restarts, running blocks are over. */
  private startFreshSession(announce: boolean, reason?: string): void {
    const hadSession = this.sessionId !== null;
    this.forgetSession();
    this.clearTimer('ackTimer');
    if (this.pendingRun) this.pendingRun = null;
    this.update({
      command: null,
      blocks: mapBlocks(this.snapshot.blocks, (b) =>
        b.state === 'running' || b.state === 'pending'
          ? {state: 'error', code: 'session-ended', message: 'The session ended before the command finished.'}
          : b,
      ),
    });
    if (hadSession || announce) {
      this.writeLocal(
        noticeLine(
          `${reason ? `The server says: ${reason}. ` : 'Your previous terminal session has ended (it expired or the lab server restarted). '}A new session starts now: your images stay with your lab name; if a push says you are not logged in, log in again.`,
        ),
      );
    }
  }

  private onOutput(seq: number, data: string): void {
    if (seq <= this.lastReceived) return; // replayed after a resume: already have it
    this.lastReceived = seq;
    this.deliver({kind: 'output', epoch: this.epoch, seq, data});
  }

  private writeLocal(data: string): void {
    this.deliver({kind: 'local', data});
  }

  private deliver(p: Pending): void {
    const sink = this.sink;
    if (!sink) {
      this.pending.push(p);
      return;
    }
    if (p.kind === 'local') {
      sink.write(p.data, noop);
      return;
    }
    const {epoch, seq, data} = p;
    sink.write(data, () => this.drawn(epoch, seq, utf8Length(data)));
  }

  // -------------------------------------------------------------- acks

  private drawn(epoch: number, seq: number, bytes: number): void {
    if (epoch !== this.epoch || this.disposed) return;
    if (seq > this.lastDrawn) this.lastDrawn = seq;
    this.unackedBytes += bytes;
    if (this.unackedBytes >= this.opts.ackBytes) {
      this.flushAck();
    } else if (this.ackTimer === null) {
      this.ackTimer = this.timers.setTimeout(() => {
        this.ackTimer = null;
        this.flushAck();
      }, this.opts.ackDelayMs);
    }
  }

  private flushAck(): void {
    this.clearTimer('ackTimer');
    if (!this.isOnline() || this.awaitingHello) return;
    if (this.lastDrawn > this.lastAcked) {
      this.send({t: 'ack', seq: this.lastDrawn});
      this.lastAcked = this.lastDrawn;
    }
    this.unackedBytes = 0;
  }

  private sendSize(): void {
    if (!this.isOnline()) return;
    const key = `${this.cols}x${this.rows}`;
    if (key === this.sentSize) return;
    this.sentSize = key;
    this.send({t: 'resize', cols: this.cols, rows: this.rows});
  }

  /** Send lesson `context`'s Dockerfile unless the server already has this text. */
  private sendContext(context: string): void {
    if (!this.isOnline()) return;
    const dockerfile = this.contexts.get(context);
    if (dockerfile === undefined || utf8Length(dockerfile) > MAX_DOCKERFILE_BYTES) return;
    if (this.sentContexts.get(context) === dockerfile) return;
    this.sentContexts.set(context, dockerfile);
    this.send({t: 'context', context, dockerfile});
  }

  private clearTimer(
    name: 'reconnectTimer' | 'connectTimer' | 'pingTimer' | 'ackTimer',
  ): void {
    const h = this[name];
    if (h !== null) {
      this.timers.clearTimeout(h);
      this[name] = null;
    }
  }
}

function noop(): void {}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}

function mapBlocks(
  blocks: Readonly<Record<string, BlockRun>>,
  fn: (b: BlockRun) => BlockRun,
): Readonly<Record<string, BlockRun>> {
  let changed = false;
  const out: Record<string, BlockRun> = {};
  for (const [id, b] of Object.entries(blocks)) {
    const nb = fn(b);
    if (nb !== b) changed = true;
    out[id] = nb;
  }
  return changed ? out : blocks;
}
