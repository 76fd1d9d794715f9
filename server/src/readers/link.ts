import type {RegistryAuth} from '../engine';
import type {ReaderProgress} from '../../../src/protocol/progress';
import type {ProgressEvent} from '../progress/events';

/** What a terminal session knows of its reader (server/src/readers keeps the rest). */
export interface ReaderLink {
  /** Public id: the owner label of the reader's images (instead of a per-session one). */
  readonly id: string;
  readonly name: string;
  /** Logins shared by all the reader's tabs; they outlive a session. */
  readonly logins: Map<string, RegistryAuth>;
  /** The reader typed or ran something. */
  touch(): void;
  /** A session of the reader opened / closed. */
  attach(): void;
  detach(): void;
  /** Bytes the reader's images use (last count) and the limit. */
  disk(): {used: number; limit: number};
  /** Count the reader's images again (after a command). */
  recount(): Promise<void>;
  /** Why a build must not start (disk limit reached), or null. */
  refuseBuild(): string | null;
  /** Tell the progress module what happened (it checks before it ticks a milestone). */
  report?: (event: ProgressEvent) => void;
  /** The reader's milestones, as last checked. */
  progress?: () => ReaderProgress;
}
