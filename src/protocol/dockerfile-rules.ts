/**
 * The lab's Dockerfile rules and their wording, shared by the companion
 * server's policy (server/src/dockerfile/policy.ts, which refuses a build) and
 * the page's editor lint (src/components/DockerfileEditor/lint.ts, which warns
 * as the reader types): one set of words for both.
 *
 * Plain TypeScript over `dockerfile-ast` (no Node APIs), so the page can load
 * it with the editor. What needs the engine (whether an image is the reader's
 * own) stays in the server; the page only knows the rules that hold for any
 * reader (`textFindings`) and the lab's base images it is told about.
 */
import {DockerfileParser} from 'dockerfile-ast';

/** The refusal for an image the reader may not use: the same whether it exists or not. */
export const NOT_ALLOWED = "a Dockerfile here may use only the lab's base images and your own images";

/**
 * The repositories of the lab's base images as scripts/lab-engine.sh makes them
 * (and the lessons use). The server asks the engine instead (an image without
 * an owner label is a base image); the page, which cannot, lints with these.
 */
export const LAB_BASE_REPOSITORIES: readonly string[] = ['busybox', 'debian'];

/** Largest Dockerfile the policy reads. */
export const MAX_DOCKERFILE_CHARS = 8 * 1024;
export const MAX_DOCKERFILE_LINES = 200;

/** The Dockerfile instructions the builder knows (Docker 26, BuildKit's frontend). */
export const INSTRUCTIONS: ReadonlySet<string> = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/**
 * ARG/ENV names that hold a secret (as a whole word between underscores:
 * `GITHUB_TOKEN`, not `TOKENIZER_DIR`): a value written after them stays in the
 * image (`docker history`, `docker inspect`) for everyone who pulls it.
 */
export const SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(?:_|$)/i;

/** The words of each refusal. The server prints them after `ERROR: Dockerfile line N: `. */
export const dockerfileMessages = {
  tooLarge: () =>
    `this Dockerfile is larger than the lab builds (${MAX_DOCKERFILE_LINES} lines and ${MAX_DOCKERFILE_CHARS / 1024} KiB at most)`,
  noImage: (where: string) => `${where} names no image`,
  notAllowed: (where: string, image: string) => `${where} "${image}": ${NOT_ALLOWED}`,
  syntax: (value: string) =>
    `# syntax=${value}: this lab builds with the engine's own Dockerfile frontend; a # syntax directive would run an image as the builder's frontend`,
  buildkitArg: (key: string) =>
    `--build-arg ${key}: BUILDKIT_* build arguments are reserved for the lab (they select the builder's frontend and caches)`,
  /** Words the builder itself prints (BuildKit's Dockerfile parser), so the lint says what Build will say. */
  unknownInstruction: (word: string) => `unknown instruction: ${word}`,
  noBuildStage: () => 'no build stage in current context',
  noInstructions: () => 'file with no instructions',
  noFrom: () =>
    'no FROM: a Dockerfile needs at least one stage, started by FROM <image> (the lab checks this itself: the engine\'s builder crashes on a file without one)',
  unreadableChar: (what: string) =>
    `${what} here: the builder reads it differently from the lab's check (as white space, or not at all), so the lab refuses it; ` +
    'type a plain space or tab instead, or remove it',
  loneCarriageReturn: () =>
    'a carriage return without a line feed ends this line: the builder reads it as part of the line before; save the Dockerfile with LF (or CRLF) line endings',
  secret: (keyword: string, name: string) =>
    `${keyword} ${name}: a password or token written in a Dockerfile stays in the image for everyone who pulls it ` +
    '(docker history shows it): give it when the container runs instead',
};

export type RuleId = 'too-large' | 'no-from' | 'lone-cr' | 'unreadable-char' | 'unknown-instruction' | 'no-build-stage' | 'no-instructions' | 'secret' | 'syntax';

export interface Finding {
  rule: RuleId;
  /** 1-based; 0 for the whole file. */
  line: number;
  message: string;
  /**
   * Who says so: `lab` (the lab's policy refuses before the engine sees the
   * file) or `builder` (the engine's builder fails the build with these words).
   */
  by: 'lab' | 'builder';
}

/**
 * The rules that need nothing but the text, in line order: size, unknown
 * instructions, an instruction before the first FROM (or no FROM), `# syntax`
 * directives not in `allowedSyntax`, and secrets in ARG/ENV values.
 */
export function textFindings(text: string, allowedSyntax: readonly string[] = []): Finding[] {
  if (text.length > MAX_DOCKERFILE_CHARS || text.split('\n').length > MAX_DOCKERFILE_LINES) {
    return [{rule: 'too-large', line: 0, message: dockerfileMessages.tooLarge(), by: 'lab'}];
  }
  const findings: Finding[] = [];
  const unreadable = unreadableChar(text);
  if (unreadable) return [{rule: 'unreadable-char', line: unreadable.line, message: dockerfileMessages.unreadableChar(unreadable.what), by: 'lab'}];
  // BuildKit ends lines at LF only; this parser also at a CR alone, so the two would see different files.
  const loneCr = /\r(?!\n)/.exec(text);
  if (loneCr) {
    const line = text.slice(0, loneCr.index).split('\n').length;
    return [{rule: 'lone-cr', line, message: dockerfileMessages.loneCarriageReturn(), by: 'lab'}];
  }
  for (const d of syntaxDirectives(text)) {
    if (!allowedSyntax.includes(d.value)) findings.push({rule: 'syntax', line: d.line, message: dockerfileMessages.syntax(d.value), by: 'lab'});
  }
  const file = DockerfileParser.parse(text);
  const instructions = file.getInstructions();
  let stage = false;
  let reportedStage = false;
  for (const i of instructions) {
    const keyword = i.getKeyword().toUpperCase();
    const line = i.getRange().start.line + 1;
    if (!INSTRUCTIONS.has(keyword)) {
      findings.push({rule: 'unknown-instruction', line, message: dockerfileMessages.unknownInstruction(keyword), by: 'builder'});
      continue;
    }
    if (keyword === 'FROM') stage = true;
    else if (!stage && keyword !== 'ARG' && !reportedStage) {
      findings.push({rule: 'no-build-stage', line, message: dockerfileMessages.noBuildStage(), by: 'builder'});
      reportedStage = true;
    }
    if (keyword === 'ARG' || keyword === 'ENV') {
      for (const p of properties(i)) {
        const value = p.getValue();
        if (value !== null && value !== '' && SECRET_NAME.test(p.getName())) {
          findings.push({rule: 'secret', line, message: dockerfileMessages.secret(keyword, p.getName()), by: 'lab'});
        }
      }
    }
  }
  if (instructions.length === 0) findings.push({rule: 'no-instructions', line: 0, message: dockerfileMessages.noInstructions(), by: 'builder'});
  // Docker 26.1's builder panics (and dockerd exits) on a file with instructions but no stage (only ARGs):
  // the lab refuses it. Instructions before a FROM that never comes are the builder's own error, as above.
  else if (!stage && !reportedStage) findings.push({rule: 'no-from', line: 0, message: dockerfileMessages.noFrom(), by: 'lab'});
  return findings.sort((a, b) => a.line - b.line);
}

/**
 * Characters on which BuildKit's Dockerfile parser and the lab's (dockerfile-ast) part ways, so that the
 * engine could run a line the check never saw: BuildKit trims every character Go's `unicode.IsSpace`
 * knows (VT, FF, NEL, no-break and other Unicode spaces, line and paragraph separators) before a keyword
 * and splits words at VT and FF, and drops a byte-order mark at the start of the file, where
 * dockerfile-ast keeps them all as part of a word. Other control characters, and invisible formatting
 * ones (zero-width, direction overrides: the page would show another text than the one built), go with
 * them. Refused anywhere in the file, the rule holds without modelling either parser's positions.
 * (A CR is allowed before LF only: `lone-cr`.)
 */
const UNREADABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\p{Cf}\p{Cs}]/u;

const CHAR_NAMES: Record<number, string> = {
  0x0b: 'a vertical tab',
  0x0c: 'a form feed',
  0x85: 'a next-line character (NEL)',
  0xa0: 'a no-break space',
  0x2028: 'a line separator',
  0x2029: 'a paragraph separator',
  0x3000: 'an ideographic space',
  0xfeff: 'a byte-order mark (save the file as UTF-8 without one)',
};

/** The first character of the file the lab cannot read as the builder does: its line and words for it. */
export function unreadableChar(text: string): {line: number; column: number; code: number; what: string} | null {
  const m = UNREADABLE.exec(text);
  if (!m) return null;
  const code = m[0].codePointAt(0)!;
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  const column = m.index - before.lastIndexOf('\n');
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind =
    CHAR_NAMES[code] ??
    (code < 0x20 || (code >= 0x7f && code <= 0x9f) ? 'a control character' : /\p{Zs}/u.test(m[0]) ? 'a Unicode space' : 'an invisible formatting character');
  return {line, column, code, what: `${kind} (${hex}) at column ${column}`};
}

/** `# syntax=` directives: the parser's, and leading comment lines in case the two disagree on what counts. */
export function syntaxDirectives(text: string): Array<{value: string; line: number}> {
  const found: Array<{value: string; line: number}> = [];
  const seen = new Set<number>();
  for (const d of DockerfileParser.parse(text).getDirectives()) {
    if (d.getName().toLowerCase() !== 'syntax') continue;
    const line = d.getRange().start.line + 1;
    seen.add(line);
    found.push({value: d.getValue(), line});
  }
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n]!.trim();
    if (l === '') continue;
    if (!l.startsWith('#')) break;
    const m = /^#\s*syntax\s*=\s*(.*)$/i.exec(l);
    if (m && !seen.has(n + 1)) found.push({value: m[1]!.trim(), line: n + 1});
  }
  return found;
}

/**
 * Docker Hub's official images (`alpine`, `python:3.12`, `library/…`): a
 * reader can never name an image of their own so (the lab reserves those
 * names), so in FROM such an image is allowed only if it is one of the lab's
 * base images. Other names may be the reader's own: only the server knows.
 */
export function isOfficialImageName(ref: string): boolean {
  const name = ref.replace(/@.*$/, '').toLowerCase();
  if (name.startsWith('docker.io/library/') || name.startsWith('library/')) return true;
  const first = name.split('/')[0]!;
  if (name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return false;
  return !name.includes('/');
}

/** An image reference's repository (without tag or digest), as Docker Hub spells an official one: `busybox`. */
export function officialRepository(ref: string): string {
  return ref
    .replace(/@.*$/, '')
    .replace(/:[^/:]*$/, '')
    .toLowerCase()
    .replace(/^docker\.io\//, '')
    .replace(/^library\//, '');
}

function properties(i: unknown): Array<{getName(): string; getValue(): string | null}> {
  return (i as {getProperties?(): Array<{getName(): string; getValue(): string | null}>}).getProperties?.() ?? [];
}
