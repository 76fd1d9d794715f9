/**
 * Splits one terminal line into an argv, the way a POSIX shell splits words,
 * but with no expansion at all.
 *
 * The terminal is not a shell: the words found here are matched against an
 * allow-list of docker commands and never reach a shell, `child_process` or the
 * docker binary. Anything that would make a shell do more than split words
 * (pipes, lists, redirections, command substitution, variables) is refused with
 * a message naming it, so the reader learns why instead of seeing a surprise.
 *
 * Rules:
 * - Words are separated by unquoted spaces and tabs.
 * - `'...'` is literal. `"..."` is literal except that a backslash escapes
 *   `"`, `\`, `$` and a backtick (elsewhere it stays a backslash).
 * - Outside quotes a backslash makes the next character literal (`\ ` is a
 *   space inside a word). A backslash at the very end of the line is an error
 *   (in a shell it would continue the line).
 * - `''` and `""` make an empty word.
 * - `#` at the start of a word starts a comment that runs to the end of the line.
 * - No globbing, no tilde expansion, no brace expansion: `*`, `~`, `{a,b}` stay as typed.
 * - Control characters other than tab are refused anywhere in the line.
 */

export type SplitResult = {ok: true; argv: string[]} | {ok: false; error: string};

const NOT_A_SHELL = 'this terminal is not a shell; run one docker command at a time';

/** Characters that end a word and start shell syntax when unquoted. */
const OPERATOR_START = new Set(['|', '&', ';', '<', '>', '(', ')']);

export function splitArgv(line: string): SplitResult {
  const control = findControlCharacter(line);
  if (control !== undefined) {
    return fail(`control character ${control} is not allowed in a command`);
  }

  const argv: string[] = [];
  let word = '';
  /** True once the current word has begun (so `""` yields an empty word). */
  let inWord = false;
  let i = 0;

  const endWord = (): void => {
    if (inWord) argv.push(word);
    word = '';
    inWord = false;
  };

  while (i < line.length) {
    const ch = line[i]!;

    if (ch === ' ' || ch === '\t') {
      endWord();
      i++;
      continue;
    }
    if (ch === '#' && !inWord) {
      break; // a comment: the rest of the line is ignored, as in sh
    }
    if (OPERATOR_START.has(ch)) {
      return fail(operatorMessage(line, i));
    }
    if (ch === '`') {
      return fail(`command substitution (\`) is not supported: ${NOT_A_SHELL}`);
    }
    if (ch === '$') {
      const refused = dollarMessage(line, i);
      if (refused !== undefined) return fail(refused);
      word += ch;
      inWord = true;
      i++;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= line.length) {
        return fail('a backslash (\\) at the end of the line would continue it in a shell; this terminal reads one line: remove it');
      }
      word += nextCodePoint(line, i + 1);
      inWord = true;
      i += 1 + nextCodePoint(line, i + 1).length;
      continue;
    }
    if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return fail("unterminated quote ('): add the closing '");
      word += line.slice(i + 1, close);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      const quoted = readDoubleQuoted(line, i + 1);
      if (!quoted.ok) return fail(quoted.error);
      word += quoted.text;
      inWord = true;
      i = quoted.end;
      continue;
    }
    word += ch;
    inWord = true;
    i++;
  }
  endWord();
  return {ok: true, argv};
}

function fail(error: string): SplitResult {
  return {ok: false, error};
}

/** Reads a double-quoted string whose opening quote is just before `start`. */
function readDoubleQuoted(
  line: string,
  start: number,
): {ok: true; text: string; end: number} | {ok: false; error: string} {
  let text = '';
  let i = start;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '"') return {ok: true, text, end: i + 1};
    if (ch === '\\') {
      const next = line[i + 1];
      if (next === '"' || next === '\\' || next === '$' || next === '`') {
        text += next;
        i += 2;
        continue;
      }
      text += ch;
      i++;
      continue;
    }
    if (ch === '`') {
      return {ok: false, error: `command substitution (\`) is not supported: ${NOT_A_SHELL}`};
    }
    if (ch === '$') {
      const refused = dollarMessage(line, i);
      if (refused !== undefined) return {ok: false, error: refused};
    }
    text += ch;
    i++;
  }
  return {ok: false, error: 'unterminated quote ("): add the closing "'};
}

/**
 * What `$` at `i` would start in a shell, as a refusal message; undefined when
 * the `$` is literal there (end of word, followed by a space, a quote, ...).
 */
function dollarMessage(line: string, i: number): string | undefined {
  const next = line[i + 1];
  if (next === undefined) return undefined;
  if (next === '(') {
    return `command substitution ($(...)) is not supported: ${NOT_A_SHELL}`;
  }
  let token: string | undefined;
  if (next === '{') {
    const close = line.indexOf('}', i + 2);
    token = close < 0 ? line.slice(i) : line.slice(i, close + 1);
  } else if (/[A-Za-z_]/.test(next)) {
    token = '$' + /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i + 1))![0];
  } else if (/[0-9?#@*!$-]/.test(next)) {
    token = '$' + next; // positional and special parameters
  }
  if (token === undefined) return undefined;
  // The token is the reader's text: no control character (a tab, say) may reach the message.
  const shown = shorten(token).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `variables are not expanded here (${shown}): type the value instead`;
}

/** The refusal for the unquoted operator character at `i`. */
function operatorMessage(line: string, i: number): string {
  const ch = line[i]!;
  const two = line.slice(i, i + 2);
  switch (ch) {
    case '|':
      if (two === '||') return `command lists (||) are not supported: ${NOT_A_SHELL}`;
      if (two === '|&') return `pipes (|&) are not supported: ${NOT_A_SHELL}`;
      return `pipes (|) are not supported: ${NOT_A_SHELL}`;
    case '&':
      if (two === '&&') return `command lists (&&) are not supported: ${NOT_A_SHELL}`;
      if (two === '&>') return `redirections (&>) are not supported: ${NOT_A_SHELL}`;
      return `background jobs (&) are not supported: ${NOT_A_SHELL}`;
    case ';':
      return `command separators (;) are not supported: ${NOT_A_SHELL}`;
    case '>':
    case '<': {
      const op = two === '>>' || two === '<<' || two === '>&' || two === '<&' || two === '>|' || two === '<>' ? two : ch;
      return `redirections (${op}) are not supported: ${NOT_A_SHELL}`;
    }
    default:
      return `parentheses (${ch}) are not supported: ${NOT_A_SHELL}; quote them to use them literally`;
  }
}

/** Describes the first control character (other than tab) in `s`, if any. */
function findControlCharacter(s: string): string | undefined {
  const m = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/.exec(s);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  const names: Record<number, string> = {0x0a: 'newline', 0x0d: 'carriage return', 0x1b: 'escape'};
  const hex = 'U+' + code.toString(16).toUpperCase().padStart(4, '0');
  const name = names[code];
  return name === undefined ? hex : `${hex} (${name})`;
}

function nextCodePoint(s: string, i: number): string {
  const cp = s.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function shorten(token: string): string {
  return token.length > 40 ? token.slice(0, 39) + '…' : token;
}
