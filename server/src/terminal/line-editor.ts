/**
 * The prompt's line editor: a pure state machine between xterm.js key data
 * (`onData`) and the bytes to write back to the terminal. No I/O, no timers.
 *
 * Keys (readline/emacs style):
 *   printable text         insert at the cursor (a paste inserts all of it at once)
 *   Backspace (DEL, ^H)    delete before the cursor        Delete (ESC[3~)  delete under the cursor
 *   ^D                     `eof` on an empty line (the editor keeps reading), ignored otherwise
 *   Left/Right, ^B/^F      move by one character           Alt-B/F, Ctrl-Left/Right  move by word
 *   Home/End, ^A/^E        start/end of line               (ESC[H ESC[F ESCOH ESCOF ESC[1~ ESC[4~ ESC[7~ ESC[8~)
 *   Up/Down, ^P/^N         history                         ^U/^K  kill to start/end    ^W  kill word back
 *   Alt-D, Alt-Backspace   kill word forward/back          ^Y  yank the last kill
 *   Enter (CR, LF, CRLF)   emit `line`                     ^C  emit `interrupt`        ^L  clear screen
 *   ^R                     reverse history search, bash's `(reverse-i-search)`…': ` prompt: typing
 *                          narrows it, ^R again finds an older match, Backspace widens it, Enter runs
 *                          the match, ^G restores the line, ^C abandons it, any other key edits the match
 * Unknown escape sequences (CSI with parameters, SS3, OSC/DCS strings, Alt+key)
 * are swallowed whole. Control characters are never inserted or echoed.
 *
 * After a `line` event the editor stops reading. What followed the line in the
 * same feed() (the next lines of a multi-line paste: one keystroke never holds
 * more than one line end) is kept as *pending input*, and so is anything fed
 * while it waits (a paste longer than one input frame arrives in several). The
 * caller hands it back with takePending() at the next prompt, so pasted lines
 * run one after another as in a shell (or to a `docker run -i` container once it
 * started, as a shell's container would read them), or drops it with
 * discardPending() when a command failed. Without pending input, what is fed while not reading (typing
 * ahead while a command runs) is ignored, as before: the lab has no job control
 * to hand it to. Ctrl-C always drops pending input; while not reading, feed()
 * only reports Ctrl-C (so the caller can cancel the running command).
 *
 * Rendering. The prompt is assumed to start at column 0. xterm.js does not move
 * the cursor back across a soft wrap with CUB, so cursor moves go by row and
 * column (CUU/CUD, CR + CUF), and any edit other than typing or Backspace at
 * the end of a row redraws: up to the prompt's first row (ESC[nA, CR), ESC[J,
 * prompt + text, then the cursor placed by row and column.
 * When the text ends exactly at the last column the terminal is in its
 * "pending wrap" state; a space + CR moves the cursor to the next row (keeping
 * the row a soft-wrapped continuation, so it copies and reflows as one line).
 * resize() relies on xterm.js's default `reflowCursorLine: false`: the rows
 * holding the cursor are not reflowed, so the old row count still leads back
 * to the prompt.
 *
 * Widths: one column per code point, two for East Asian wide/fullwidth and
 * emoji presentation characters, none for combining marks and format
 * characters (Unicode 11 rules, as xterm.js's unicode11 addon uses). With
 * xterm.js's default Unicode 6 widths, emoji are one column and lines holding
 * emoji would be misplaced.
 */

import {charWidth, stripEscapes} from './width';

export {charWidth, textWidth} from './width';

export type EditorEvent = {type: 'line'; line: string} | {type: 'interrupt'} | {type: 'eof'};

export interface EditorOptions {
  cols: number;
  /** Lines kept for Up/Down. Default 500. */
  historySize?: number;
}

/** Longest line, in UTF-16 code units; further input rings the bell. */
export const MAX_LINE_LENGTH = 4096;

/** Bound on one feed's work (see #work): a few milliseconds. */
const WORK_PER_FEED = 128 * 1024;

/** Pending input kept after a line (the rest of a paste), in UTF-16 code units; beyond it the rest is dropped. */
export const MAX_PENDING_INPUT = 64 * 1024;

/** Fast-path echoes (typing or Backspace at the end) per frame before edits are batched into one redraw. */
const MAX_FAST_ECHOES = 64;

const ESC = '\x1b';
const CSI = '\x1b[';
const BELL = '\x07';
const CLEAR_SCREEN = '\x1b[H\x1b[2J\x1b[3J';

/** A base character with any zero-width characters that follow it. */
interface Cluster {
  text: string;
  width: number;
}

interface Pos {
  row: number;
  col: number;
}

export class LineEditor {
  #cols: number;
  readonly #historySize: number;
  readonly #history: string[] = [];
  /** Index into #history being shown; #history.length is the new line. */
  #historyPos = 0;
  /** Edited versions of history lines (and of the new line), kept while navigating. */
  #drafts = new Map<number, {buf: Cluster[]; length: number}>();

  #reading = false;
  #echo = true;
  #recordHistory = true;
  #prompt = '';
  #promptWidths: number[] = [];
  #buf: Cluster[] = [];
  #length = 0; // UTF-16 length of the line
  #cursor = 0; // index into #buf
  #kill = '';
  /** Input was refused during this feed(). */
  #bell = false;

  /**
   * Inside feed(): keys change the line and the cursor, and the screen is
   * brought up to date once, at the end of the frame (or before a key that
   * prints, like Enter). So a frame of thousands of edits costs one redraw,
   * and each key's cost does not grow with the line's length.
   */
  #batch = false;
  /** The screen no longer shows the line (a redraw is due). */
  #dirty = false;
  /** The cursor moved and the terminal's cursor has not followed yet. */
  #moved = false;
  /** Fast-path echoes in this feed; past a few, edits are batched into the final redraw. */
  #fastOps = 0;
  /**
   * Work done in this feed, in characters or clusters copied or moved. Each
   * key costs little, but some (an edit at the start of a long line, a yank
   * of a long kill) still touch the line: past WORK_PER_FEED the rest of the
   * frame is refused with the bell, so one frame's cost has a fixed bound.
   */
  #work = 0;

  /** Where the terminal cursor is, relative to the prompt's first cell. */
  #screen: Pos = {row: 0, col: 0};

  /** Input that followed an accepted line (the rest of a paste), for the next prompt. */
  #pending = '';
  /** The pending input was cut at MAX_PENDING_INPUT. */
  #pendingCut = false;
  /** What follows a line in the same feed becomes pending input (see start()). */
  #keepRest = true;

  /** A reverse history search (Ctrl-R) in progress. */
  #search: {
    query: string;
    /** History index of the match shown (#history.length: none yet). */
    index: number;
    failed: boolean;
    prompt: string;
    line: string;
  } | null = null;
  /** The last search's text, for Ctrl-R Ctrl-R. */
  #lastQuery = '';

  constructor(opts: EditorOptions) {
    this.#cols = sanitizeCols(opts.cols);
    this.#historySize = Math.max(0, opts.historySize ?? 500);
  }

  get reading(): boolean {
    return this.#reading;
  }

  /** The prompt shown (during a Ctrl-R search, the search's). */
  get prompt(): string {
    return this.#prompt;
  }

  /** The line typed so far. */
  get line(): string {
    return this.#buf.map((c) => c.text).join('');
  }

  /** The cursor, as a UTF-16 offset into `line`. */
  get cursor(): number {
    let n = 0;
    for (let i = 0; i < this.#cursor; i++) n += this.#buf[i]!.text.length;
    return n;
  }

  /**
   * Shows `prompt` (one line, no CR/LF; ANSI colour codes are fine) and starts
   * reading a line. `echo: false` (passwords) shows nothing typed and keeps no
   * history; `history: false` keeps no history. If a line was already being
   * read, its prompt and text are erased first and the text is discarded.
   * `keepRest: false` (a command's own question, like docker login's): what
   * follows the answer in a paste is dropped, never kept as pending input, so a
   * pasted password can never run as a command.
   */
  start(prompt: string, opts: {echo?: boolean; history?: boolean; keepRest?: boolean} = {}): string {
    const erase = this.#reading ? this.#eraseOutput() : '';
    this.#search = null;
    this.#keepRest = opts.keepRest ?? true;
    this.#reading = true;
    this.#echo = opts.echo ?? true;
    this.#recordHistory = this.#echo && (opts.history ?? true);
    this.#setPrompt(prompt);
    this.#setLine('');
    this.#historyPos = this.#history.length;
    this.#drafts.clear();
    return erase + this.#paint();
  }

  /** Replaces the prompt while reading, keeping the typed text; returns the redraw. */
  setPrompt(prompt: string): string {
    if (this.#search) {
      // The search's prompt stays (redrawn); the new one comes back when the search ends.
      this.#search.prompt = prompt;
      return this.#eraseOutput() + this.#paint();
    }
    if (!this.#reading) {
      this.#setPrompt(prompt);
      return '';
    }
    const erase = this.#eraseOutput();
    this.#setPrompt(prompt);
    return erase + this.#paint();
  }

  /**
   * Accepts `line` as if the reader had typed it and pressed Enter: whatever
   * was half typed is replaced, the prompt and `line` are shown, and `line`
   * goes into history (unless `history: false`). Unlike feed(), nothing is
   * interpreted, dropped or cut: the caller has validated `line` (one line, no
   * control characters). Returns the output; the editor stops reading.
   */
  submit(line: string, opts: {history?: boolean} = {}): string {
    if (!this.#reading) throw new Error('submit() needs a prompt that is reading');
    const erase = this.#eraseOutput();
    if (this.#search) {
      this.#setPrompt(this.#search.prompt);
      this.#search = null;
    }
    this.#setLine(line);
    const recordHistory = this.#recordHistory;
    if (opts.history === false) this.#recordHistory = false;
    const out = erase + this.#paint() + this.#accept([]);
    this.#recordHistory = recordHistory;
    return out;
  }

  /** Drops the most recent history entry (e.g. a line that held a password). */
  forgetLastHistoryEntry(): void {
    this.#history.pop();
    this.#historyPos = Math.min(this.#historyPos, this.#history.length);
    this.#drafts.clear();
  }

  /** The history, oldest first (a copy). */
  get history(): readonly string[] {
    return [...this.#history];
  }

  /** Whether input that followed an accepted line waits for the next prompt. */
  get hasPending(): boolean {
    return this.#pending !== '';
  }

  /** The input that followed the last accepted line (to feed() at the next prompt); clears it. */
  takePending(): string {
    const rest = this.#pending;
    this.#pending = '';
    this.#pendingCut = false;
    return rest;
  }

  /**
   * Drops the pending input (the command before it failed); returns how many
   * non-blank lines it held (a last line without its line end counts) and
   * whether more had been dropped already at the size bound.
   */
  discardPending(): {lines: number; cut: boolean} {
    const lines = this.#pending.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '').length;
    const cut = this.#pendingCut;
    this.takePending();
    return {lines, cut};
  }

  #keepPending(data: string): void {
    const room = MAX_PENDING_INPUT - this.#pending.length;
    if (data.length > room) this.#pendingCut = true;
    this.#pending += data.slice(0, Math.max(0, room));
  }

  feed(data: string): {output: string; events: EditorEvent[]} {
    const events: EditorEvent[] = [];
    if (!this.#reading) {
      if (data.includes('\x03')) this.takePending();
      else if (this.#pending !== '') this.#keepPending(data);
      for (const ch of data) if (ch === '\x03') events.push({type: 'interrupt'});
      return {output: '', events};
    }
    let out = '';
    this.#bell = false;
    this.#batch = true;
    this.#fastOps = 0;
    this.#work = 0;
    let i = 0;
    while (i < data.length && this.#reading) {
      if (this.#work > WORK_PER_FEED) {
        this.#bell = true;
        break;
      }
      const ch = data[i]!;
      const code = ch.charCodeAt(0);
      if (ch === ESC) {
        const seq = readEscape(data, i);
        i = seq.end;
        out += this.#search ? this.#searchKey(seq.key, events) : this.#onKey(seq.key, events);
        continue;
      }
      if (code < 0x20 || code === 0x7f) {
        i++;
        if (ch === '\r' && data[i] === '\n') i++;
        const key = controlKey(ch);
        out += this.#search ? this.#searchKey(key, events) : this.#onKey(key, events);
        continue;
      }
      if (code >= 0x80 && code <= 0x9f) {
        i++; // C1 controls: never inserted
        continue;
      }
      // A run of printable text (typing or a paste) is inserted in one go.
      let j = i;
      while (j < data.length) {
        const c = data.charCodeAt(j);
        if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) break;
        j++;
      }
      out += this.#search ? this.#searchType(data.slice(i, j)) : this.#insert(data.slice(i, j));
      i = j;
    }
    // The rest of a multi-line paste waits for the next prompt (a Ctrl-C dropped it: see #onKey).
    if (!this.#reading && this.#keepRest && i < data.length && events[events.length - 1]?.type === 'line') {
      this.#keepPending(data.slice(i));
    }
    this.#batch = false;
    if (this.#reading) out += this.#sync();
    // One bell per feed, however much input was refused.
    if (this.#bell) out += BELL;
    return {output: out, events};
  }

  /** The terminal now has `cols` columns; redraws the line being read. */
  resize(cols: number): string {
    const next = sanitizeCols(cols);
    if (next === this.#cols) return '';
    // The rows holding the cursor are not reflowed by xterm.js (reflowCursorLine
    // is off by default), so the old #screen.row still leads back to the prompt.
    const erase = this.#reading ? this.#eraseOutput() : '';
    this.#cols = next;
    return this.#reading ? erase + this.#paint() : '';
  }

  /** Clears the screen and scrollback; redraws the prompt and line if reading. */
  clearScreen(): string {
    return CLEAR_SCREEN + (this.#reading ? this.#paint() : '');
  }

  // ---------------------------------------------------------------- keys

  /** Brings the screen up to date with the line and cursor (after batched keys). */
  #sync(): string {
    if (this.#dirty) {
      this.#dirty = this.#moved = false;
      return this.#eraseOutput() + this.#paint();
    }
    if (this.#moved) {
      this.#moved = false;
      const pos = this.#posOf(this.#cursor);
      // After a text that fills its last row the cursor belongs on the row below,
      // which may not exist yet (CUD does not scroll): paint() makes it.
      if (pos.row > lastCellRow(this.#widths(), this.#cols)) return this.#eraseOutput() + this.#paint();
      return this.#moveTo(pos);
    }
    return '';
  }

  #onKey(key: Key, events: EditorEvent[]): string {
    switch (key) {
      case 'enter':
        return this.#sync() + this.#accept(events);
      case 'interrupt': {
        const out = this.#sync() + this.#moveToEnd() + '^C\r\n';
        this.takePending();
        this.#reading = false;
        this.#drafts.clear();
        events.push({type: 'interrupt'});
        return out;
      }
      case 'eof-or-delete':
        if (this.#buf.length === 0) {
          events.push({type: 'eof'});
          return '';
        }
        return '';
      case 'clear':
        this.#dirty = this.#moved = false;
        return this.clearScreen();
      case 'backspace':
        return this.#backspace();
      case 'delete':
        return this.#cursor < this.#buf.length ? this.#edit(this.#cursor, this.#cursor + 1, '', this.#cursor) : '';
      case 'left':
        return this.#moveCursor(this.#cursor - 1);
      case 'right':
        return this.#moveCursor(this.#cursor + 1);
      case 'home':
        return this.#moveCursor(0);
      case 'end':
        return this.#moveCursor(this.#buf.length);
      case 'word-left':
        return this.#moveCursor(this.#wordStart(this.#cursor));
      case 'word-right':
        return this.#moveCursor(this.#wordEnd(this.#cursor));
      case 'up':
        return this.#recall(this.#historyPos - 1);
      case 'down':
        return this.#recall(this.#historyPos + 1);
      case 'kill-start':
        return this.#killRange(0, this.#cursor);
      case 'kill-end':
        return this.#killRange(this.#cursor, this.#buf.length);
      case 'kill-word-back': {
        let start = this.#cursor;
        while (start > 0 && isSpace(this.#buf[start - 1]!.text)) start--;
        while (start > 0 && !isSpace(this.#buf[start - 1]!.text)) start--;
        return this.#killRange(start, this.#cursor);
      }
      case 'kill-word-back-alnum':
        return this.#killRange(this.#wordStart(this.#cursor), this.#cursor);
      case 'kill-word-forward':
        return this.#killRange(this.#cursor, this.#wordEnd(this.#cursor));
      case 'yank':
        return this.#kill === '' ? '' : this.#insert(this.#kill);
      case 'reverse-search':
        return this.#startSearch();
      case 'abort':
      case 'ignore':
        return '';
    }
  }

  // ---------------------------------------------------------------- reverse search (Ctrl-R)

  #startSearch(): string {
    if (!this.#recordHistory || !this.#echo) {
      this.#bell = true; // no history here (a password or login prompt)
      return '';
    }
    this.#search = {query: '', index: this.#history.length, failed: false, prompt: this.#prompt, line: this.line};
    return this.#showSearch();
  }

  /** Typing during a search: narrows it, from the match shown back. */
  #searchType(text: string): string {
    const s = this.#search!;
    s.query += text;
    this.#findMatch(Math.min(s.index, this.#history.length - 1));
    return this.#showSearch();
  }

  #searchKey(key: Key, events: EditorEvent[]): string {
    const s = this.#search!;
    switch (key) {
      case 'reverse-search':
        if (s.query === '') s.query = this.#lastQuery;
        if (s.query !== '') this.#findMatch(s.index - 1);
        return this.#showSearch();
      case 'backspace':
        if (s.query === '') return '';
        s.query = [...s.query].slice(0, -1).join('');
        s.index = this.#history.length;
        if (s.query === '') {
          s.failed = false;
          this.#setLine(s.line);
        } else this.#findMatch(this.#history.length - 1);
        return this.#showSearch();
      case 'abort': {
        // Ctrl-G: back to the line as it was before the search.
        const line = s.line;
        const out = this.#endSearch();
        this.#setLine(line);
        return out + this.#redraw();
      }
      case 'ignore':
        // Escape (and swallowed sequences) end the search, keeping the match.
        return this.#endSearch() + this.#redraw();
      default:
        // Any other key (Enter, Ctrl-C, a cursor key) acts on the match.
        return this.#endSearch() + this.#onKey(key, events);
    }
  }

  /** Shows the most recent history line at or before `from` that holds the query (bell if none). */
  #findMatch(from: number): void {
    const s = this.#search!;
    for (let i = Math.min(from, this.#history.length - 1); i >= 0; i--) {
      this.#work += this.#history[i]!.length;
      const at = this.#history[i]!.lastIndexOf(s.query);
      if (at < 0) continue;
      s.index = i;
      s.failed = false;
      this.#setLine(this.#history[i]!);
      // The cursor on the match, as bash puts it.
      this.#cursor = toClusters(this.#history[i]!.slice(0, at)).length;
      return;
    }
    s.failed = true;
    this.#bell = true;
  }

  #showSearch(): string {
    const s = this.#search!;
    this.#setPrompt(`(${s.failed ? 'failed ' : ''}reverse-i-search)\`${s.query}': `);
    return this.#redraw();
  }

  /** Leaves the search: the prompt comes back, the match stays as the line being edited. */
  #endSearch(): string {
    const s = this.#search!;
    if (s.query !== '') this.#lastQuery = s.query;
    this.#search = null;
    this.#setPrompt(s.prompt);
    this.#historyPos = this.#history.length;
    this.#drafts.clear();
    this.#dirty = true;
    return '';
  }

  #accept(events: EditorEvent[]): string {
    const line = this.line;
    const out = this.#moveToLastRow() + '\r\n';
    this.#reading = false;
    if (this.#recordHistory && line.trim() !== '' && line !== this.#history[this.#history.length - 1]) {
      this.#history.push(line);
      if (this.#history.length > this.#historySize) {
        this.#history.splice(0, this.#history.length - this.#historySize);
      }
    }
    this.#drafts.clear();
    this.#historyPos = this.#history.length;
    events.push({type: 'line', line});
    return out;
  }

  #recall(pos: number): string {
    if (!this.#recordHistory || pos < 0 || pos > this.#history.length || pos === this.#historyPos) return '';
    // Drafts keep the clusters themselves: going back and forth costs nothing per key.
    this.#drafts.set(this.#historyPos, {buf: this.#buf, length: this.#length});
    this.#historyPos = pos;
    const draft = this.#drafts.get(pos);
    if (draft) {
      this.#buf = draft.buf;
      this.#length = draft.length;
      this.#cursor = this.#buf.length;
    } else this.#setLine(this.#history[pos] ?? '');
    return this.#redraw();
  }

  #backspace(): string {
    if (this.#cursor === 0) return '';
    const at = this.#cursor - 1;
    const removed = this.#buf[at]!;
    // Fast path: deleting at the end of the line, within the cursor's row.
    if (this.#echo && this.#cursor === this.#buf.length && removed.width > 0 && this.#mayEchoNow()) {
      const start = this.#posOf(at);
      if (start.row === this.#screen.row && start.col > 0 && start.col === this.#screen.col - removed.width) {
        this.#buf.pop();
        this.#length -= removed.text.length;
        this.#cursor--;
        this.#screen = start;
        return `${CSI}${removed.width}D${CSI}K`;
      }
    }
    return this.#edit(at, at + 1, '', at);
  }

  #killRange(from: number, to: number): string {
    if (from >= to) return '';
    this.#work += to - from;
    this.#kill = this.#buf
      .slice(from, to)
      .map((c) => c.text)
      .join('');
    return this.#edit(from, to, '', from);
  }

  /** Inserts printable text at the cursor, as far as the length limit allows. */
  #insert(text: string): string {
    let room = MAX_LINE_LENGTH - this.#length;
    let accepted = '';
    for (const ch of text) {
      if (ch.length > room) {
        this.#bell = true;
        break;
      }
      accepted += ch;
      room -= ch.length;
    }
    if (accepted === '') return '';
    const added = toClusters(accepted);
    // Fast path: typing at the end of a line, staying on the cursor's row.
    const addedWidth = added.reduce((w, c) => w + c.width, 0);
    const atEnd = this.#cursor === this.#buf.length;
    const joinsPrevious = added[0]!.width === 0 && this.#buf.length > 0;
    if (this.#echo && atEnd && !joinsPrevious && added.every((c) => c.width > 0) && this.#mayEchoNow()) {
      const end = this.#posOf(this.#buf.length);
      if (end.row === this.#screen.row && end.col === this.#screen.col && end.col + addedWidth < this.#cols) {
        this.#buf.push(...added);
        this.#length += accepted.length;
        this.#cursor = this.#buf.length;
        this.#screen = {row: end.row, col: end.col + addedWidth};
        return accepted;
      }
    }
    // Place the cursor after the inserted text (clusters may have merged).
    this.#cursor = this.#splice(this.#cursor, this.#cursor, added, accepted.length);
    return this.#redraw();
  }

  /** Replaces clusters [from, to) with `text`, sets the cursor, redraws. */
  #edit(from: number, to: number, text: string, cursor: number): string {
    this.#splice(from, to, toClusters(text), text.length);
    this.#cursor = Math.min(cursor, this.#buf.length);
    return this.#redraw();
  }

  /**
   * Replaces clusters [from, to) with `added` (`units` UTF-16 code units) in
   * place, merging a zero-width cluster into the one before it as
   * toClusters() would. Returns the index just after the added clusters.
   */
  #splice(from: number, to: number, added: Cluster[], units: number): number {
    this.#work += this.#buf.length - from + added.length;
    for (let i = from; i < to; i++) this.#length -= this.#buf[i]!.text.length;
    this.#buf.splice(from, to - from, ...added);
    this.#length += units;
    let end = from + added.length;
    const merge = (i: number): boolean => {
      if (i <= 0 || i >= this.#buf.length || this.#buf[i]!.width !== 0) return false;
      this.#buf[i - 1] = {text: this.#buf[i - 1]!.text + this.#buf[i]!.text, width: this.#buf[i - 1]!.width};
      this.#buf.splice(i, 1);
      return true;
    };
    if (merge(from)) end--;
    merge(end);
    return end;
  }

  /** Redraws prompt and line after an edit (nothing while not echoing: the screen shows no text). */
  #redraw(): string {
    if (!this.#echo) return '';
    if (this.#batch) {
      this.#dirty = true;
      return '';
    }
    return this.#eraseOutput() + this.#paint();
  }

  /** A fast-path echo is allowed: the screen shows the line as it is, and this frame has used few. */
  #mayEchoNow(): boolean {
    if (this.#dirty || this.#moved) return false;
    if (this.#batch && ++this.#fastOps > MAX_FAST_ECHOES) return false;
    return true;
  }

  #moveCursor(index: number): string {
    const target = Math.max(0, Math.min(index, this.#buf.length));
    if (target === this.#cursor) return '';
    this.#cursor = target;
    if (!this.#echo) return '';
    if (this.#batch) {
      this.#moved = true;
      return '';
    }
    const pos = this.#posOf(target);
    // After a text that fills its last row the cursor belongs on the row below,
    // which may not exist yet (CUD does not scroll): paint() makes it.
    if (pos.row > lastCellRow(this.#widths(), this.#cols)) return this.#redraw();
    return this.#moveTo(pos);
  }

  #wordStart(from: number): number {
    let i = from;
    while (i > 0 && !isWordChar(this.#buf[i - 1]!.text)) i--;
    while (i > 0 && isWordChar(this.#buf[i - 1]!.text)) i--;
    return i;
  }

  #wordEnd(from: number): number {
    let i = from;
    while (i < this.#buf.length && !isWordChar(this.#buf[i]!.text)) i++;
    while (i < this.#buf.length && isWordChar(this.#buf[i]!.text)) i++;
    return i;
  }

  // ---------------------------------------------------------------- state

  #setPrompt(prompt: string): void {
    this.#prompt = prompt;
    this.#promptWidths = [];
    for (const ch of stripEscapes(prompt)) this.#promptWidths.push(charWidth(ch.codePointAt(0)!));
  }

  #setLine(text: string): void {
    this.#work += text.length;
    this.#buf = toClusters(text);
    this.#length = text.length;
    this.#cursor = this.#buf.length;
  }

  // ---------------------------------------------------------------- rendering

  /**
   * Cell widths in screen order: the prompt's, then the line's (nothing when
   * not echoing), and how many of them belong to the prompt.
   */
  #widths(): number[] {
    const line = this.#echo ? this.#buf.map((c) => c.width) : [];
    return [...this.#promptWidths, ...line];
  }

  /** Where the cursor sits when it is before cluster `index` (index = length: after the text). */
  #posOf(index: number): Pos {
    const widths = this.#widths();
    const k = this.#echo ? this.#promptWidths.length + index : this.#promptWidths.length;
    return layout(widths, this.#cols, k);
  }

  /** Moves the cursor after the text, onto a row of its own if the text fills its last row. */
  #moveToEnd(): string {
    const end = this.#posOf(this.#buf.length);
    const widths = this.#widths();
    const pending = layout(widths, this.#cols, widths.length, false).col >= this.#cols;
    if (!pending || (this.#screen.row === end.row && this.#screen.col === end.col)) return this.#moveTo(end);
    // The row after a full last row may not exist yet (CUD does not scroll): make it with a newline.
    const out = this.#moveToLastRow() + '\r\n';
    this.#screen = end;
    return out;
  }

  /** Moves the terminal cursor from #screen to `to` (both inside the drawn text). */
  #moveTo(to: Pos): string {
    let out = '';
    const from = this.#screen;
    if (to.row < from.row) out += `${CSI}${from.row - to.row}A`;
    else if (to.row > from.row) out += `${CSI}${to.row - from.row}B`;
    if (to.row === from.row && to.col < from.col) out += `${CSI}${from.col - to.col}D`;
    else if (to.row === from.row && to.col > from.col) out += `${CSI}${to.col - from.col}C`;
    else if (to.row !== from.row && to.col !== from.col) out += '\r' + (to.col > 0 ? `${CSI}${to.col}C` : '');
    this.#screen = to;
    return out;
  }

  /** Before Enter: to the last row of the text, so "\r\n" starts a fresh row below it. */
  #moveToLastRow(): string {
    const widths = this.#widths();
    const last = lastCellRow(widths, this.#cols);
    if (last === this.#screen.row) return '';
    const out =
      last < this.#screen.row ? `${CSI}${this.#screen.row - last}A` : `${CSI}${last - this.#screen.row}B`;
    this.#screen = {row: last, col: this.#screen.col};
    return out;
  }

  /** Erases the prompt and line from the screen; the cursor ends at the prompt's start. */
  #eraseOutput(): string {
    const up = this.#screen.row > 0 ? `${CSI}${this.#screen.row}A` : '';
    this.#screen = {row: 0, col: 0};
    return `${up}\r${CSI}J`;
  }

  /** Draws prompt + line from the prompt's first cell and places the cursor. */
  #paint(): string {
    const text = this.#echo ? this.line : '';
    let out = this.#prompt + text;
    const widths = this.#widths();
    const end = layout(widths, this.#cols, widths.length, false);
    const target = this.#posOf(this.#cursor);
    if (end.col >= this.#cols) {
      // Pending wrap: the cursor is on the last column until something is printed.
      if (target.row > end.row) {
        out += ' \r';
        this.#screen = {row: end.row + 1, col: 0};
        return out;
      }
      // Leave that state with an explicit column (from it, printing would wrap first).
      if (target.row < end.row) out += `${CSI}${end.row - target.row}A`;
      out += '\r' + (target.col > 0 ? `${CSI}${target.col}C` : '');
      this.#screen = target;
      return out;
    }
    this.#screen = end;
    out += this.#moveTo(target);
    return out;
  }
}

// ------------------------------------------------------------------ layout

function sanitizeCols(cols: number): number {
  return Number.isFinite(cols) ? Math.max(2, Math.floor(cols)) : 80;
}

/**
 * The cell where the k-th entry of `widths` starts (k = widths.length: where
 * the next character would go). As xterm.js: a character that does not fit on
 * the row wraps whole to the next one; zero-width ones stay with the previous.
 * With `normalize` a position past the last column becomes the next row's start.
 */
function layout(widths: number[], cols: number, k: number, normalize = true): Pos {
  let row = 0;
  let col = 0;
  for (let i = 0; i < k; i++) {
    const w = widths[i]!;
    if (w === 0) continue;
    if (col + w > cols) {
      row++;
      col = 0;
    }
    col += w;
  }
  // A wide character that starts here may wrap: the cursor shows where it will be drawn.
  const next = widths[k];
  if (normalize && (col >= cols || (next !== undefined && next > 0 && col + next > cols))) {
    return {row: row + 1, col: 0};
  }
  return {row, col};
}

/** The row of the last drawn cell (0 when nothing is drawn). */
function lastCellRow(widths: number[], cols: number): number {
  let row = 0;
  let col = 0;
  for (const w of widths) {
    if (w === 0) continue;
    if (col + w > cols) {
      row++;
      col = 0;
    }
    col += w;
  }
  return row;
}

// ------------------------------------------------------------------ input decoding

type Key =
  | 'enter'
  | 'interrupt'
  | 'eof-or-delete'
  | 'clear'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'word-left'
  | 'word-right'
  | 'up'
  | 'down'
  | 'kill-start'
  | 'kill-end'
  | 'kill-word-back'
  | 'kill-word-back-alnum'
  | 'kill-word-forward'
  | 'yank'
  | 'reverse-search'
  | 'abort'
  | 'ignore';

function controlKey(ch: string): Key {
  switch (ch) {
    case '\r':
    case '\n':
      return 'enter';
    case '\x03':
      return 'interrupt';
    case '\x04':
      return 'eof-or-delete';
    case '\x0c':
      return 'clear';
    case '\x7f':
    case '\b':
      return 'backspace';
    case '\x01':
      return 'home';
    case '\x05':
      return 'end';
    case '\x02':
      return 'left';
    case '\x06':
      return 'right';
    case '\x10':
      return 'up';
    case '\x0e':
      return 'down';
    case '\x15':
      return 'kill-start';
    case '\x0b':
      return 'kill-end';
    case '\x17':
      return 'kill-word-back';
    case '\x19':
      return 'yank';
    case '\x12':
      return 'reverse-search';
    case '\x07':
      return 'abort';
    default:
      return 'ignore'; // Tab (no completion here) and the other controls
  }
}

/** Reads the escape sequence starting at data[i] (an ESC); returns the key and where it ends. */
function readEscape(data: string, i: number): {key: Key; end: number} {
  const next = data[i + 1];
  if (next === undefined) return {key: 'ignore', end: i + 1}; // the Escape key
  if (next === '[') {
    let j = i + 2;
    const paramStart = j;
    while (j < data.length && isBetween(data.charCodeAt(j), 0x30, 0x3f)) j++;
    const params = data.slice(paramStart, j);
    while (j < data.length && isBetween(data.charCodeAt(j), 0x20, 0x2f)) j++;
    const final = data[j];
    if (final === undefined || !isBetween(final.charCodeAt(0), 0x40, 0x7e)) {
      return {key: 'ignore', end: j}; // cut short or malformed: swallow what was read
    }
    return {key: csiKey(params, final), end: j + 1};
  }
  if (next === 'O') {
    const final = data[i + 2];
    if (final === undefined) return {key: 'ignore', end: i + 2};
    const key: Key =
      ({A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end'} as Record<string, Key>)[final] ?? 'ignore';
    return {key, end: i + 2 + (isBetween(final.charCodeAt(0), 0x20, 0x7e) ? 1 : 0)};
  }
  if (next === ']' || next === 'P' || next === '_' || next === '^' || next === 'X') {
    // OSC / DCS / APC / PM / SOS string (e.g. a terminal's reply): up to BEL or ESC \.
    let j = i + 2;
    while (j < data.length) {
      if (data[j] === BELL) return {key: 'ignore', end: j + 1};
      if (data[j] === ESC) return {key: 'ignore', end: data[j + 1] === '\\' ? j + 2 : j};
      j++;
    }
    return {key: 'ignore', end: j};
  }
  if (next === '\x7f' || next === '\b') return {key: 'kill-word-back-alnum', end: i + 2};
  const code = next.charCodeAt(0);
  if (code < 0x20 || next === ESC) return {key: 'ignore', end: i + 1}; // a lone ESC
  // Alt+key (ESC + character).
  const alt = String.fromCodePoint(data.codePointAt(i + 1)!);
  const key: Key = ({b: 'word-left', f: 'word-right', d: 'kill-word-forward'} as Record<string, Key>)[alt] ?? 'ignore';
  return {key, end: i + 1 + alt.length};
}

function csiKey(params: string, final: string): Key {
  const mods = params.split(';')[1];
  const word = mods === '3' || mods === '5'; // Alt or Ctrl
  switch (final) {
    case 'A':
      return 'up';
    case 'B':
      return 'down';
    case 'C':
      return word ? 'word-right' : 'right';
    case 'D':
      return word ? 'word-left' : 'left';
    case 'H':
      return 'home';
    case 'F':
      return 'end';
    case '~':
      switch (params.split(';')[0]) {
        case '1':
        case '7':
          return 'home';
        case '4':
        case '8':
          return 'end';
        case '3':
          return 'delete';
        default:
          return 'ignore'; // Insert, PageUp/Down, F-keys, bracketed-paste marks
      }
    default:
      return 'ignore';
  }
}

function isBetween(c: number, lo: number, hi: number): boolean {
  return c >= lo && c <= hi;
}

function isSpace(s: string): boolean {
  return s === ' ';
}

function isWordChar(s: string): boolean {
  return /^[\p{L}\p{N}_]/u.test(s);
}

// ------------------------------------------------------------------ text and widths

function toClusters(text: string): Cluster[] {
  const out: Cluster[] = [];
  for (const ch of text) {
    const w = charWidth(ch.codePointAt(0)!);
    const last = out[out.length - 1];
    if (w === 0 && last !== undefined) {
      last.text += ch;
    } else {
      out.push({text: ch, width: w});
    }
  }
  return out;
}
