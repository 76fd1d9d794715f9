import path from 'node:path';
import type {Engine} from '../engine';
import {StringSequenceFilter} from '../terminal/string-sequences';
import type {Terminal} from '../terminal/types';

/** How the folders of the engine's state on the host are shown to a reader. */
export const HIDDEN_PATH = '<engine-state>';

/**
 * The host folders a build's messages may name (runc and BuildKit errors
 * quote paths under the engine's data root, a RUN step can print its mount
 * table): the engine's data root, the state folder it sits in when the lab's
 * engine script made it, and LAB_STATE_DIR.
 */
export async function hostPaths(engine: Engine): Promise<string[]> {
  const paths = new Set<string>();
  let root: string | null = null;
  try {
    root = await engine.rootDir();
  } catch {
    /* the engine does not answer: the build will say so */
  }
  if (root && root !== '/') {
    paths.add(root);
    const parent = path.dirname(root);
    if (!['/', '/var', '/var/lib'].includes(parent)) paths.add(parent);
  }
  const state = process.env.LAB_STATE_DIR;
  if (state && path.isAbsolute(state) && state !== '/') paths.add(path.resolve(state));
  // Longest first, so that a folder inside another is replaced whole.
  return [...paths].sort((a, b) => b.length - a.length);
}

/** Replace every occurrence of `paths` in `text`. */
export function redactPaths(text: string, paths: readonly string[]): string {
  let out = text;
  for (const p of paths) if (out.includes(p)) out = out.split(p).join(HIDDEN_PATH);
  return out;
}

/**
 * The terminal as a build writes to it: the engine's host folders hidden, and the terminal string
 * sequences (OSC, DCS, ...) a build step prints removed, so a step cannot put a link or a clipboard
 * request into the reader's page (terminal/string-sequences.ts).
 */
export function buildTerminal(term: Terminal, paths: readonly string[]): Terminal {
  const strings = new StringSequenceFilter();
  return {
    write: (text) => term.write(strings.push(paths.length ? redactPaths(text, paths) : text)),
    room: () => term.room(),
    readLine: (prompt, opts) => term.readLine(prompt, opts),
    clear: () => term.clear(),
    get cols() {
      return term.cols;
    },
  };
}
