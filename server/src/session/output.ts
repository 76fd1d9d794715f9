import {ProtocolError, type OutputMessage} from '../../../src/protocol';

export interface OutputSink {
  send(msg: OutputMessage): void;
}

interface Chunk {
  seq: number;
  data: string;
  bytes: number;
}

/** Chunks are cut at about this size; smaller writes are coalesced. */
const CHUNK_BYTES = 32 * 1024;
/** How long small writes wait to be coalesced (output pacing: see docs/operators.mdx, "Output pacing"). */
const COALESCE_MS = 4;

export interface OutputLimits {
  /** At most this much is sent and unacknowledged; producers wait while this much more is held. */
  windowBytes: number;
  /** Hard bound on sent-and-unacknowledged plus held bytes: past it, `onBehind` runs. */
  hardLimitBytes: number;
  /** Output waiting for a page that acknowledges nothing for this long: `onBehind` runs. */
  ackTimeoutMs: number;
}

/**
 * A session's terminal output: numbered chunks, flow control and replay.
 *
 * The flow-control model, in one place (docs/operators.mdx and the protocol
 * header say the same):
 * - Writes are coalesced into chunks with increasing `seq`. At most
 *   `windowBytes` are sent and unacknowledged at once; every chunk sent is
 *   kept until the page acknowledges it (that is what a reconnecting page
 *   gets again).
 * - What is written beyond the window is held here and sent as acks come
 *   back. A command reading the engine waits (`room()`) while a window's
 *   worth is held, so the engine is read no faster than the page draws.
 * - Held plus unacknowledged output never exceeds `hardLimitBytes` (what
 *   does not wait for room, such as prompt redraws, counts too), and output
 *   never waits more than `ackTimeoutMs` for an ack: past either, the page
 *   is behind and `onBehind` ends its session with the reason.
 * - An ack for a seq never sent is a protocol error.
 */
export class OutputChannel {
  #seq = 0;
  #pending = '';
  #timer: NodeJS.Timeout | null = null;
  #unacked: Chunk[] = [];
  #unackedBytes = 0;
  /**
   * Written, not yet numbered: waiting for room in the window. Kept as the pieces written (and
   * their total length), not one string: appending to and cutting from one string of up to a
   * window's size copied the whole of it for every write while the page was behind.
   */
  #held: string[] = [];
  #heldLength = 0;
  #sink: OutputSink | null = null;
  #waiters: Array<() => void> = [];

  readonly windowBytes: number;
  readonly #limits: OutputLimits;
  #stallTimer: NodeJS.Timeout | null = null;
  #behind: ((reason: string) => void) | null = null;

  constructor(limits: OutputLimits) {
    this.#limits = limits;
    this.windowBytes = limits.windowBytes;
  }

  /** Runs once when the page is too far behind (see the class comment); the caller ends the session. */
  onBehind(handler: (reason: string) => void): void {
    this.#behind = handler;
  }

  #fallBehind(reason: string): void {
    const handler = this.#behind;
    this.#behind = null;
    if (handler) queueMicrotask(() => handler(reason));
  }

  /** Highest seq assigned so far. */
  get lastSeq(): number {
    return this.#seq;
  }

  write(data: string): void {
    if (!data) return;
    this.#pending += data;
    if (this.#pending.length >= CHUNK_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  /** Send what was written, as far as the window allows; the rest is held until acks make room. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#pending) {
      this.#held.push(this.#pending);
      this.#heldLength += this.#pending.length;
      this.#pending = '';
      // (held counts UTF-16 units: at most 3 bytes each, at least 1.)
      if (this.#heldLength + this.#unackedBytes > this.#limits.hardLimitBytes) {
        this.#truncateHeld(Math.max(0, this.#limits.hardLimitBytes - this.#unackedBytes));
        this.#fallBehind(`it fell more than ${Math.round(this.#limits.hardLimitBytes / 1024)} KiB behind its output`);
      }
    }
    this.#drain();
  }

  /** Number and send held output while the window has room. */
  #drain(): void {
    while (this.#heldLength && this.#unackedBytes < this.windowBytes) {
      const data = this.#takeHeld(CHUNK_BYTES);
      const chunk: Chunk = {seq: ++this.#seq, data, bytes: Buffer.byteLength(data)};
      this.#unacked.push(chunk);
      this.#unackedBytes += chunk.bytes;
      this.#sink?.send({t: 'output', seq: chunk.seq, data: chunk.data});
    }
    if (!this.#heldLength) this.#wakeSent();
    // Output waits for acks: the page has this long to send one.
    if (this.#heldLength && this.#sink && !this.#stallTimer) {
      this.#stallTimer = setTimeout(() => {
        this.#stallTimer = null;
        if (this.#heldLength) this.#fallBehind(`it did not acknowledge its output for ${Math.round(this.#limits.ackTimeoutMs / 1000)} s`);
      }, this.#limits.ackTimeoutMs);
      this.#stallTimer.unref();
    }
  }

  /** The first `max` UTF-16 units held (fewer rather than half a surrogate pair), removed from the held pieces. */
  #takeHeld(max: number): string {
    let data = '';
    while (data.length < max && this.#held.length) {
      const head = this.#held[0]!;
      const room = max - data.length;
      if (head.length <= room) {
        data += head;
        this.#held.shift();
      } else {
        data += head.slice(0, room);
        this.#held[0] = head.slice(room);
      }
    }
    // Never split a surrogate pair between chunks.
    const last = data.charCodeAt(data.length - 1);
    if (last >= 0xd800 && last <= 0xdbff && this.#held.length) {
      this.#held.unshift(data.slice(-1));
      data = data.slice(0, -1);
    }
    this.#heldLength -= data.length;
    return data;
  }

  /** Keep only the first `max` UTF-16 units held. */
  #truncateHeld(max: number): void {
    let kept = 0;
    let i = 0;
    for (; i < this.#held.length && kept < max; i++) {
      const piece = this.#held[i]!;
      if (kept + piece.length > max) this.#held[i] = piece.slice(0, max - kept);
      kept += this.#held[i]!.length;
    }
    this.#held.length = i;
    this.#heldLength = kept;
  }

  #clearStall(): void {
    if (this.#stallTimer) clearTimeout(this.#stallTimer);
    this.#stallTimer = null;
  }

  /** Resolves once everything written so far has been sent (or the channel is closed). */
  sent(): Promise<void> {
    this.flush();
    if (this.#closed || !this.#heldLength) return Promise.resolve();
    return new Promise((resolve) => this.#sentWaiters.push(resolve));
  }

  #sentWaiters: Array<() => void> = [];

  #wakeSent(): void {
    const waiters = this.#sentWaiters;
    this.#sentWaiters = [];
    for (const w of waiters) w();
  }

  /** The page has drawn everything up to `seq`. Throws a ProtocolError for a seq never sent. */
  ack(seq: number): void {
    // Seqs are numbered as they are sent: anything above #seq never was.
    if (seq > this.#seq) throw new ProtocolError('bad-frame', `ack of output seq ${seq}, which was never sent`);
    let dropped = 0;
    while (this.#unacked.length && this.#unacked[0]!.seq <= seq) {
      dropped += this.#unacked.shift()!.bytes;
    }
    if (!dropped) return;
    this.#unackedBytes -= dropped;
    this.#clearStall();
    this.#drain();
    if (this.#heldLength < this.windowBytes) this.#wake();
  }

  /** Null when a producer may write more (less than a window's worth waits to be sent), else resolves when it may. */
  room(): Promise<void> | null {
    if (this.#closed || this.#heldLength + this.#pending.length < this.windowBytes) return null;
    this.flush();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Send output to `sink` from now on, first replaying every kept chunk after
   * `afterSeq` (what a reconnecting page missed or has not confirmed).
   */
  attach(sink: OutputSink, afterSeq: number): void {
    this.#sink = sink;
    for (const c of this.#unacked) if (c.seq > afterSeq) sink.send({t: 'output', seq: c.seq, data: c.data});
    this.flush();
  }

  detach(sink: OutputSink): void {
    if (this.#sink === sink) this.#sink = null;
    // No page, no acks to wait for: the reconnect grace period bounds this session instead.
    this.#clearStall();
  }

  /** Stop: release every waiting producer (their command is over). */
  close(): void {
    this.flush();
    this.#closed = true;
    this.#clearStall();
    this.#wake();
    this.#wakeSent();
  }

  #closed = false;

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
