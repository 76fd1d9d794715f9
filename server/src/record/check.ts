/**
 * Does every runnable block have a recording made from its current text? Used
 * by the unit test (so CI fails on a missing or stale recording) and by
 * `npm run record -- --check`. Each problem names the block and the command to run.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {parseCast, recordingFileName, RECORDINGS_DIR} from '../../../src/protocol/recording';
import {blockTextHash, describeBlock, type LessonBlock} from './blocks';

/** Where the recordings live: beside the site's other static files (the build copies them). */
export function recordingsDir(root: string): string {
  return path.join(root, 'static', RECORDINGS_DIR);
}

export const RECORD_COMMAND = 'npm run record';

/** What is wrong with the recordings, one sentence per problem; empty when all is well. */
export function recordingProblems(root: string, blocks: readonly LessonBlock[]): string[] {
  const dir = recordingsDir(root);
  const rel = path.relative(root, dir);
  const problems: string[] = [];
  for (const b of blocks) {
    const file = path.join(dir, recordingFileName(b.blockId));
    const shown = `${rel}/${recordingFileName(b.blockId)}`;
    if (!existsSync(file)) {
      problems.push(`${describeBlock(b)} has no recording (${shown}): run \`${RECORD_COMMAND}\` (with the lab engine; see the README) and commit ${rel}/`);
      continue;
    }
    let hash: string;
    try {
      hash = parseCast(readFileSync(file, 'utf8')).header.lab.textHash;
    } catch (e) {
      problems.push(`${describeBlock(b)}: its recording ${shown} cannot be read (${(e as Error).message}): run \`${RECORD_COMMAND}\``);
      continue;
    }
    if (hash !== blockTextHash(b)) {
      problems.push(`${describeBlock(b)}: its recording ${shown} was made from different block text (the block changed since): run \`${RECORD_COMMAND}\` and commit ${rel}/`);
    }
  }
  const wanted = new Set(blocks.map((b) => recordingFileName(b.blockId)));
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cast')) : [];
  for (const f of present) {
    if (!wanted.has(f)) problems.push(`${rel}/${f} belongs to no runnable block (a block moved or went): run \`${RECORD_COMMAND}\` (it removes it)`);
  }
  return problems;
}
