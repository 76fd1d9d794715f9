/**
 * Fuzz: splitArgv (server/src/cli/argv.ts) on arbitrary and shell-flavoured lines.
 * Never throws, always a well-formed result, never expands anything, linear time,
 * round-trips every quoting of an argv, refuses unquoted shell syntax.
 */
import {performance} from 'node:perf_hooks';
import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {splitArgv, type SplitResult} from '../../src/cli/argv';
import {
  ANY_CONTROL,
  CONTROL_NO_TAB,
  anyString,
  backslashQuote,
  doubleQuote,
  runs,
  singleQuote,
  typeable,
} from './support';
import {fragment, shellish} from './generators';

const NOT_A_SHELL = 'this terminal is not a shell';

/** Checks the shape of a result against its line; throws (fails the property) when wrong. */
function checkSplit(line: string, r: SplitResult): void {
  if (r.ok) {
    expectKeys(r, ['argv', 'ok']);
    if (!Array.isArray(r.argv)) throw new Error('argv is not an array');
    let total = 0;
    for (const w of r.argv) {
      if (typeof w !== 'string') throw new Error('argv holds a non-string');
      if (CONTROL_NO_TAB.test(w)) throw new Error(`argv word holds a control character: ${JSON.stringify(w)}`);
      total += w.length;
    }
    // No expansion: every character of the argv comes from at least one character of the line.
    if (total > line.length) throw new Error(`argv (${total} chars) is longer than the line (${line.length})`);
    if (CONTROL_NO_TAB.test(line)) throw new Error('a line with a control character was accepted');
    // An empty word can only come from an empty quote pair.
    if (r.argv.includes('') && !/''|""/.test(line)) throw new Error('empty word without an empty quote pair');
    // A line of plain words splits like a plain word split.
    if (/^[A-Za-z0-9 \t._:/=+,@%^-]*$/.test(line)) {
      const plain = line.split(/[ \t]+/).filter((w) => w !== '');
      if (JSON.stringify(plain) !== JSON.stringify(r.argv)) throw new Error('plain words split differently');
    }
  } else {
    expectKeys(r, ['error', 'ok']);
    if (typeof r.error !== 'string' || r.error.length === 0) throw new Error('empty error');
    if (ANY_CONTROL.test(r.error)) throw new Error(`error holds a control character: ${JSON.stringify(r.error)}`);
    if (CONTROL_NO_TAB.test(line) && !r.error.startsWith('control character U+')) {
      throw new Error(`a control character was not named first: ${r.error}`);
    }
  }
}

function expectKeys(o: object, keys: string[]): void {
  const actual = Object.keys(o).sort();
  if (JSON.stringify(actual) !== JSON.stringify(keys)) throw new Error(`keys ${actual.join(',')} (expected ${keys.join(',')})`);
}

/** Words of every kind that can be typed (no control characters but tab). */
const typeableWord = anyString(24).map(typeable);
const typeableArgv = fc.array(typeableWord, {maxLength: 8});
const separator = fc.constantFrom(' ', '  ', '\t', ' \t');

/** Joins quoted words with blanks, each word quoted in its own way. */
const quotedLine = fc
  .tuple(
    typeableArgv,
    fc.array(fc.tuple(fc.constantFrom(singleQuote, doubleQuote, backslashQuote), separator), {minLength: 8, maxLength: 8}),
    fc.constantFrom('', ' ', '\t'),
    fc.constantFrom('', ' ', '\t', ' # a trailing comment', '\t#'),
  )
  .map(([argv, styles, lead, trail]) => ({
    argv,
    line: lead + argv.map((w, i) => styles[i]![0](w) + (i < argv.length - 1 ? styles[i]![1] : '')).join('') + trail,
  }));

describe('splitArgv fuzz', () => {
  it('never throws and always returns a well-formed result on arbitrary strings', () => {
    fc.assert(
      fc.property(anyString(200), (line) => {
        checkSplit(line, splitArgv(line));
      }),
      runs(10_000),
    );
  });

  it('never throws and always returns a well-formed result on shell-ish lines', () => {
    fc.assert(
      fc.property(shellish, (line) => {
        const r = splitArgv(line);
        checkSplit(line, r);
        // Canonical form: quoting the words it found and splitting again gives them back.
        if (r.ok) expect(splitArgv(r.argv.map(singleQuote).join(' '))).toEqual(r);
      }),
      runs(10_000),
    );
  });

  it('round-trips any typeable argv, whatever the quoting', () => {
    fc.assert(
      fc.property(quotedLine, ({argv, line}) => {
        expect(splitArgv(line)).toEqual({ok: true, argv});
      }),
      runs(6_000),
    );
  });

  it('round-trips single-quoted argv joined by one space (the documented quoting)', () => {
    fc.assert(
      fc.property(typeableArgv, (argv) => {
        expect(splitArgv(argv.map(singleQuote).join(' '))).toEqual({ok: true, argv});
      }),
      runs(2_000),
    );
  });

  it('refuses a quoted argv holding a control character other than tab, naming it', () => {
    fc.assert(
      fc.property(
        typeableArgv,
        fc.nat(),
        fc.integer({min: 0, max: 0x9f}).filter((c) => c !== 9 && (c < 0x20 || c >= 0x7f)),
        (argv, at, code) => {
          const words = argv.length === 0 ? [''] : argv.slice();
          const i = at % words.length;
          const w = words[i]!;
          const cut = at % (w.length + 1);
          words[i] = w.slice(0, cut) + String.fromCharCode(code) + w.slice(cut);
          const r = splitArgv(words.map(singleQuote).join(' '));
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error).toMatch(new RegExp(`^control character U\\+${code.toString(16).toUpperCase().padStart(4, '0')}`));
        },
      ),
      runs(1_000),
    );
  });

  it('refuses any unquoted ; | & > < ` $( ( ) in an otherwise valid line', () => {
    const operator = fc.constantFrom(';', '|', '&', '>', '<', '`', '$(', '(', ')', '||', '&&', '2>', '>>', '|&', '&>', '$(x)', '`x`');
    const glue = fc.constantFrom('', ' ', '\t');
    fc.assert(
      fc.property(typeableArgv, fc.nat(), operator, glue, glue, (argv, at, op, before, after) => {
        const quoted = argv.map(singleQuote);
        const i = at % (quoted.length + 1);
        const line = quoted.slice(0, i).join(' ') + before + op + after + quoted.slice(i).join(' ');
        const r = splitArgv(line);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error).toContain(NOT_A_SHELL);
      }),
      runs(3_000),
    );
  });

  it('refuses ` and $( inside double quotes, and keeps ; | & < > ( ) # there literally', () => {
    const inner = typeableWord.map((w) => w.replace(/["'\\$`]/g, ''));
    fc.assert(
      fc.property(inner, inner, fc.constantFrom('`', '$(', '${', '$x', '$1'), fc.constantFrom(';', '|', '&', '<', '>', '(', ')', '#', '||', '2>&1'), (a, b, bad, literal) => {
        const refused = splitArgv(`docker "${a}${bad}${b}"`);
        expect(refused.ok).toBe(false);
        expect(splitArgv(`docker "${a}${literal}${b}"`)).toEqual({ok: true, argv: ['docker', a + literal + b]});
        expect(splitArgv(`docker '${a}${bad}${literal}${b}'`)).toEqual({ok: true, argv: ['docker', a + bad + literal + b]});
      }),
      runs(1_000),
    );
  });

  it('finishes a 4,096-character adversarial line in under 50 ms', () => {
    const n = 4096;
    const fill = (unit: string, prefix = '', suffix = '') =>
      prefix + unit.repeat(Math.ceil((n - prefix.length - suffix.length) / unit.length)).slice(0, n - prefix.length - suffix.length) + suffix;
    const adversarial = [
      fill('\\a'),
      fill('\\\\'),
      fill('"'),
      fill("'"),
      fill('a', "'"),
      fill('a', '"'),
      fill('\\"', '"'),
      fill('\\$', '"'),
      fill('$ ', '"', '"'),
      fill('$ '),
      fill('${'),
      fill('{', '$'),
      fill('$}'),
      fill('a', '', ';'),
      fill('a ', '', '|'),
      fill('\t'),
      fill(' '),
      fill("''"),
      fill('""'),
      fill("a''"),
      fill('😀'),
      fill('\\😀'),
      fill('\ud800'),
      fill('\\\ud800'),
      fill('#'),
      fill('a', '', '\x1b'),
      fill('x', '$'),
      fill("'a'\"b\"\\c "),
    ];
    for (const line of adversarial) {
      expect(line.length).toBe(n);
      splitArgv(line); // warm up
      let best = Infinity;
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        splitArgv(line);
        best = Math.min(best, performance.now() - t0);
      }
      expect(best, JSON.stringify(line.slice(0, 16))).toBeLessThan(50);
    }
    // And a sample of generated lines grown to 4,096 characters.
    const grown = fc.sample(fc.array(fragment, {minLength: 200, maxLength: 400}).map((p) => p.join('').slice(0, n)), {numRuns: 50, seed: 42});
    for (const line of grown) {
      const t0 = performance.now();
      splitArgv(line);
      expect(performance.now() - t0).toBeLessThan(50);
    }
  });

  // Regression (found by this fuzz test, now fixed): the "variables are not expanded" refusal quotes the
  // `${...` token straight from the line, tabs included, so the message (and parse.ts's
  // failure message, documented as free of control characters) carries a raw U+0009.
  // Minimal input: "${\t". Same for "${a\tb}". Fixed: argv.ts escapes the token.
  it('regression (found by fuzzing): a ${ refusal message carries a raw tab from the line ("${\\t")', () => {
    for (const line of ['${\t', '${a\tb}', 'x "${\t"']) {
      const r = splitArgv(line);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).not.toMatch(ANY_CONTROL);
    }
  });
});
