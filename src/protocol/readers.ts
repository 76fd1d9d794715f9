/**
 * Readers over HTTP (JSON), shared by the page and the companion server.
 * The reader is named by a signed HttpOnly cookie the page's scripts cannot read.
 */
import type {ReaderProgress} from './progress';

/** GET: this browser's reader; POST {name}: choose a lab name. */
export const READER_PATH = '/companion/reader';
/** POST {action: 'show' | 'regenerate'} → {password}. */
export const READER_PASSWORD_PATH = '/companion/reader/password';
/** Admin API (Authorization: Bearer LAB_ADMIN_TOKEN). */
export const ADMIN_PATH = '/companion/admin';

/** What the page is told about its reader (no secrets). */
export interface ReaderView {
  name: string;
  /** Bytes the reader's images use, and the lab's limit per reader (0: none). */
  disk: {used: number; limit: number};
  /** Whether the server can show the lab password (it knows it since it made it). */
  passwordKnown: boolean;
  labRegistry: string;
  /** Whether the lab registry checks lab passwords (token authentication). */
  tokenAuth: boolean;
  /** A reader unseen this many days is removed with their images. */
  idleDays: number;
  /** Onboarding milestones the server has checked (src/protocol/progress.ts). */
  progress?: ReaderProgress;
}

export interface ReaderReply {
  reader: ReaderView | null;
  /** The lab password, in the reply that made it. */
  password?: string;
  error?: string;
}

/** Same rules as the server's (server/src/readers/names.ts), for a message before sending. */
export const READER_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** `1234567` → `1.23 MB`: a reader's disk use, in base 1000 as the docker CLI prints sizes. */
export function formatSize(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}
