/**
 * Shared settings of the fuzz tests (fast-check properties run by vitest).
 *
 * - FUZZ_SEED=<int>: replay with a fixed seed (fast-check prints the seed and
 *   the counterexample's path on failure). Unset: a fresh random seed per run.
 * - FUZZ_SCALE=<number>: multiply every property's numRuns (default 1), e.g.
 *   FUZZ_SCALE=10 for a long local session, FUZZ_SCALE=0.1 for a quick look.
 */
import fc from 'fast-check';

const seedText = process.env.FUZZ_SEED;
const scaleText = process.env.FUZZ_SCALE;

const seed = seedText === undefined || seedText === '' ? undefined : Number(seedText);
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer (got "${seedText}")`);
const scale = scaleText === undefined || scaleText === '' ? 1 : Number(scaleText);
if (!(scale > 0)) throw new Error(`FUZZ_SCALE must be a positive number (got "${scaleText}")`);

/** Parameters for fc.assert: `numRuns` scaled, the fixed seed when one is set. */
export function runs(numRuns: number): fc.Parameters<unknown> {
  const n = Math.max(1, Math.round(numRuns * scale));
  return seed === undefined ? {numRuns: n} : {numRuns: n, seed};
}

/** C0 controls except tab, DEL and C1 controls: what splitArgv refuses anywhere in a line. */
export const CONTROL_NO_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
/** Every C0/C1 control character (Unicode category Cc). */
export const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Removes what splitArgv refuses, so a generated word can be quoted and typed. */
export function typeable(s: string): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '');
}

/** Single-quotes one word for the lab's splitter (and for sh): `'` becomes `'\''`. */
export function singleQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Double-quotes one word: `"`, `\`, `$` and backtick are backslash-escaped. */
export function doubleQuote(word: string): string {
  return `"${word.replace(/["\\$`]/g, (c) => '\\' + c)}"`;
}

/** Backslash before every code point (an empty word becomes `''`). */
export function backslashQuote(word: string): string {
  if (word === '') return "''";
  let out = '';
  for (const ch of word) out += '\\' + ch;
  return out;
}

/** Strings of every kind: arbitrary UTF-16 (lone surrogates too), full Unicode, ASCII. */
export const anyString = (maxLength = 64): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({unit: 'binary', maxLength}),
    fc.string({unit: 'grapheme', maxLength}),
    fc.string({unit: 'binary-ascii', maxLength}),
    fc.string({maxLength}),
  );
