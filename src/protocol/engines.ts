/**
 * The engine pool as the admin API shows it (Authorization: Bearer LAB_ADMIN_TOKEN), for an
 * operator's script or view:
 *
 *   GET  /companion/admin/engines               → EnginesReply
 *   POST /companion/admin/engines/NAME/drain    → {engine: EngineView}: nobody new is placed on NAME
 *   POST /companion/admin/engines/NAME/undrain  → {engine: EngineView}: NAME takes new readers again
 */
export const ADMIN_ENGINES_PATH = '/companion/admin/engines';

export interface EngineView {
  /** Its name in LAB_ENGINES (`default` with one engine and no LAB_ENGINES). */
  name: string;
  /** unix:///path or tcp://host:port. */
  address: string;
  /** The last health check's verdict. */
  up: boolean;
  draining: boolean;
  /** ISO time of the last health check, null before the first. */
  checkedAt: string | null;
  /** Docker version, once the server spoke to it. */
  version: string | null;
  /** Lab names of the readers placed there (their images live there), sorted. */
  readers: string[];
  /** Terminals without a lab name placed there (their images go with the terminal). */
  anonymous: number;
  /** Readers and anonymous terminals placed there with a terminal open now: the load placement compares. */
  active: number;
  /** Open terminals of those placed there. */
  sessions: number;
  /** Commands running there now. */
  running: number;
}

export interface EnginesReply {
  engines: EngineView[];
}
