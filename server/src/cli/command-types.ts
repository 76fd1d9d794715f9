/**
 * The commands this terminal understands, as parse.ts hands them to the
 * server. Strings are kept as the reader typed them (image names are
 * validated, not normalised; the server normalises with reference.ts).
 */
export type Command =
  | {
      kind: 'build';
      /** -t/--tag, in order, each a valid reference. */
      tags: string[];
      /** -f/--file, as given. */
      file?: string;
      /** --build-arg K=V; a later K replaces an earlier one. */
      buildArgs: Record<string, string>;
      noCache: boolean;
      pull: boolean;
      quiet: boolean;
      target?: string;
      progress: 'auto' | 'plain';
      /** The PATH | URL | - argument, as given: the server decides which contexts exist. */
      context: string;
    }
  | {
      kind: 'images';
      all: boolean;
      quiet: boolean;
      noTrunc: boolean;
      /** The optional REPOSITORY[:TAG] argument, as given. */
      filter?: string;
    }
  | {kind: 'tag'; source: string; target: string}
  | {kind: 'rmi'; images: string[]; force: boolean}
  | {kind: 'history'; image: string; noTrunc: boolean; quiet: boolean; human: boolean}
  | {kind: 'inspect'; images: string[]}
  | {kind: 'login'; server?: string; username?: string}
  | {kind: 'logout'; server?: string}
  | {kind: 'push'; name: string; quiet: boolean}
  | {kind: 'version'}
  /**
   * `docker run [OPTIONS] IMAGE [COMMAND] [ARG...]`: always `--rm`, in the lab's sandbox.
   * Strings as typed; the server checks the image and applies the sandbox.
   */
  | {
      kind: 'run';
      image: string;
      /** COMMAND and its ARGs (empty: the image's CMD). */
      args: string[];
      interactive: boolean;
      tty: boolean;
      /** -e KEY=VALUE, in order. */
      env: string[];
      workdir?: string;
      /** --entrypoint; "" resets the image's. */
      entrypoint?: string;
      /** --name, as the reader sees it. */
      name?: string;
    }
  | {kind: 'ps'; all: boolean; quiet: boolean; noTrunc: boolean}
  | {kind: 'stop'; containers: string[]; time?: number}
  | {kind: 'logs'; container: string; follow: boolean; tail?: number; timestamps: boolean}
  /**
   * `help`, `docker`, `docker --help`, `docker help build`, `docker build --help`...
   * `topic` is the command path without "docker" and with aliases resolved
   * ("build", "images", "image ls", "image"); undefined for the general help.
   * Pass it to helpText().
   */
  | {kind: 'help'; topic?: string}
  | {kind: 'clear'}
  /** `cd [LESSON]`: switch the lesson `docker build .` builds (none: say which it is). */
  | {kind: 'cd'; lesson?: string}
  /** A blank or comment-only line. */
  | {kind: 'empty'};

export type CommandKind = Command['kind'];
