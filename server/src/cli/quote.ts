/** Go-style quoting for user text in messages (as the docker CLI's %q). */


/** Replaces control characters with visible escapes (messages must not carry ANSI codes). */
export function sanitize(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** Go's %q for the strings that reach messages: quotes, escapes and control characters escaped. */
export function goQuote(s: string, quote: '"' | "'" = '"'): string {
  const body = s.replace(/\\/g, '\\\\').replace(quote === '"' ? /"/g : /'/g, `\\${quote}`);
  return quote + sanitize(body) + quote;
}

/** A program name for "X: command not found": as typed unless it needs escaping. */
export function quoteIfNeeded(s: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(s) ? goQuote(s) : s;
}
