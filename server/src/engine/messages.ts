/**
 * What the Engine API sends that the engine layer hands on: the JSON message
 * stream of build and push, and image history rows. The renderers import
 * these; the engine layer imports nothing from the renderers.
 */

/** One message of the Engine API's JSON stream (moby `pkg/jsonmessage`). */
export interface JSONMessage {
  stream?: string;
  status?: string;
  id?: string;
  /** Deprecated pre-rendered bar; Engine 20.10 still sends it, Engine 29 does not. Used only without progressDetail. */
  progress?: string;
  progressDetail?: {current?: number; total?: number; start?: number; hidecounts?: boolean; units?: string};
  from?: string;
  error?: string;
  errorDetail?: {code?: number; message?: string};
  aux?: unknown;
  time?: number;
  timeNano?: number;
}

/** One layer of `GET /images/{name}/history`. */
export interface HistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Size: number;
  Comment: string;
  Tags?: string[] | null;
}

