/**
 * What a runnable block sends. Shared by the remark plugin (which rejects
 * blocks that could not run at build time) and the RunnableBlock component.
 * Plain functions, no DOM.
 */

export type BlockKind = 'dockerfile' | 'shell';

const LANG_KIND: Record<string, BlockKind> = {
  dockerfile: 'dockerfile',
  docker: 'dockerfile',
  bash: 'shell',
  sh: 'shell',
  shell: 'shell',
};

/** Languages a `run` block may have. */
export const RUNNABLE_LANGS = Object.keys(LANG_KIND);

export function blockKind(lang: string | null | undefined): BlockKind | null {
  return (lang && LANG_KIND[lang.toLowerCase()]) || null;
}

/** Same rule as the protocol's lesson context names (a folder under `lessons/`). */
export {CONTEXT_NAME} from '../protocol';

/** Image references, allowing the `<registry>` / `<username>` placeholders. */
export const TAG_PATTERN = /^[A-Za-z0-9<][A-Za-z0-9._:/@<>-]{0,199}$/;

/**
 * The one command line of a shell block: backslash-newline continuations are
 * joined, surrounding blank lines dropped. Returns an error string when the
 * block does not hold exactly one command.
 */
export function shellCommandLine(code: string): {command: string} | {error: string} {
  const joined = code.replace(/[ \t]*\\\r?\n[ \t]*/g, ' ');
  const lines = joined
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return {error: 'the block is empty'};
  if (lines.length > 1) {
    return {
      error: `a runnable shell block must hold exactly one command line (found ${lines.length}; use "\\" to continue a long line, or split it into several blocks)`,
    };
  }
  const [command] = lines as [string];
  if (/^\$\s/.test(command)) return {error: 'remove the "$ " prompt from the command'};
  if (command.startsWith('#')) return {error: 'the command line is a comment'};
  return {command};
}

/** The command a Dockerfile block's Build button sends. */
export function buildCommand(tag: string | undefined): string {
  return tag ? `docker build -t ${tag} .` : 'docker build .';
}

/** A short stable hash (32-bit FNV-1a, base 36) for block ids. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/**
 * Whether a block's command will stop and ask the reader for input in the
 * terminal (`docker login` asks for a user name and a password), so Run moves
 * the keyboard focus into the terminal instead of leaving it on the button.
 */
export function asksForInput(command: string): boolean {
  return /^docker\s+login(\s|$)/.test(command.trim());
}
