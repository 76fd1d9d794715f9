import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {LineEditor, MAX_LINE_LENGTH, MAX_PENDING_INPUT, charWidth, textWidth, type EditorEvent} from '../../src/terminal/line-editor';

// ---------------------------------------------------------------- a tiny xterm-like screen (test only)

/**
 * Just enough of xterm.js to check the editor's output: auto-wrap with the
 * pending-wrap state (x === cols), wide characters that wrap whole, CR, LF,
 * BS, CUU/CUD/CUF/CUB/CUP/ED/EL, SGR ignored, and resize without reflowing the
 * cursor's rows (xterm.js's default). Anything else throws, so raw control
 * characters or unexpected sequences in the output fail the test.
 */
class Screen {
  rows: string[][] = [[]];
  wrapped: boolean[] = [false];
  x = 0;
  y = 0;
  constructor(public cols: number) {}

  write(data: string): this {
    let i = 0;
    while (i < data.length) {
      const ch = data[i]!;
      if (ch === '\x1b') {
        const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(data.slice(i));
        if (!m) throw new Error(`unexpected escape: ${JSON.stringify(data.slice(i, i + 8))}`);
        this.#csi(m[1]!, m[2]!);
        i += m[0].length;
        continue;
      }
      if (ch === '\r') this.x = 0;
      else if (ch === '\n') {
        if (this.x >= this.cols) this.x = this.cols - 1;
        this.#row(++this.y);
      } else if (ch === '\b') {
        this.x = Math.min(this.x, this.cols - 1);
        if (this.x > 0) this.x--;
      } else if (ch === '\x07') {
        // bell
      } else if (ch.charCodeAt(0) < 0x20 || ch === '\x7f') {
        throw new Error(`raw control character ${JSON.stringify(ch)} in output`);
      } else {
        const cp = data.codePointAt(i)!;
        this.#print(String.fromCodePoint(cp));
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
      i++;
    }
    return this;
  }

  #print(ch: string): void {
    const w = charWidth(ch.codePointAt(0)!);
    if (w === 0) {
      const row = this.rows[this.y]!;
      const at = Math.min(this.x, this.cols) - 1;
      if (at >= 0) row[at] = (row[at] ?? ' ') + ch;
      return;
    }
    if (this.x + w > this.cols) {
      this.x = 0;
      this.#row(++this.y);
      this.wrapped[this.y] = true;
    }
    const row = this.rows[this.y]!;
    while (row.length < this.x) row.push(' ');
    row[this.x] = ch;
    if (w === 2) row[this.x + 1] = '';
    this.x += w;
  }

  #row(y: number): string[] {
    while (this.rows.length <= y) {
      this.rows.push([]);
      this.wrapped.push(false);
    }
    return this.rows[y]!;
  }

  #csi(params: string, final: string): void {
    const nums = params.split(';').map((p) => (p === '' ? undefined : Number(p)));
    const n = nums[0] ?? 1;
    const clampX = (): void => {
      this.x = Math.min(this.x, this.cols - 1);
    };
    switch (final) {
      case 'A':
        clampX();
        this.y = Math.max(0, this.y - n);
        break;
      case 'B':
        clampX();
        this.y += n;
        this.#row(this.y);
        break;
      case 'C':
        clampX();
        this.x = Math.min(this.cols - 1, this.x + n);
        break;
      case 'D':
        clampX();
        this.x = Math.max(0, this.x - n);
        break;
      case 'H':
        this.y = (nums[0] ?? 1) - 1;
        this.x = (nums[1] ?? 1) - 1;
        this.#row(this.y);
        break;
      case 'J':
        if ((nums[0] ?? 0) === 0) {
          this.rows[this.y] = this.rows[this.y]!.slice(0, Math.min(this.x, this.cols));
          this.rows.length = this.y + 1;
          this.wrapped.length = this.y + 1;
        } else if (nums[0] === 2) {
          this.rows = this.rows.map(() => []);
          this.wrapped = this.wrapped.map(() => false);
        } else if (nums[0] !== 3) throw new Error(`ED ${params}`);
        break;
      case 'K':
        this.rows[this.y] = this.rows[this.y]!.slice(0, Math.min(this.x, this.cols));
        break;
      case 'm':
        break;
      default:
        throw new Error(`unexpected CSI ${params}${final}`);
    }
  }

  /** xterm.js resize with reflowCursorLine off: rows are cut to the new width, the cursor clamped. */
  resize(cols: number): void {
    this.rows = this.rows.map((r) => r.slice(0, cols));
    this.cols = cols;
    this.x = Math.min(this.x, cols - 1);
  }

  get lines(): string[] {
    const lines = this.rows.map((r) => r.join('').trimEnd());
    while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  get cursor(): [number, number] {
    return [this.y, this.x];
  }
}

/** What a fresh screen shows for `text`, and where a cursor after `text.slice(0, at)` would be. */
function expected(cols: number, prompt: string, line: string, cursor: number): {lines: string[]; cursor: [number, number]} {
  const full = new Screen(cols).write(prompt + line);
  const before = new Screen(cols).write(prompt + line.slice(0, cursor));
  let [y, x] = before.cursor;
  const next = line.slice(cursor).codePointAt(0);
  if (x >= cols || (next !== undefined && x + charWidth(next) > cols && charWidth(next) > 0)) {
    y++;
    x = 0;
  }
  return {lines: full.lines, cursor: [y, x]};
}

/** An editor wired to a screen. */
function setup(cols = 80, prompt = '$ ', opts?: {echo?: boolean; history?: boolean}) {
  const ed = new LineEditor({cols});
  const screen = new Screen(cols);
  screen.write(ed.start(prompt, opts));
  const events: EditorEvent[] = [];
  const feed = (data: string): string => {
    const r = ed.feed(data);
    events.push(...r.events);
    screen.write(r.output);
    return r.output;
  };
  const check = (): void => {
    const want = expected(screen.cols, prompt, opts?.echo === false ? '' : ed.line, opts?.echo === false ? 0 : ed.cursor);
    expect(screen.lines).toEqual(want.lines);
    expect(screen.cursor).toEqual(want.cursor);
  };
  return {ed, screen, events, feed, check};
}

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const HOME = '\x1b[H';
const END = '\x1b[F';
const DEL = '\x1b[3~';
const BS = '\x7f';

// ---------------------------------------------------------------- exact bytes for simple cases

describe('LineEditor: bytes', () => {
  it('writes the prompt, echoes typing, ends the line with CRLF', () => {
    const ed = new LineEditor({cols: 80});
    expect(ed.reading).toBe(false);
    expect(ed.start('$ ')).toBe('$ ');
    expect(ed.reading).toBe(true);
    expect(ed.feed('docker')).toEqual({output: 'docker', events: []});
    expect(ed.feed(' images')).toEqual({output: ' images', events: []});
    expect(ed.feed('\r')).toEqual({output: '\r\n', events: [{type: 'line', line: 'docker images'}]});
    expect(ed.reading).toBe(false);
  });

  it.each(['\r', '\n', '\r\n'])('Enter as %j', (enter) => {
    const ed = new LineEditor({cols: 80});
    ed.start('> ');
    expect(ed.feed('x' + enter)).toEqual({output: 'x\r\n', events: [{type: 'line', line: 'x'}]});
  });

  it('Backspace at the end of a line erases one cell (two for a wide character)', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('ab日');
    expect(ed.feed(BS).output).toBe('\x1b[2D\x1b[K');
    expect(ed.feed('\b').output).toBe('\x1b[1D\x1b[K');
    expect(ed.line).toBe('a');
  });

  it('Ctrl-C writes ^C, emits interrupt and stops reading', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('half typed');
    expect(ed.feed('\x03')).toEqual({output: '^C\r\n', events: [{type: 'interrupt'}]});
    expect(ed.reading).toBe(false);
  });

  it('Ctrl-C in the middle of a line first moves to its end', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('abc' + LEFT + LEFT);
    expect(ed.feed('\x03').output).toBe('\x1b[2C^C\r\n');
  });

  it('while not reading only Ctrl-C counts', () => {
    const ed = new LineEditor({cols: 80});
    expect(ed.feed('abc\r\x1b[A')).toEqual({output: '', events: []});
    expect(ed.feed('x\x03y\x03')).toEqual({output: '', events: [{type: 'interrupt'}, {type: 'interrupt'}]});
    ed.start('$ ');
    ed.feed('ls\r');
    expect(ed.feed('\x03')).toEqual({output: '', events: [{type: 'interrupt'}]});
  });

  it('keeps the lines after the first of a multi-line paste as pending input, for the next prompt', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    expect(ed.feed('docker images\rdocker rmi -f x\rdocker bu')).toEqual({
      output: 'docker images\r\n',
      events: [{type: 'line', line: 'docker images'}],
    });
    expect(ed.hasPending).toBe(true);
    // The rest of a long paste comes in the next input frame, while the first line runs.
    expect(ed.feed('ild .\r')).toEqual({output: '', events: []});
    ed.start('$ ');
    expect(ed.line).toBe('');
    const rest = ed.takePending();
    expect(rest).toBe('docker rmi -f x\rdocker build .\r');
    expect(ed.hasPending).toBe(false);
    expect(ed.feed(rest).events).toEqual([{type: 'line', line: 'docker rmi -f x'}]);
    ed.start('$ ');
    expect(ed.feed(ed.takePending()).events).toEqual([{type: 'line', line: 'docker build .'}]);
    expect(ed.hasPending).toBe(false);
  });

  it('a last pasted line without its line end stays at the prompt to be edited', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('docker images\ndocker push x');
    ed.start('$ ');
    expect(ed.feed(ed.takePending())).toEqual({output: 'docker push x', events: []});
    expect(ed.reading).toBe(true);
  });

  it('discardPending() counts the non-blank lines it drops; Ctrl-C drops them too', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('false\r\r  \rdocker images\rdocker push x');
    expect(ed.discardPending()).toEqual({lines: 2, cut: false});
    expect(ed.hasPending).toBe(false);
    ed.start('$ ');
    ed.feed('one\rtwo\r');
    expect(ed.feed('three\x03four').events).toEqual([{type: 'interrupt'}]);
    expect(ed.hasPending).toBe(false);
    ed.start('$ ');
    expect(ed.feed('a\x03b\rc').events).toEqual([{type: 'interrupt'}]);
    expect(ed.hasPending).toBe(false);
    expect(ed.reading).toBe(false);
  });

  it('without pending input, type-ahead while not reading is still ignored', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('docker build .\r');
    expect(ed.feed('docker images\r')).toEqual({output: '', events: []});
    expect(ed.hasPending).toBe(false);
  });

  it('keepRest: false (a command\'s own question) drops what follows the answer', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('Username: ', {history: false, keepRest: false});
    expect(ed.feed('alice\rsecret\r').events).toEqual([{type: 'line', line: 'alice'}]);
    expect(ed.hasPending).toBe(false);
  });

  it('bounds pending input', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('x\r' + 'y'.repeat(MAX_PENDING_INPUT));
    ed.feed('z\r');
    expect(ed.discardPending()).toEqual({lines: 1, cut: true});
  });

  it('Ctrl-D: eof on an empty line, ignored otherwise', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    expect(ed.feed('\x04')).toEqual({output: '', events: [{type: 'eof'}]});
    expect(ed.reading).toBe(true);
    expect(ed.feed('a\x04')).toEqual({output: 'a', events: []});
  });

  it('Ctrl-L and clearScreen clear and redraw', () => {
    const ed = new LineEditor({cols: 80});
    expect(ed.clearScreen()).toBe('\x1b[H\x1b[2J\x1b[3J');
    ed.start('$ ');
    ed.feed('abc' + LEFT);
    expect(ed.feed('\x0c')).toEqual({output: '\x1b[H\x1b[2J\x1b[3J$ abc\x1b[1D', events: []});
    expect(ed.clearScreen()).toBe('\x1b[H\x1b[2J\x1b[3J$ abc\x1b[1D');
  });

  it('swallows unknown and unwanted escape sequences whole', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    const noise = [
      '\x1b', // Escape key
      '\x1b[2~', // Insert
      '\x1b[5~', // Page Up
      '\x1b[1;2P', // Shift-F1
      '\x1b[15;5~', // Ctrl-F5
      '\x1bOP', // F1 (SS3)
      '\x1b[200~', // bracketed paste start
      '\x1b[201~',
      '\x1b[12;40R', // cursor position report
      '\x1b[?1;2c', // device attributes reply
      '\x1b]11;rgb:0000/0000/0000\x07', // OSC reply (BEL)
      '\x1b]10;rgb:ffff/ffff/ffff\x1b\\', // OSC reply (ST)
      '\x1bPdata\x1b\\', // DCS
      '\x1bx', // Alt-x
      '\x1b\x1b', // Escape twice
      '\t', // no completion here
      '\x00\x1c\x1d\x1e\x1f\u0085\u009b',
    ];
    for (const seq of noise) {
      expect(ed.feed(seq)).toEqual({output: '', events: []});
    }
    expect(ed.feed('\x1b[200~ok\x1b[201~')).toEqual({output: 'ok', events: []});
    expect(ed.line).toBe('ok');
    // A sequence cut short at the end of the data is swallowed too.
    expect(ed.feed('\x1b[1;').output).toBe('');
    expect(ed.line).toBe('ok');
  });

  it('refuses input past the line limit with one bell per feed', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    const out = ed.feed('a'.repeat(MAX_LINE_LENGTH + 100)).output;
    expect(ed.line.length).toBe(MAX_LINE_LENGTH);
    expect(out.split('\x07').length - 1).toBe(1);
    expect(ed.feed('bcd').output).toBe('\x07');
    expect(ed.feed(BS).output).not.toContain('\x07');
    expect(ed.feed('🐳').output).toBe('\x07'); // two code units do not fit in one
    expect(ed.feed('b').output).not.toContain('\x07');
    expect(ed.line.length).toBe(MAX_LINE_LENGTH);
  });

  it('password mode shows nothing and keeps no history', () => {
    const ed = new LineEditor({cols: 80});
    expect(ed.start('Password: ', {echo: false})).toBe('Password: ');
    expect(ed.feed('s3cret')).toEqual({output: '', events: []});
    expect(ed.feed(LEFT + BS + END + '\x15' + 'hunter2' + UP)).toEqual({output: '', events: []});
    expect(ed.feed('\r')).toEqual({output: '\r\n', events: [{type: 'line', line: 'hunter2'}]});
    expect(ed.history).toEqual([]);
  });
});

// ---------------------------------------------------------------- editing, checked on the screen

describe('LineEditor: editing', () => {
  it('inserts, deletes and moves anywhere in the line', () => {
    const t = setup(80);
    t.feed('docker imags');
    t.feed(LEFT + 'e');
    expect(t.ed.line).toBe('docker images');
    t.check();
    t.feed(HOME + DEL + 'D');
    expect(t.ed.line).toBe('Docker images');
    t.feed('\x1bOH' + DEL + 'd' + '\x1bOF' + ' -a');
    expect(t.ed.line).toBe('docker images -a');
    t.feed('\x01' + RIGHT + RIGHT + BS + 'c' + '\x05' + '\x02' + '\x06');
    expect(t.ed.line).toBe('dccker images -a');
    t.feed('\x1b[1~' + '\x1b[4~' + '\x1b[7~' + '\x1b[8~' + '\x1bOD' + '\x1bOC');
    expect(t.ed.cursor).toBe(t.ed.line.length);
    t.check();
    expect(t.screen.lines).toEqual(['$ dccker images -a']);
  });

  it('kills and yanks like readline', () => {
    const t = setup(80);
    t.feed('docker build -t app .');
    t.feed('\x17'); // Ctrl-W: "."
    expect(t.ed.line).toBe('docker build -t app ');
    t.feed('\x17'); // "app "
    expect(t.ed.line).toBe('docker build -t ');
    t.feed('\x19'); // Ctrl-Y
    expect(t.ed.line).toBe('docker build -t app ');
    t.feed(HOME + '\x1bf'); // Alt-F: after "docker"
    expect(t.ed.cursor).toBe(6);
    t.feed('\x0b'); // Ctrl-K
    expect(t.ed.line).toBe('docker');
    t.feed(' images' + '\x1bb'); // Alt-B
    expect(t.ed.cursor).toBe(7);
    t.feed('\x15'); // Ctrl-U
    expect(t.ed.line).toBe('images');
    expect(t.ed.cursor).toBe(0);
    t.feed('\x1b[1;5C'); // Ctrl-Right
    expect(t.ed.cursor).toBe(6);
    t.feed('\x1b[1;5D' + '\x1bd'); // Ctrl-Left, Alt-D
    expect(t.ed.line).toBe('');
    t.feed('a b\x1b\x7f'); // Alt-Backspace
    expect(t.ed.line).toBe('a ');
    t.check();
  });

  it('wraps long lines and moves across rows', () => {
    const t = setup(10);
    t.feed('abcdefghijklmnopqrstuvw');
    expect(t.screen.lines).toEqual(['$ abcdefgh', 'ijklmnopqr', 'stuvw']);
    t.check();
    t.feed(HOME);
    expect(t.screen.cursor).toEqual([0, 2]);
    t.feed('X');
    expect(t.screen.lines).toEqual(['$ Xabcdefg', 'hijklmnopq', 'rstuvw']);
    t.check();
    for (let i = 0; i < 9; i++) t.feed(RIGHT);
    t.check();
    expect(t.screen.cursor).toEqual([1, 2]);
    t.feed(BS + BS);
    t.check();
    t.feed(END);
    t.check();
    t.feed('\r');
    expect(t.events).toEqual([{type: 'line', line: 'Xabcdefgjklmnopqrstuvw'}]);
    expect(t.screen.cursor).toEqual([3, 0]);
  });

  it('puts the cursor on the next row when the text ends at the last column', () => {
    const t = setup(10);
    t.feed('12345678');
    expect(t.screen.lines).toEqual(['$ 12345678']);
    expect(t.screen.cursor).toEqual([1, 0]);
    expect(t.screen.wrapped[1]).toBe(true); // a soft wrap, so the row reflows with the line
    t.feed('9');
    expect(t.screen.lines).toEqual(['$ 12345678', '9']);
    t.check();
    t.feed(BS);
    t.check();
    t.feed(LEFT);
    t.check();
    t.feed('\r');
    // The output starts on the row after the text, not one further down.
    expect(t.screen.cursor).toEqual([1, 0]);
  });

  it('Ctrl-C with a full last row and the cursor elsewhere', () => {
    const t = setup(10);
    t.feed('12345678' + HOME + '\x03');
    expect(t.screen.lines).toEqual(['$ 12345678', '^C']);
    expect(t.screen.cursor).toEqual([2, 0]);
  });

  it('lays out wide characters and combining marks as xterm.js does', () => {
    const t = setup(10);
    t.feed('abcdefg日'); // 9 columns used; the wide character wraps whole
    expect(t.screen.lines).toEqual(['$ abcdefg', '日']);
    t.check();
    t.feed(LEFT);
    t.check();
    expect(t.screen.cursor).toEqual([1, 0]);
    t.feed(HOME + '🐳é' + 'e\u0301');
    expect(t.ed.line).toBe('🐳ée\u0301abcdefg日');
    t.check();
    t.feed(LEFT); // over "e" + combining acute as one character
    expect(t.ed.cursor).toBe(3);
    t.feed(BS);
    expect(t.ed.line).toBe('🐳e\u0301abcdefg日');
    t.check();
  });

  it('measures prompts with colour codes by what they show', () => {
    const prompt = '\x1b[1m\x1b[36mlab\x1b[39m\x1b[22m\x1b[2m:ctx\x1b[22m$ ';
    expect(textWidth(prompt)).toBe(9);
    const t = setup(12, prompt);
    t.feed('abcdef');
    expect(t.screen.lines).toEqual(['lab:ctx$ abc', 'def']);
    t.feed(HOME);
    expect(t.screen.cursor).toEqual([0, 9]);
    t.check();
  });

  it('a prompt wider than the terminal', () => {
    const t = setup(5, 'a-long-prompt> ');
    t.feed('xy');
    t.check();
    t.feed(HOME);
    t.check();
  });

  it('submit() replaces a half-typed line with a block\'s command and accepts it as is', () => {
    const t = setup(20);
    t.feed('something half typed' + HOME);
    t.screen.write(t.ed.submit('docker build -t app:1 .'));
    expect(t.screen.lines).toEqual(['$ docker build -t ap', 'p:1 .']);
    expect(t.screen.cursor).toEqual([2, 0]);
    expect(t.ed.reading).toBe(false);
    expect(t.ed.history).toEqual(['docker build -t app:1 .']);
  });

  it('submit() neither cuts nor interprets the line; history: false keeps it out of history', () => {
    const t = setup(80);
    const long = 'x'.repeat(MAX_LINE_LENGTH + 10);
    t.ed.submit(long, {history: false});
    expect(t.ed.history).toEqual([]);
    t.screen.write(t.ed.start('$ '));
    t.ed.submit(long);
    expect(t.ed.history).toEqual([long]);
    expect(() => t.ed.submit('again')).toThrow();
  });

  it('start() while reading erases the old prompt and line', () => {
    const t = setup(10);
    t.feed('abcdefghijkl' + LEFT);
    t.screen.write(t.ed.start('# '));
    expect(t.screen.lines).toEqual(['#']);
    expect(t.screen.cursor).toEqual([0, 2]);
  });

  it('setPrompt() keeps the typed text', () => {
    const t = setup(10);
    t.feed('abcdefghijkl' + LEFT);
    t.screen.write(t.ed.setPrompt('ctx$ '));
    expect(t.ed.line).toBe('abcdefghijkl');
    expect(t.screen.lines).toEqual(['ctx$ abcde', 'fghijkl']);
    expect(t.screen.cursor).toEqual([1, 6]);
  });

  it('resize redraws from the prompt (rows holding the cursor are not reflowed)', () => {
    const t = setup(20);
    t.feed('abcdefghijklmnopqrstuvwxyz0123');
    t.feed(HOME + RIGHT);
    for (const cols of [10, 7, 25, 13, 80]) {
      t.screen.resize(cols);
      t.screen.write(t.ed.resize(cols));
      expect(t.screen.lines).toEqual(expected(cols, '$ ', t.ed.line, t.ed.cursor).lines);
      expect(t.screen.cursor).toEqual(expected(cols, '$ ', t.ed.line, t.ed.cursor).cursor);
    }
    expect(t.ed.resize(80)).toBe('');
  });
});

describe('LineEditor: history', () => {
  function run(ed: LineEditor, line: string): void {
    ed.start('$ ');
    ed.feed(line + '\r');
  }

  it('recalls lines, skips repeats and blank lines', () => {
    const ed = new LineEditor({cols: 80});
    for (const line of ['docker images', 'docker images', '   ', '', 'docker build .', 'docker images']) run(ed, line);
    expect(ed.history).toEqual(['docker images', 'docker build .', 'docker images']);
    const t = {screen: new Screen(80)};
    t.screen.write(ed.start('$ '));
    const feed = (d: string) => t.screen.write(ed.feed(d).output);
    feed(UP);
    expect(ed.line).toBe('docker images');
    feed(UP);
    expect(ed.line).toBe('docker build .');
    feed(UP + UP + UP);
    expect(ed.line).toBe('docker images');
    expect(t.screen.lines).toEqual(['$ docker images']);
    feed(DOWN + DOWN + DOWN + DOWN);
    expect(ed.line).toBe('');
    feed('\x10'); // Ctrl-P
    expect(ed.line).toBe('docker images');
    feed('\x0e'); // Ctrl-N
    expect(ed.line).toBe('');
  });

  it('keeps edits to the new line and to recalled lines while navigating, like bash', () => {
    const ed = new LineEditor({cols: 80});
    run(ed, 'one');
    run(ed, 'two');
    ed.start('$ ');
    ed.feed('draft');
    ed.feed(UP);
    expect(ed.line).toBe('two');
    ed.feed(' edited');
    ed.feed(UP);
    expect(ed.line).toBe('one');
    ed.feed(DOWN);
    expect(ed.line).toBe('two edited');
    ed.feed(DOWN);
    expect(ed.line).toBe('draft');
    ed.feed(UP + '\r');
    // The edited line runs and is added; the original entry is unchanged.
    expect(ed.history).toEqual(['one', 'two', 'two edited']);
    ed.start('$ ');
    ed.feed(UP + UP);
    expect(ed.line).toBe('two');
  });

  it('history: false keeps and offers no history; the size is bounded', () => {
    const ed = new LineEditor({cols: 80, historySize: 3});
    for (const line of ['a', 'b', 'c', 'd']) run(ed, line);
    expect(ed.history).toEqual(['b', 'c', 'd']);
    ed.start('Username: ', {history: false});
    expect(ed.feed(UP)).toEqual({output: '', events: []});
    ed.feed('bob\r');
    expect(ed.history).toEqual(['b', 'c', 'd']);
    ed.forgetLastHistoryEntry();
    expect(ed.history).toEqual(['b', 'c']);
  });

  it('Ctrl-R searches the history backwards, bash style', () => {
    const ed = new LineEditor({cols: 80});
    for (const line of ['docker build -t app .', 'docker images', 'docker build -t other .', 'docker push app']) run(ed, line);
    const screen = new Screen(80);
    screen.write(ed.start('$ '));
    const feed = (d: string) => {
      const r = ed.feed(d);
      screen.write(r.output);
      return r;
    };
    feed('\x12');
    expect(screen.lines).toEqual(["(reverse-i-search)`':"]);
    feed('build');
    expect(ed.line).toBe('docker build -t other .');
    expect(screen.lines).toEqual(["(reverse-i-search)`build': docker build -t other ."]);
    expect(screen.cursor).toEqual([0, "(reverse-i-search)`build': docker ".length]);
    feed('\x12'); // an older match
    expect(ed.line).toBe('docker build -t app .');
    const none = feed('\x12'); // no older one: the bell, and bash's "failed" prompt
    expect(none.output).toContain('\x07');
    expect(screen.lines).toEqual(["(failed reverse-i-search)`build': docker build -t app ."]);
    feed(BS + BS + BS + BS + BS + 'push');
    expect(ed.line).toBe('docker push app');
    // Enter runs the match; the prompt is back.
    expect(feed('\r').events).toEqual([{type: 'line', line: 'docker push app'}]);
    expect(screen.lines[0]).toBe('$ docker push app');
  });

  it('Ctrl-R: Ctrl-G restores the line, a cursor key edits the match, Ctrl-C abandons it', () => {
    const ed = new LineEditor({cols: 80});
    const t = {ed, screen: new Screen(80), events: [] as EditorEvent[], feed: (d: string) => {
      const r = ed.feed(d);
      t.events.push(...r.events);
      t.screen.write(r.output);
    }};
    ed.start('$ ');
    t.feed('docker images\r');
    t.events.length = 0;
    const fresh = () => {
      t.screen = new Screen(80);
      t.screen.write(t.ed.start('$ '));
    };
    fresh();
    t.feed('half');
    t.feed('\x12ima');
    expect(t.ed.line).toBe('docker images');
    t.feed('\x07');
    expect(t.ed.line).toBe('half');
    expect(t.ed.prompt).toBe('$ ');
    expect(t.screen.lines).toEqual(['$ half']);
    t.feed('\x12ima' + LEFT);
    expect(t.ed.prompt).toBe('$ ');
    expect(t.ed.line).toBe('docker images');
    expect(t.screen.lines).toEqual(['$ docker images']);
    expect(t.screen.cursor).toEqual([0, '$ docker'.length]);
    t.feed(END + BS + BS + BS + BS + BS + BS + '\x12ima\x03');
    expect(t.events).toEqual([{type: 'interrupt'}]);
    expect(t.ed.reading).toBe(false);
    // Ctrl-R Ctrl-R repeats the last search; a new prompt (another lesson) waits for the search's end.
    fresh();
    t.feed('\x12\x12');
    t.screen.write(t.ed.setPrompt('lab:x$ '));
    expect(t.screen.lines).toEqual(["(reverse-i-search)`ima': docker images"]);
    t.feed('\x1b'); // Escape keeps the match
    expect(t.screen.lines).toEqual(['lab:x$ docker images']);
    t.screen.write(t.ed.setPrompt('$ '));
    expect(t.ed.line).toBe('docker images');
    expect(t.screen.lines).toEqual(['$ docker images']);
  });

  it('Ctrl-R does nothing but ring at a prompt without history (login questions, passwords)', () => {
    const t = setup(80, 'Password: ', {echo: false});
    expect(t.feed('\x12')).toBe('\x07');
    expect(t.ed.prompt).toBe('Password: ');
  });

  it('Ctrl-C drops the line without recording it', () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('not run\x03');
    expect(ed.history).toEqual([]);
  });
});

describe('charWidth', () => {
  it.each<[string, number]>([
    ['a', 1],
    ['~', 1],
    ['é', 1],
    ['\u0301', 0],
    ['\u200b', 0],
    ['\u200d', 0],
    ['\ufe0f', 0],
    ['日', 2],
    ['한', 2],
    ['Ａ', 2],
    ['🐳', 2],
    ['✅', 2],
    ['→', 1],
    ['\x1b', 0],
    ['\u0085', 0],
  ])('%j is %d', (ch, w) => {
    expect(charWidth(ch.codePointAt(0)!)).toBe(w);
  });
});

// ---------------------------------------------------------------- property: the screen always shows the line

const key = fc.oneof(
  {weight: 6, arbitrary: fc.constantFrom('a', 'b', ' ', '-', 'x', 'yz', 'hello world ')},
  {weight: 1, arbitrary: fc.constantFrom('日', '🐳', 'e\u0301', '\u0301', 'Ａb')},
  {
    weight: 4,
    arbitrary: fc.constantFrom(LEFT, RIGHT, HOME, END, BS, DEL, '\x01', '\x05', '\x02', '\x06', '\x1bb', '\x1bf'),
  },
  {weight: 1, arbitrary: fc.constantFrom(UP, DOWN, '\x15', '\x0b', '\x17', '\x19', '\x1bd', '\x1b[2~', '\t', '\x04')},
  {weight: 1, arbitrary: fc.constantFrom('\x12', '\x07', '\x1b', 'do', 'app')}, // Ctrl-R, Ctrl-G, Escape
);

describe('LineEditor: properties', () => {
  it('after any keys the screen shows prompt + line with the cursor in place', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 4, max: 30}),
        fc.constantFrom('$ ', '', 'lab:ctx$ ', '\x1b[1mlab\x1b[0m$ '),
        fc.array(key, {maxLength: 40}),
        fc.array(fc.integer({min: 4, max: 30}), {maxLength: 2}),
        (cols, prompt, keys, resizes) => {
          const ed = new LineEditor({cols});
          for (const line of ['docker images', 'docker build -t app:1 .']) {
            ed.start('$ ');
            ed.feed(line + '\r');
          }
          const screen = new Screen(cols);
          screen.write(ed.start(prompt));
          const check = (): void => {
            const want = expected(screen.cols, ed.prompt, ed.line, ed.cursor);
            expect(screen.lines).toEqual(want.lines);
            expect(screen.cursor).toEqual(want.cursor);
            const rows = want.lines.length;
            for (let r = 1; r < rows; r++) expect(screen.wrapped[r]).toBe(true);
          };
          for (const k of keys) {
            screen.write(ed.feed(k).output);
            check();
          }
          for (const c of resizes) {
            screen.resize(c);
            screen.write(ed.resize(c));
            check();
          }
          const {events} = ed.feed('\r');
          expect(events).toEqual([{type: 'line', line: ed.line}]);
        },
      ),
      {numRuns: 1000},
    );
  });

  it('never throws and never writes raw control characters, whatever the input', () => {
    const input = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\x1b', '[', 'O', ']', ';', '1', '~', 'A', 'D', '\x07', '\x7f', '\r', '\n', '\x03', '\x04', '\x0c'),
        fc.integer({min: 0, max: 0x10ffff}).map((c) => String.fromCodePoint(c)),
      ),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.integer({min: 2, max: 40}), fc.array(input, {maxLength: 6}), (cols, chunks) => {
        const ed = new LineEditor({cols});
        const screen = new Screen(cols);
        screen.write(ed.start('$ '));
        for (const chunk of chunks) {
          const {output} = ed.feed(chunk);
          screen.write(output); // throws on raw controls or unknown sequences
          if (!ed.reading) screen.write(ed.start('$ '));
        }
        expect(ed.line.length).toBeLessThanOrEqual(MAX_LINE_LENGTH);
      }),
      {numRuns: 1000},
    );
  });
});

// Issue 12 point 6: each key cost time proportional to the line's length, so one 16 KiB input
// frame blocked the server's event loop for seconds (every reader's terminal stalled).
describe('LineEditor: cost of a frame', () => {
  const full = () => {
    const ed = new LineEditor({cols: 80});
    ed.start('$ ');
    ed.feed('a'.repeat(MAX_LINE_LENGTH - 1));
    return ed;
  };

  it('"\\x01" + "b\\x7f" × 8000 after 4095 typed characters: one redraw, not 16,000; work past the bound is refused', () => {
    const ed = full();
    const started = performance.now();
    const {output} = ed.feed('\x01' + 'b\x7f'.repeat(8000));
    const ms = performance.now() - started;
    expect(ed.line.replace(/^b/, '')).toBe('a'.repeat(MAX_LINE_LENGTH - 1));
    expect(output.endsWith('\x07')).toBe(true); // the rest of the frame was refused
    expect(output.length).toBeLessThan(3 * MAX_LINE_LENGTH);
    expect(ms).toBeLessThan(200); // was 7–12 s
  });

  it('16,384 cursor keys on a full line: one cursor move', () => {
    const ed = full();
    const started = performance.now();
    const {output} = ed.feed('\x1b[D'.repeat(16_384 / 4) + '\x02'.repeat(8000));
    const ms = performance.now() - started;
    expect(ed.cursor).toBe(0);
    expect(output.length).toBeLessThan(64);
    expect(ms).toBeLessThan(200);
  });
});
