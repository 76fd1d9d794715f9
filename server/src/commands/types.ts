import type {BuiltImageView} from '../../../src/protocol/views';
import type {LabConfig} from '../config';
import type {Engine, RegistryAuth} from '../engine';
import type {LessonContexts} from '../lessons/context';
import type {Logger} from '../log';
import type {ProgressReport} from '../progress/events';

/** The terminal as a command sees it. */
export interface Terminal {
  /** Write text (ANSI allowed, `\r\n` line ends). */
  write(text: string): void;
  /** Null when the page has room for more output; else resolves when it has (flow control). */
  room(): Promise<void> | null;
  /** Ask for a line at `prompt`; `echo: false` hides what is typed. Null when the reader pressed Ctrl-C. */
  readLine(prompt: string, opts?: {echo?: boolean}): Promise<string | null>;
  /** Clear the screen and the scrollback. */
  clear(): void;
  readonly cols: number;
  /** Rows of the page's terminal (absent: 24). */
  readonly rows?: number;
  /**
   * Attach the reader's keyboard to `sink` (an interactive container's TTY):
   * keystrokes and size changes go there, raw, instead of to the line editor
   * (Ctrl-C, Ctrl-D are bytes then), until the returned function releases it.
   * Absent where no page drives the terminal.
   */
  takeInput?(sink: RawInput): () => void;
  /**
   * The rest of a multi-line paste that followed this command's line (kept for the next prompt
   * otherwise): a container that started takes it, as a shell's would. Empty when there is none.
   */
  takePasted?(): string;
}

/** Where the keyboard goes while a command holds it (Terminal.takeInput). */
export interface RawInput {
  data(text: string): void;
  resize(cols: number, rows: number): void;
}

/** What a session keeps between commands (in memory only). */
export interface SessionState {
  /** Public id of the session, used in engine labels (the secret session id never leaves the server). */
  readonly ownerId: string;
  /** Registry address (as the engine expects it) → credentials of this session. */
  readonly logins: Map<string, RegistryAuth>;
  /** Lesson context `docker build .` builds. */
  currentLesson: string | null;
  /** Lesson context → the Dockerfile text the page shows for it. */
  readonly dockerfiles: Map<string, string>;
}

export interface CommandEnv {
  term: Terminal;
  /** Aborted by Ctrl-C, the session's end, or a wall-clock limit. */
  signal: AbortSignal;
  engine: Engine;
  config: LabConfig;
  lessons: LessonContexts;
  session: SessionState;
  log: Logger;
  /** Whether the session with this public id is alive with a page attached (for name collisions). */
  ownerActive: (ownerId: string) => boolean;
  /** A build made an image: the page shows it (views/built-image.ts). */
  onBuiltImage?: (view: BuiltImageView) => void;
  /** The reader's lab name (their namespace on the lab registry), for hints; absent without readers. */
  readerName?: string;
  /** Whether a reader of this name exists (absent without readers): their namespace is theirs. */
  isReaderName?: (name: string) => Promise<boolean>;
  /** Tell the progress module what worked (server/src/progress checks it); absent without readers. */
  progress?: ProgressReport;
}

/** A command handler: does its work, writes to the terminal, returns the exit status. */
export type Handler<C> = (command: C, env: CommandEnv) => Promise<number>;

/** Exit status of a command stopped by Ctrl-C, as a shell reports SIGINT. */
export const EXIT_INTERRUPTED = 130;
