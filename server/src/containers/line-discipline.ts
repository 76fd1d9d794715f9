/**
 * `docker run -i` without `-t`: the container's stdin is a pipe, so the
 * reader's terminal does what a host terminal in cooked mode does for the
 * docker CLI: echo, Backspace, Enter sends the line, Ctrl-D on an empty line
 * closes stdin (EOF), Ctrl-C interrupts. Pure: unit-tested.
 */
export interface CookedResult {
  /** Bytes for the terminal (echo). */
  echo: string;
  /** Text for the container's stdin. */
  send: string;
  /** Ctrl-D on an empty line: close stdin. */
  eof: boolean;
  /** Ctrl-C. */
  interrupt: boolean;
}

export class CookedLine {
  #line = '';

  feed(data: string): CookedResult {
    const r: CookedResult = {echo: '', send: '', eof: false, interrupt: false};
    for (const ch of data.replace(/\x1b\[[0-9;?]*[A-Za-z~]|\x1b[O][A-Za-z]/g, '')) {
      if (ch === '\r' || ch === '\n') {
        r.send += this.#line + '\n';
        r.echo += '\r\n';
        this.#line = '';
      } else if (ch === '\x7f' || ch === '\b') {
        const chars = [...this.#line];
        if (chars.length > 0) {
          chars.pop();
          this.#line = chars.join('');
          r.echo += '\b \b';
        }
      } else if (ch === '\x04') {
        if (this.#line === '') {
          r.eof = true;
          return r;
        }
        r.send += this.#line;
        this.#line = '';
      } else if (ch === '\x03') {
        r.echo += '^C\r\n';
        r.interrupt = true;
        this.#line = '';
        return r;
      } else if (ch === '\x15') {
        r.echo += '\b \b'.repeat([...this.#line].length);
        this.#line = '';
      } else if (ch >= ' ' || ch === '\t') {
        this.#line += ch;
        r.echo += ch;
      }
    }
    return r;
  }
}
