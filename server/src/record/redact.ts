/**
 * What a recording must not keep: what the reader typed at a prompt (the login
 * block shows `Username: ` and `Password: `, not the answers) and any secret
 * the recorder knows of. Pure functions over the recorded output chunks.
 */

/** Prompts whose answers are not kept (`Username: `, `Username (alice): `, `Password: `). */
export const ANSWERED_PROMPT = /(?:Username(?: \([^)\r\n]*\))?|Password): $/;

/**
 * Drop what follows an answered prompt up to the end of its line, across
 * chunks: the echo of a typed answer and any redraw of it. The line break is kept.
 */
export function hideTypedAnswers(chunks: readonly string[]): string[] {
  let hiding = false;
  let line = '';
  return chunks.map((chunk) => {
    let out = '';
    for (const ch of chunk) {
      if (hiding) {
        if (ch === '\r' || ch === '\n') {
          hiding = false;
          line = '';
          out += ch;
        }
        continue;
      }
      out += ch;
      if (ch === '\r' || ch === '\n') {
        line = '';
        continue;
      }
      line += ch;
      if (ANSWERED_PROMPT.test(line)) hiding = true;
    }
    return out;
  });
}

/** Looks like a bearer token (JWT) or a basic-auth header. */
const TOKEN_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|(?:Bearer|Basic) [A-Za-z0-9+/=._-]{12,}/;

/** Why `text` may not be saved (a known secret or a token in it), or null. */
export function secretIn(text: string, secrets: readonly string[]): string | null {
  for (const s of secrets) {
    if (s && text.includes(s)) return 'it contains the recording reader\'s password';
  }
  if (TOKEN_LIKE.test(text)) return 'it contains something that looks like a token';
  return null;
}
