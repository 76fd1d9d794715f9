/**
 * Text an engine relays from a reader's process (a build step's log, a container's output) reaches the
 * reader's xterm.js, which acts on terminal *string* sequences: OSC (hyperlinks, titles, colours,
 * clipboard), DCS, SOS, PM and APC, each `ESC ]`/`ESC P`/`ESC X`/`ESC ^`/`ESC _` (or the C1 character)
 * up to BEL or ST. A step could print an OSC 8 `javascript:` link into the page or ask for the
 * clipboard: the lab removes every string sequence whole and keeps the rest (CSI colours, cursor
 * moves, plain text), as the docker CLI would print it.
 *
 * Streaming: a sequence may be split across chunks, so the filter keeps its state between pushes.
 * A string ends at BEL, ST (`ESC \` or U+009C), CAN, SUB or a line feed (kept: it is the text's own
 * line structure). Since the introducer never reaches the terminal, the terminal never enters a
 * string state whatever follows. Written by hand: no maintained package streams this for xterm.js'
 * parser (strip-ansi works on whole strings and keeps nothing of CSI).
 */
const ESC = '\x1b';
/** The final character after ESC that opens a string sequence. */
const ESC_STRING_OPENERS = new Set([']', 'P', 'X', '^', '_']);
/** The C1 characters that open one (DCS, SOS, OSC, PM, APC). */
const C1_STRING_OPENERS = new Set(['\x90', '\x98', '\x9d', '\x9e', '\x9f']);
/** What ends a string (besides ESC \). */
const STRING_ENDS = new Set(['\x07', '\x9c', '\x18', '\x1a']);

export class StringSequenceFilter {
  #inString = false;
  /** The previous chunk ended with ESC: its meaning depends on the next character. */
  #pendingEsc = false;

  push(chunk: string): string {
    let text = chunk;
    if (this.#pendingEsc) {
      text = ESC + text;
      this.#pendingEsc = false;
    }
    let out = '';
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === ESC && i === text.length - 1) {
        this.#pendingEsc = true;
        break;
      }
      if (this.#inString) {
        if (ch === ESC) {
          // ESC \ is ST; any other ESC cancels the string and is read again outside it (it may open another).
          this.#inString = false;
          if (text[i + 1] === '\\') i += 2;
          continue;
        }
        if (STRING_ENDS.has(ch)) this.#inString = false;
        else if (ch === '\n') {
          this.#inString = false;
          out += ch;
        }
        i++;
        continue;
      }
      if (ch === ESC && ESC_STRING_OPENERS.has(text[i + 1]!)) {
        this.#inString = true;
        i += 2;
        continue;
      }
      if (ch === ESC && (text[i + 1] === ESC || C1_STRING_OPENERS.has(text[i + 1]!))) {
        // The terminal drops an ESC that another ESC or a C1 control follows; kept, it would meet
        // whatever follows the sequence removed next (ESC + `]`: an OSC again).
        i++;
        continue;
      }
      if (C1_STRING_OPENERS.has(ch)) {
        this.#inString = true;
        i++;
        continue;
      }
      out += ch;
      i++;
    }
    return out;
  }

  /** The end of the text: an ESC held back for the next chunk, as it was (it opens nothing). */
  flush(): string {
    const held = this.#pendingEsc && !this.#inString ? ESC : '';
    this.#pendingEsc = false;
    this.#inString = false;
    return held;
  }
}

/** The same for a whole text at once. */
export function stripStringSequences(text: string): string {
  const f = new StringSequenceFilter();
  return f.push(text) + f.flush();
}
