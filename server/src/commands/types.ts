import type {BuiltImageView} from '../../../src/protocol/views';
import type {LabConfig} from '../config';
import type {Engine, RegistryAuth} from '../engine';
import type {LessonContexts} from '../lessons/context';
import type {Logger} from '../log';
import type {ProgressReport} from '../progress/events';
import type {Terminal} from '../terminal/types';


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
