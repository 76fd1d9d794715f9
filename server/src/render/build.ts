/**
 * One entry point for a build stream, whichever builder produced it.
 *
 * BuildKit (`version: "2"`): `{"id":"moby.buildkit.trace","aux":"<base64>"}` messages go through
 * decodeTrace and the plain printer; `{"id":"moby.image.id","aux":{"ID"}}` gives the image id; an
 * error message is kept for finish(), which prints the failed step's box and the error, as the CLI
 * does once the stream has ended. Other messages (`{"stream":"Successfully tagged …"}`) are not shown:
 * the CLI does not show them either.
 *
 * Classic: ClassicBuildRenderer (errors are printed as they arrive; finish() returns '').
 */
import {BuildkitPlainPrinter, type PlainFlavor} from './buildkit-printer';
import {decodeTrace} from './buildkit-status';
import {ClassicBuildRenderer} from './classic';
import {type JSONMessage, type StreamError, messageError} from './jsonmessage';

export interface BuildOutputOptions {
  builder: 'buildkit' | 'classic';
  cols: number;
  /** BuildKit output style, default 'buildx' (see buildkit.ts) */
  flavor?: PlainFlavor;
  /** wall clock in ms for the BuildKit printer (switching between parallel steps, rate limit) */
  now?: () => number;
  /** BuildKit: print at most every N ms like the CLI (100); then call tick() every ~150 ms. Default 0. */
  rateLimitMs?: number;
}

const TRACE_ID = 'moby.buildkit.trace';
const IMAGE_ID = 'moby.image.id';

export class BuildOutput {
  private readonly builder: 'buildkit' | 'classic';
  private readonly classic?: ClassicBuildRenderer;
  private readonly printer?: BuildkitPlainPrinter;
  private id?: string;
  private err?: StreamError;
  private finished = false;

  constructor(opts: BuildOutputOptions) {
    this.builder = opts.builder;
    if (opts.builder === 'classic') {
      this.classic = new ClassicBuildRenderer({cols: opts.cols});
    } else {
      this.printer = new BuildkitPlainPrinter({flavor: opts.flavor, now: opts.now, rateLimitMs: opts.rateLimitMs});
    }
  }

  get imageId(): string | undefined {
    return this.classic ? this.classic.imageId : this.id;
  }

  get error(): StreamError | undefined {
    return this.classic ? this.classic.error : this.err;
  }

  resize(cols: number): void {
    this.classic?.resize(cols);
  }

  write(msg: JSONMessage): string {
    if (this.classic) return this.classic.write(msg);
    const printer = this.printer as BuildkitPlainPrinter;
    if (this.err) return '';
    if (msg.id === TRACE_ID && msg.aux !== undefined) {
      if (typeof msg.aux !== 'string') return '';
      let status;
      try {
        status = decodeTrace(msg.aux);
      } catch {
        return ''; // a trace we cannot read is progress we cannot show, not a failed build
      }
      return printer.write(status);
    }
    if (msg.id === IMAGE_ID && msg.aux && typeof msg.aux === 'object') {
      const id = (msg.aux as {ID?: unknown}).ID;
      if (typeof id === 'string') this.id = id;
      return '';
    }
    const err = messageError(msg);
    if (err) {
      this.err = err;
      return '';
    }
    // Anything else ("Successfully tagged …" stream lines): the CLI reads it into a buffer it never shows.
    return '';
  }

  /** With rateLimitMs: text held back since the last write (call on a ~150 ms timer). */
  tick(): string {
    if (this.finished || !this.printer) return '';
    return this.printer.tick();
  }

  /** Call once when the stream has ended (or was cut): the final text. */
  finish(): string {
    if (this.finished || this.builder === 'classic') return '';
    this.finished = true;
    return (this.printer as BuildkitPlainPrinter).finish(this.err?.message);
  }
}
