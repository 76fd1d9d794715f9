/**
 * Terminal columns of text: one module for the prompt's line editor and the
 * tables. The widths are the page's own: the table of xterm.js's unicode11 addon,
 * which the page's terminal loads and activates (src/components/TerminalDock/xterm.ts).
 * The addon's provider is taken here without a terminal, so the server moves the
 * cursor by exactly the columns xterm.js draws (a hand-written table disagreed on
 * 1,303 code points, newer emoji among them: `🥲` is one column in Unicode 11).
 */
import {Unicode11Addon} from '@xterm/addon-unicode11';

interface WidthProvider {
  wcwidth(codepoint: number): number;
}

/** The addon's Unicode 11 provider, as `activate` hands it to a terminal's `unicode.register`. */
const unicode11: WidthProvider = (() => {
  let provider: WidthProvider | undefined;
  const terminal = {unicode: {register: (p: WidthProvider) => void (provider = p)}};
  new Unicode11Addon().activate(terminal as unknown as Parameters<Unicode11Addon['activate']>[0]);
  if (!provider) throw new Error('the unicode11 addon registered no width provider');
  return provider;
})();

/** Removes escape sequences (CSI, OSC, two-byte ESC x) and control characters from a prompt. */
export function stripEscapes(s: string): string {
  return s
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '')
    .replace(/\x1b[@-_]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** Terminal columns of one code point: 0, 1 or 2, as xterm.js with the unicode11 addon draws it. */
export function charWidth(cp: number): 0 | 1 | 2 {
  return unicode11.wcwidth(cp) as 0 | 1 | 2;
}

/** Terminal columns of a string, ignoring escape sequences. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of stripEscapes(s)) w += charWidth(ch.codePointAt(0)!);
  return w;
}
