/**
 * Recorded runs of the lesson blocks, for a site hosted without its companion
 * server: one asciicast v2 file per runnable block under `static/recordings/`
 * (shipped by the site build as `/recordings/`), made by `npm run record`
 * (server/src/record/) and played by the page (src/client/playback/).
 *
 * asciicast v2: a JSON header line, then one `[seconds, "o", data]` event per
 * line (https://docs.asciinema.org/manual/asciicast/v2/). The header's `lab`
 * field is ours (players ignore unknown keys). Plain functions, no DOM, no Node.
 */

/** Folder of the recordings, under the site's static files (and under the built site's base URL). */
export const RECORDINGS_DIR = 'recordings';
/** The list of recordings, written with them. */
export const RECORDINGS_MANIFEST = 'index.json';

/** The file name of a block's recording. */
export function recordingFileName(blockId: string): string {
  return `${blockId}.cast`;
}

/** What the lab adds to the asciicast header. */
export interface RecordingInfo {
  /** The block's id (src/remark/runnable-blocks.ts: file + line). */
  blockId: string;
  /** The lesson file and line of the block, e.g. `docs/building.mdx`, 22. */
  file: string;
  line: number;
  /** sha256 (hex) of the block's text as the lesson has it (language, meta, code): stale when it differs. */
  textHash: string;
  /** The command line that ran (placeholders resolved for the recording's reader). */
  command: string;
  exitCode: number;
  /** The Docker Engine's version (e.g. `26.1.5`). */
  dockerVersion: string;
  /** What `<registry>` and `<username>` were during the recording. */
  registry: string;
  username: string;
}

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix time (seconds) of the recording. */
  timestamp: number;
  duration?: number;
  title?: string;
  lab: RecordingInfo;
}

/** One output event: seconds since the start, terminal data. */
export type CastEvent = [number, 'o', string];

export interface Cast {
  header: CastHeader;
  events: CastEvent[];
}

/** The manifest: recording-wide facts and each block's file and text hash. */
export interface RecordingsManifest {
  recordedAt: string;
  dockerVersion: string;
  registry: string;
  username: string;
  blocks: Record<string, {file: string; line: number; textHash: string; exitCode: number; duration: number}>;
}

export function formatCast(cast: Cast): string {
  return [JSON.stringify(cast.header), ...cast.events.map((e) => JSON.stringify(e))].join('\n') + '\n';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse an asciicast v2 file made by the recorder; throws an Error saying what is wrong. */
export function parseCast(text: string): Cast {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new Error('empty recording');
  const header: unknown = JSON.parse(lines[0]!);
  if (!isRecord(header) || header.version !== 2) throw new Error('not an asciicast v2 recording');
  if (typeof header.width !== 'number' || typeof header.height !== 'number') throw new Error('recording header without a size');
  const lab = header.lab;
  if (!isRecord(lab) || typeof lab.blockId !== 'string' || typeof lab.textHash !== 'string') {
    throw new Error('recording header without the lab block information');
  }
  const events: CastEvent[] = [];
  let last = 0;
  for (const [i, line] of lines.slice(1).entries()) {
    const e: unknown = JSON.parse(line);
    if (!Array.isArray(e) || typeof e[0] !== 'number' || typeof e[2] !== 'string') {
      throw new Error(`recording event ${i + 1} is not [time, type, data]`);
    }
    if (e[1] !== 'o') continue; // input and other events are not played
    const t = Math.max(last, e[0]);
    last = t;
    events.push([t, 'o', e[2]]);
  }
  return {header: header as unknown as CastHeader, events};
}
