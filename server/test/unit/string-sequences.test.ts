/**
 * Terminal string sequences out of engine-relayed text (issue 23, finding 5): an OSC 8 link, an
 * OSC 52 clipboard request, a DCS, in 7- and 8-bit forms, whole or split across chunks at every
 * position; colours and plain text stay.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {containerOutput} from '../../src/containers/output';
import {StringSequenceFilter, stripStringSequences} from '../../src/terminal/string-sequences';

const LINK = '\x1b]8;;javascript:alert(1)\x1b\\click me\x1b]8;;\x1b\\';
const CLIP = '\x1b]52;c;cHduZWQ=\x07';
const DCS = '\x1bP1$qm\x1b\\';
const C1_OSC = '\x9d0;title\x9c';

describe('stripStringSequences', () => {
  it('removes OSC (ST or BEL), DCS, SOS, PM, APC and their C1 forms; keeps CSI and text', () => {
    expect(stripStringSequences(`a ${LINK} b`)).toBe('a click me b');
    expect(stripStringSequences(`x${CLIP}y`)).toBe('xy');
    expect(stripStringSequences(`x${DCS}y`)).toBe('xy');
    expect(stripStringSequences(`x${C1_OSC}y`)).toBe('xy');
    expect(stripStringSequences('x\x1bXsos\x1b\\y\x1b^pm\x07z\x1b_apc\x1b\\!')).toBe('xyz!');
    expect(stripStringSequences('\x1b[31mred\x1b[0m \x9b1mbold\x1b7\x1b8')).toBe('\x1b[31mred\x1b[0m \x9b1mbold\x1b7\x1b8');
  });

  it('ends an unterminated string at the line end, and an ESC inside one starts a new sequence', () => {
    expect(stripStringSequences('a\x1b]0;never ends\nnext line')).toBe('a\nnext line');
    expect(stripStringSequences('a\x1b]0;t\x1b[31mred')).toBe('a\x1b[31mred');
    expect(stripStringSequences('a\x1b]0;t\x1b]8;;x\x07b')).toBe('ab');
    expect(stripStringSequences('end\x1b')).toBe('end\x1b');
  });

  it('gives the same text whatever the chunks (fuzzed)', () => {
    const piece = fc.constantFrom(LINK, CLIP, DCS, C1_OSC, '\x1b[1m', 'text ', '\n', '\x1b', '\x07', '\\', ']', 'é');
    fc.assert(
      fc.property(fc.array(piece, {maxLength: 30}), fc.array(fc.nat(), {maxLength: 6}), (pieces, cuts) => {
        const text = pieces.join('');
        const whole = stripStringSequences(text);
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((x, y) => x - y);
        const f = new StringSequenceFilter();
        let out = '';
        let from = 0;
        for (const c of [...at, text.length]) {
          out += f.push(text.slice(from, c));
          from = c;
        }
        out += f.flush();
        expect(out).toBe(whole);
        expect(out).not.toMatch(/\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]/);
      }),
      {numRuns: 2000},
    );
  });
});

describe('a container\'s output', () => {
  it('reaches the terminal without string sequences, from a TTY and from the multiplexed streams', () => {
    let tty = '';
    const t = containerOutput(true, (s) => (tty += s));
    const bytes = Buffer.from(`ls\r\n${LINK}\r\n`);
    t.push(bytes.subarray(0, 7));
    t.push(bytes.subarray(7));
    t.end();
    expect(tty).toBe('ls\r\nclick me\r\n');

    let plain = '';
    const m = containerOutput(false, (s) => (plain += s));
    const payload = Buffer.from(`${CLIP}ok\n`);
    const header = Buffer.alloc(8);
    header[0] = 1;
    header.writeUInt32BE(payload.length, 4);
    m.push(Buffer.concat([header, payload]));
    m.end();
    expect(plain).toBe('ok\r\n');
  });
});
