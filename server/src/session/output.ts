import type {OutputMessage} from '../../../src/protocol';

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
/** How long small writes wait to be coalesced. */
const COALESCE_MS = 4;

/**
 * A session's terminal output: numbered chunks, flow control and replay.
 *
 * Writes are coalesced into chunks with increasing `seq`. Every chunk sent is
 * kept until the page acknowledges it: that is what a reconnecting page gets
 * again (it drops seqs it already drew). At most `windowBytes` are sent and
 * unacknowledged at once; what is written beyond that is held here and sent
 * as acks come back, so a fast build cannot flood the socket or the page.
 * The engine is read at full speed regardless (Docker 20.10 breaks its build
 * stream when it is read slowly): the command's output cap bounds what is held.
 */
export class OutputChannel {
  #seq = 0;
  #pending = '';
  #timer: NodeJS.Timeout | null = null;
  #unacked: Chunk[] = [];
  #unackedBytes = 0;
  /** Written, not yet numbered: waiting for room in the window. */
  #held = '';
  #sink: OutputSink | null = null;
  #waiters: Array<() => void> = [];

  constructor(private readonly windowBytes: number) {}

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
      this.#held += this.#pending;
      this.#pending = '';
      if (this.#held.length + this.#unackedBytes > this.#hardLimit && this.#overflow) {
        const handler = this.#overflow;
        this.#overflow = null;
        queueMicrotask(handler);
      }
    }
    this.#drain();
  }

  /** Number and send held output while the window has room. */
  #drain(): void {
    while (this.#held && this.#unackedBytes < this.windowBytes) {
      let data = this.#held.slice(0, CHUNK_BYTES);
      // Never split a surrogate pair between chunks.
      const last = data.charCodeAt(data.length - 1);
      if (last >= 0xd800 && last <= 0xdbff && this.#held.length > data.length) data = data.slice(0, -1);
      this.#held = this.#held.slice(data.length);
      const chunk: Chunk = {seq: ++this.#seq, data, bytes: Buffer.byteLength(data)};
      this.#unacked.push(chunk);
      this.#unackedBytes += chunk.bytes;
      this.#sink?.send({t: 'output', seq: chunk.seq, data: chunk.data});
    }
    if (!this.#held) this.#wakeSent();
  }

  /** Resolves once everything written so far has been sent (or the channel is closed). */
  sent(): Promise<void> {
    this.flush();
    if (this.#closed || !this.#held) return Promise.resolve();
    return new Promise((resolve) => this.#sentWaiters.push(resolve));
  }

  #sentWaiters: Array<() => void> = [];

  #wakeSent(): void {
    const waiters = this.#sentWaiters;
    this.#sentWaiters = [];
    for (const w of waiters) w();
  }

  /** The page has drawn everything up to `seq`. */
  ack(seq: number): void {
    let dropped = 0;
    while (this.#unacked.length && this.#unacked[0]!.seq <= seq) {
      dropped += this.#unacked.shift()!.bytes;
    }
    if (!dropped) return;
    this.#unackedBytes -= dropped;
    this.#drain();
    if (!this.#held && this.#unackedBytes <= this.windowBytes / 2) this.#wake();
  }

  /** Resolves when the page has caught up enough for more output (nothing held, window not full). */
  room(): Promise<void> {
    if (this.#closed || (!this.#held && this.#unackedBytes < this.windowBytes)) return Promise.resolve();
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
  }

  /** Stop: release every waiting producer (their command is over). */
  close(): void {
    this.flush();
    this.#closed = true;
    this.#wake();
    this.#wakeSent();
  }

  #closed = false;

  /**
   * A page that never acknowledges (or a client that only sends input) must not
   * grow the server's memory: past `hardLimitBytes` held and unacknowledged, `onOverflow` runs.
   */
  onOverflow(hardLimitBytes: number, handler: () => void): void {
    this.#hardLimit = hardLimitBytes;
    this.#overflow = handler;
  }

  #hardLimit = Infinity;
  #overflow: (() => void) | null = null;

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
