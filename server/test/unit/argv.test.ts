import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {splitArgv} from '../../src/cli/argv';

const NOT_A_SHELL = 'this terminal is not a shell; run one docker command at a time';

describe('splitArgv: words', () => {
  it.each<[string, string[]]>([
    ['', []],
    ['   \t  ', []],
    ['docker build .', ['docker', 'build', '.']],
    ['  docker\tbuild\t\t.  ', ['docker', 'build', '.']],
    ["'single  quoted'", ['single  quoted']],
    ["'a\"b\\c$d`e'", ['a"b\\c$d`e']],
    ['"double  quoted"', ['double  quoted']],
    ['"esc \\" \\\\ \\$ \\`"', ['esc " \\ $ `']],
    ['"keep \\n \\a \\\'"', ["keep \\n \\a \\'"]],
    ['a\\ b', ['a b']],
    ['\\$HOME', ['$HOME']],
    ['\\|', ['|']],
    ['\\"x', ['"x']],
    ["\\'", ["'"]],
    ['\\\\', ['\\']],
    ['""', ['']],
    ["''", ['']],
    ['a "" b', ['a', '', 'b']],
    ['a""b', ['ab']],
    ["con'cat'\"enated\"", ['concatenated']],
    ['--build-arg "MSG=hello world"', ['--build-arg', 'MSG=hello world']],
    ['-t "my app"', ['-t', 'my app']],
    ['# just a comment', []],
    ['docker images # list them', ['docker', 'images']],
    ['docker images #', ['docker', 'images']],
    ['a#b', ['a#b']],
    ["'#not' a comment", ['#not', 'a', 'comment']],
    ['\\#x', ['#x']],
    ['$', ['$']],
    ['a$', ['a$']],
    ['"$"', ['$']],
    ['$ x', ['$', 'x']],
    ['100%', ['100%']],
    ['*.txt ~/x {a,b} !x', ['*.txt', '~/x', '{a,b}', '!x']],
    ["'|' '&&' ';' '>' '$(x)' '`x`' '$HOME'", ['|', '&&', ';', '>', '$(x)', '`x`', '$HOME']],
    ['"| && ; > < ( )"', ['| && ; > < ( )']],
    ['héllo 日本 🐳', ['héllo', '日本', '🐳']],
    ['\\🐳', ['🐳']],
  ])('%j', (line, argv) => {
    expect(splitArgv(line)).toEqual({ok: true, argv});
  });
});

describe('splitArgv: refused', () => {
  it.each<[string, string]>([
    ['docker images | grep x', `pipes (|) are not supported: ${NOT_A_SHELL}`],
    ['a|b', `pipes (|) are not supported: ${NOT_A_SHELL}`],
    ['a |& b', `pipes (|&) are not supported: ${NOT_A_SHELL}`],
    ['a || b', `command lists (||) are not supported: ${NOT_A_SHELL}`],
    ['a && b', `command lists (&&) are not supported: ${NOT_A_SHELL}`],
    ['docker build . &', `background jobs (&) are not supported: ${NOT_A_SHELL}`],
    ['a; b', `command separators (;) are not supported: ${NOT_A_SHELL}`],
    ['a > f', `redirections (>) are not supported: ${NOT_A_SHELL}`],
    ['a 2>/dev/null', `redirections (>) are not supported: ${NOT_A_SHELL}`],
    ['a >> f', `redirections (>>) are not supported: ${NOT_A_SHELL}`],
    ['a < f', `redirections (<) are not supported: ${NOT_A_SHELL}`],
    ['a << EOF', `redirections (<<) are not supported: ${NOT_A_SHELL}`],
    ['a &> f', `redirections (&>) are not supported: ${NOT_A_SHELL}`],
    ['a 2>&1', `redirections (>&) are not supported: ${NOT_A_SHELL}`],
    ['(a)', `parentheses (() are not supported: ${NOT_A_SHELL}; quote them to use them literally`],
    ['echo `id`', `command substitution (\`) is not supported: ${NOT_A_SHELL}`],
    ['"`id`"', `command substitution (\`) is not supported: ${NOT_A_SHELL}`],
    ['echo $(id)', `command substitution ($(...)) is not supported: ${NOT_A_SHELL}`],
    ['"$(id)"', `command substitution ($(...)) is not supported: ${NOT_A_SHELL}`],
    ['$((1+1))', `command substitution ($(...)) is not supported: ${NOT_A_SHELL}`],
    ['docker push $IMAGE', 'variables are not expanded here ($IMAGE): type the value instead'],
    ['-t "$USER/app"', 'variables are not expanded here ($USER): type the value instead'],
    ['${HOME}/x', 'variables are not expanded here (${HOME}): type the value instead'],
    ['"${HOME"', 'variables are not expanded here (${HOME"): type the value instead'],
    ['$1', 'variables are not expanded here ($1): type the value instead'],
    ['$?', 'variables are not expanded here ($?): type the value instead'],
    ['a$_b', 'variables are not expanded here ($_b): type the value instead'],
    ["'unterminated", "unterminated quote ('): add the closing '"],
    ['"unterminated', 'unterminated quote ("): add the closing "'],
    ['"a\\"', 'unterminated quote ("): add the closing "'],
    ['docker build \\', 'a backslash (\\) at the end of the line would continue it in a shell; this terminal reads one line: remove it'],
    ['a\nb', 'control character U+000A (newline) is not allowed in a command'],
    ['a\rb', 'control character U+000D (carriage return) is not allowed in a command'],
    ['\x1b[31mred', 'control character U+001B (escape) is not allowed in a command'],
    ['a\x00b', 'control character U+0000 is not allowed in a command'],
    ['# comment \x07', 'control character U+0007 is not allowed in a command'],
    ['a\x7f', 'control character U+007F is not allowed in a command'],
    ['a\u009b', 'control character U+009B is not allowed in a command'],
  ])('%j', (line, error) => {
    expect(splitArgv(line)).toEqual({ok: false, error});
  });

  it('reports the first problem from the left', () => {
    expect(splitArgv('a | b; c')).toEqual({ok: false, error: `pipes (|) are not supported: ${NOT_A_SHELL}`});
    expect(splitArgv("'x' $Y | z")).toMatchObject({ok: false, error: expect.stringContaining('$Y')});
  });

  it('does not refuse operators inside a comment', () => {
    expect(splitArgv('docker images # | grep; $HOME `x`')).toEqual({ok: true, argv: ['docker', 'images']});
  });
});

/** Quotes a word for sh with single quotes. */
function singleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quotes a word for sh with double quotes (escaping the four special characters). */
function doubleQuote(s: string): string {
  return `"${s.replace(/["\\$`]/g, (c) => '\\' + c)}"`;
}

/** Escapes every character that is special outside quotes with a backslash. */
function backslashQuote(s: string): string {
  if (s === '') return "''";
  return s.replace(/[^A-Za-z0-9_./-]/gu, (c) => '\\' + c);
}

/** Characters a line may hold, weighted towards the ones the splitter cares about. */
const lineChar = fc.oneof(
  fc.constantFrom(...' \t\'"\\$`|&;<>()#{}\n\r\x1b\x00\x7f\u009b'.split('')),
  fc.string({unit: 'grapheme-ascii', minLength: 1, maxLength: 1}),
  fc.integer({min: 0x80, max: 0x10ffff}).map((c) => String.fromCodePoint(c)),
);

const word = fc.string({unit: 'grapheme', maxLength: 20}).map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''));

describe('splitArgv: properties', () => {
  it('never throws and always returns a well-formed result', () => {
    fc.assert(
      fc.property(fc.string({unit: lineChar, maxLength: 200}), (line) => {
        const r = splitArgv(line);
        if (r.ok) {
          expect(Array.isArray(r.argv)).toBe(true);
          for (const a of r.argv) expect(typeof a).toBe('string');
        } else {
          expect(r.error.length).toBeGreaterThan(0);
          expect(r.error).not.toMatch(/[\u0000-\u001f]/);
        }
      }),
      {numRuns: 1000},
    );
  });

  it('round-trips any argv quoted with single quotes, double quotes or backslashes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, fc.constantFrom(singleQuote, doubleQuote, backslashQuote)), {maxLength: 8}),
        fc.constantFrom(' ', '  ', '\t', ' \t '),
        (words, sep) => {
          const line = words.map(([w, quote]) => quote(w)).join(sep);
          expect(splitArgv(line)).toEqual({ok: true, argv: words.map(([w]) => w)});
        },
      ),
      {numRuns: 1000},
    );
  });

  it('splits plain words on whitespace', () => {
    const plain = fc.string({unit: fc.constantFrom(...'abcxyz019-_./:=@'.split('')), minLength: 1, maxLength: 10});
    fc.assert(
      fc.property(fc.array(plain, {maxLength: 8}), (words) => {
        expect(splitArgv(words.join(' '))).toEqual({ok: true, argv: words});
      }),
      {numRuns: 1000},
    );
  });
});
