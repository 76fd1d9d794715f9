/**
 * The classic (pre-BuildKit) builder's stream, rendered as the docker CLI renders it: the CLI runs it
 * through the same jsonmessage display as a push. `stream` text is printed as is (the engine already
 * wraps RUN stderr in `ESC[91m…ESC[0m`), `status`/progress (a FROM image being pulled) is drawn with
 * the layer lines, `{"aux":{"ID"}}` gives the image id, an error ends the output in red.
 */
import {type JSONMessage, ProgressRenderer, type StreamError, humanSize} from './jsonmessage';

/**
 * The line the classic CLI prints itself before the engine's stream, once the context is uploaded:
 * `Sending build context to Docker daemon  2.048kB` (its own progress bar, ending `\r\r\n`).
 */
export function sendingContextLine(bytes: number): string {
  return `Sending build context to Docker daemon ${humanSize(bytes, 4).padStart(8)}\r\r\n`;
}

export interface ClassicBuildOptions {
  cols?: number;
  tty?: boolean;
}

export class ClassicBuildRenderer {
  private readonly progress: ProgressRenderer;
  private id?: string;

  constructor(opts: ClassicBuildOptions = {}) {
    this.progress = new ProgressRenderer({cols: opts.cols ?? 80, tty: opts.tty});
  }

  get error(): StreamError | undefined {
    return this.progress.error;
  }

  /** `sha256:…` from the stream's `{"aux":{"ID"}}` message. */
  get imageId(): string | undefined {
    return this.id;
  }

  resize(cols: number): void {
    this.progress.resize(cols);
  }

  write(msg: JSONMessage): string {
    const aux = msg.aux;
    if (aux && typeof aux === 'object' && typeof (aux as {ID?: unknown}).ID === 'string') {
      this.id = (aux as {ID: string}).ID;
    }
    return this.progress.write(msg);
  }
}
