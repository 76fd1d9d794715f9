/**
 * One entry point for a build stream, whichever builder produced it.
 *
 * BuildKit (`version: "2"`): `{"id":"moby.buildkit.trace","aux":"<base64>"}` messages go through
 * decodeTrace and the plain printer; `{"id":"moby.image.id","aux":{"ID"}}` gives the image id; an
 * error message is kept for finish(), which prints the failed step's box and the error, as the CLI
 * does once the stream has ended. Other messages (`{"stream":"Successfully tagged …"}`) are not shown:
 * the CLI does not show them either. In the buildx flavour, as `docker buildx build --progress=plain`
 * (0.13, checked against recordings from Docker 26.1: server/test/fixtures/bk26-*): the output opens
 * with buildx's `#0 building with "default" instance using docker driver` (the engine's own BuildKit
 * is what buildx calls the default instance), the error reads `ERROR: failed to solve: …` after the
 * failed instruction's lines of the Dockerfile, and a canceled build ends with `#N CANCELED` and
 * `ERROR: failed to solve: Canceled: context canceled`.
 *
 * Classic: ClassicBuildRenderer (errors are printed as they arrive; finish() returns '').
 */
import {BuildkitPlainPrinter, type PlainFlavor} from './buildkit-printer';
import {decodeTrace} from './buildkit-status';
import {StepRecorder} from './step-recorder';
import {sourceExcerpt, sourceExcerptOfMessage} from './dockerfile-source';
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
  /** BuildKit, buildx flavour: the Dockerfile that is built, to show a failed instruction's lines */
  dockerfile?: {name: string; text: string};
}

/**
 * BuildKit output as the reader's own CLI prints it for an engine of this version (`Version` of
 * `GET /version`): `docker build` is buildx from Docker 23 on; an older engine (Debian 12's 20.10,
 * given through DOCKER_HOST) comes with the 20.10 CLI and its own printer.
 */
export function flavorForEngine(version: string): PlainFlavor {
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) && major < 23 ? 'docker-20.10' : 'buildx';
}

/** What buildx prints first: the builder instance (the engine's own BuildKit is buildx's "default"). */
export const BUILDX_HEADER = '#0 building with "default" instance using docker driver\r\n\r\n';
/** buildx's last line when a build is canceled (its exit code is then 1). */
export const BUILDX_CANCELED = 'failed to solve: Canceled: context canceled';

const TRACE_ID = 'moby.buildkit.trace';
const IMAGE_ID = 'moby.image.id';

export class BuildOutput {
  private readonly builder: 'buildkit' | 'classic';
  private readonly classic?: ClassicBuildRenderer;
  private readonly printer?: BuildkitPlainPrinter;
  private id?: string;
  private err?: StreamError;
  private finished = false;
  private readonly flavor: PlainFlavor;
  private readonly dockerfile?: {name: string; text: string};
  private headerSent = false;
  /** BuildKit: what each step did (the image view's marks, the cached count). */
  readonly steps = new StepRecorder();
  /** Classic builder: steps that said "Using cache". */
  private cachedClassic = 0;

  constructor(opts: BuildOutputOptions) {
    this.builder = opts.builder;
    this.flavor = opts.flavor ?? 'buildx';
    this.dockerfile = opts.dockerfile;
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

  /** How many of the Dockerfile's steps came from the build cache (FROM and the builder's own [internal] steps not counted). */
  get cachedSteps(): number {
    return this.classic ? this.cachedClassic : this.steps.cachedSteps();
  }

  resize(cols: number): void {
    this.classic?.resize(cols);
  }

  /** The buildx flavour's opening line, once, before anything else. */
  private header(): string {
    if (this.builder !== 'buildkit' || this.flavor !== 'buildx' || this.headerSent) return '';
    this.headerSent = true;
    return BUILDX_HEADER;
  }

  write(msg: JSONMessage): string {
    if (this.classic) {
      if (typeof msg.stream === 'string' && /^ ---> Using cache$/m.test(msg.stream)) this.cachedClassic++;
      return this.classic.write(msg);
    }
    return this.header() + this.writeBuildkit(msg);
  }

  private writeBuildkit(msg: JSONMessage): string {
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
      this.steps.record(status);
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
    const printer = this.printer as BuildkitPlainPrinter;
    if (this.flavor !== 'buildx') return printer.finish(this.err?.message);
    const df = this.dockerfile;
    return (
      this.header() +
      printer.finish(this.err ? `failed to solve: ${this.err.message}` : undefined, {
        source: df ? (name) => sourceExcerpt(df.name, df.text, name) : undefined,
        fallbackSource: df && this.err ? sourceExcerptOfMessage(df.name, df.text, this.err.message) : undefined,
      })
    );
  }

  /**
   * The build was canceled (instead of finish()). buildx flavour: the running steps end CANCELED and
   * the last line is buildx's, `asBuildx` is true (the caller then exits 1, as buildx does).
   * Otherwise (classic, docker 20.10): finish()'s text, and false (the caller says it was canceled).
   */
  cancel(): {text: string; asBuildx: boolean} {
    if (this.finished || this.builder === 'classic' || this.flavor !== 'buildx') {
      return {text: this.finish(), asBuildx: false};
    }
    this.finished = true;
    const printer = this.printer as BuildkitPlainPrinter;
    return {text: this.header() + printer.cancel() + printer.finish(BUILDX_CANCELED), asBuildx: true};
  }
}
