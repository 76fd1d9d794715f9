/**
 * The engine's multiplexed stream (a container without a TTY): frames of an
 * 8-byte header (stream type, 3 zero bytes, big-endian length) and a payload.
 * Incremental: feed chunks as they come, get payloads out.
 */
export type StreamKind = 'stdout' | 'stderr';

export class Demuxer {
  #buf: Buffer = Buffer.alloc(0);

  /** Payloads complete in what has arrived so far. */
  push(chunk: Buffer): Array<{kind: StreamKind; data: Buffer}> {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: Array<{kind: StreamKind; data: Buffer}> = [];
    while (this.#buf.length >= 8) {
      const type = this.#buf[0]!;
      const size = this.#buf.readUInt32BE(4);
      if (this.#buf.length < 8 + size) break;
      const data = this.#buf.subarray(8, 8 + size);
      this.#buf = this.#buf.subarray(8 + size);
      if (size > 0) out.push({kind: type === 2 ? 'stderr' : 'stdout', data});
    }
    return out;
  }
}
