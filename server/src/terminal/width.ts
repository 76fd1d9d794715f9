/**
 * Terminal columns of text: one module for the prompt's line editor and the
 * tables. One column per code point, two for East Asian wide/fullwidth and
 * emoji presentation characters, none for combining marks and format
 * characters (Unicode 11 rules, as xterm.js's unicode11 addon uses; docker's
 * go-runewidth agrees on everything the tables print).
 */

/** Removes escape sequences (CSI, OSC, two-byte ESC x) and control characters from a prompt. */
export function stripEscapes(s: string): string {
  return s
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '')
    .replace(/\x1b[@-_]/g, '')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;
/** East Asian Wide and Fullwidth blocks (condensed). */
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf],
  [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff],
  [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x17000, 0x18cff], [0x1b000, 0x1b2ff], [0x1f200, 0x1f2ff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

/** Terminal columns of one code point: 0, 1 or 2 (controls: 0). */
export function charWidth(cp: number): 0 | 1 | 2 {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (cp < 0x300) return 1;
  const ch = String.fromCodePoint(cp);
  if (ZERO_WIDTH.test(ch) || (cp >= 0x1160 && cp <= 0x11ff)) return 0;
  if (EMOJI_PRESENTATION.test(ch)) return 2;
  for (const [lo, hi] of WIDE_RANGES) if (cp >= lo && cp <= hi) return 2;
  return 1;
}

/** Terminal columns of a string, ignoring escape sequences. */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of stripEscapes(s)) w += charWidth(ch.codePointAt(0)!);
  return w;
}
