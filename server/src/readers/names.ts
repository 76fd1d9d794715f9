/**
 * A reader's lab name: their registry namespace (`localhost:5000/<name>/hello`),
 * so it follows the registry's path-component rules, made stricter to read well.
 */

export const READER_NAME_MIN = 2;
export const READER_NAME_MAX = 30;
const NAME_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** Names no reader may take: they would read as the lab's own, or are the demo account's. */
export const RESERVED_NAMES = new Set(['admin', 'root', 'lab', 'docker', 'library', 'registry', 'token', 'companion']);

export type NameCheck = {ok: true; name: string} | {ok: false; message: string};

/** Is `raw` a valid lab name? The message says what to change. Upper case is lowered, spaces around trimmed. */
export function checkReaderName(raw: unknown, reserved: ReadonlySet<string> = RESERVED_NAMES): NameCheck {
  if (typeof raw !== 'string') return {ok: false, message: 'choose a lab name'};
  const name = raw.trim().toLowerCase();
  if (name.length < READER_NAME_MIN || name.length > READER_NAME_MAX) {
    return {ok: false, message: `a lab name has ${READER_NAME_MIN} to ${READER_NAME_MAX} characters (this one has ${name.length})`};
  }
  if (!NAME_RE.test(name)) {
    if (/[^a-z0-9._-]/.test(name)) {
      return {ok: false, message: 'a lab name uses only lowercase letters, digits and . _ - (no spaces): it becomes your registry namespace'};
    }
    return {ok: false, message: 'a lab name starts and ends with a letter or digit, with at most one of . _ - in a row'};
  }
  if (reserved.has(name)) return {ok: false, message: `"${name}" is reserved in this lab: choose another name`};
  return {ok: true, name};
}
