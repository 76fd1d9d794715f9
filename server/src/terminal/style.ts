/** ANSI styling for terminal output, and the line ends xterm.js expects. */

/** SGR codes, for renderers that build lines piece by piece. */
export const RED = '\x1b[31m';
export const RESET = '\x1b[0m';

const wrap = (open: string) => (s: string) => `\x1b[${open}m${s}${RESET}`;

export const red = wrap('31');
export const green = wrap('32');
export const yellow = wrap('33');
export const blue = wrap('34');
export const cyan = wrap('36');
export const bold = wrap('1');
export const dim = wrap('2');

/** `\n` → `\r\n` (xterm.js does not return the carriage on a bare line feed). */
export function crlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

/**
 * An error as the lab prints it, ending the line: its first non-empty line red; the lines after
 * it ("See 'docker build --help'.", "Usage: ...") are help, in the normal colour.
 */
export function errorLine(message: string): string {
  const m = /^(\s*)([^\r\n]*)([\s\S]*)$/.exec(message)!;
  return crlf(m[1]!) + red(m[2]!) + crlf(m[3]!) + '\r\n';
}
