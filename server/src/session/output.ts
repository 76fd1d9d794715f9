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
 * Writes are coalesced into chunks with increasing `seq`. Every chunk is kept
 * until the page acknowledges it: that is what a reconnecting page gets again
 * (it drops seqs it already drew), and it is the flow-control window:
 * producers `await room()` before reading more from the engine, so a fast
 * build cannot flood the socket or the server's memory.
 */
export class OutputChannel {
  #seq = 0;
  #pending = '';
  #timer: NodeJS.Timeout | null = null;
  #unacked: Chunk[] = [];
  #unackedBytes = 0;
  #sink: OutputSink | null = null;
  #waiters: Array<() => void> = [];

  constructor(private readonly windowBytes: number) {}

  /** Highest seq assigned so far. */
  get lastSeq(): number {
    return this.#seq;
  }

  get unackedBytes(): number {
    return this.#unackedBytes;
  }

  write(data: string): void {
    if (!data) return;
    this.#pending += data;
    if (this.#pending.length >= CHUNK_BYTES) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  /** Cut what is pending into chunks and send them. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#pending) {
      let data = this.#pending.slice(0, CHUNK_BYTES);
      // Never split a surrogate pair between chunks.
      const last = data.charCodeAt(data.length - 1);
      if (last >= 0xd800 && last <= 0xdbff && this.#pending.length > data.length) data = data.slice(0, -1);
      this.#pending = this.#pending.slice(data.length);
      const chunk: Chunk = {seq: ++this.#seq, data, bytes: Buffer.byteLength(data)};
      this.#unacked.push(chunk);
      this.#unackedBytes += chunk.bytes;
      if (this.#unackedBytes > this.#hardLimit && this.#overflow) {
        const handler = this.#overflow;
        this.#overflow = null;
        queueMicrotask(handler);
      }
      this.#sink?.send({t: 'output', seq: chunk.seq, data: chunk.data});
    }
  }

  /** The page has drawn everything up to `seq`. */
  ack(seq: number): void {
    let dropped = 0;
    while (this.#unacked.length && this.#unacked[0]!.seq <= seq) {
      dropped += this.#unacked.shift()!.bytes;
    }
    if (!dropped) return;
    this.#unackedBytes -= dropped;
    if (this.#unackedBytes <= this.windowBytes / 2) this.#wake();
  }

  /** Resolves when the page has caught up enough for more output. */
  room(): Promise<void> {
    if (this.#closed || this.#unackedBytes < this.windowBytes) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Send output to `sink` from now on, first replaying every kept chunk after
   * `afterSeq` (what a reconnecting page missed or has not confirmed).
   */
  attach(sink: OutputSink, afterSeq: number): void {
    this.flush();
    this.#sink = sink;
    for (const c of this.#unacked) if (c.seq > afterSeq) sink.send({t: 'output', seq: c.seq, data: c.data});
  }

  detach(sink: OutputSink): void {
    if (this.#sink === sink) this.#sink = null;
  }

  /** Stop: release every waiting producer (their command is over). */
  close(): void {
    this.flush();
    this.#closed = true;
    this.#wake();
  }

  #closed = false;

  /**
   * A page that never acknowledges (or a client that only sends input) must not
   * grow the server's memory: past `hardLimitBytes` unacknowledged, `onOverflow` runs.
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
