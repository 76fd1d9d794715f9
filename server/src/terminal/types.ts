/**
 * The terminal as commands, renderers and containers write to it: the contract below its users
 * (commands/, render/, containers/, session/ import it; it imports nothing of theirs).
 */

/** The terminal as a command sees it. */
export interface Terminal {
  /** Write text (ANSI allowed, `\r\n` line ends). */
  write(text: string): void;
  /** Null when the page has room for more output; else resolves when it has (flow control). */
  room(): Promise<void> | null;
  /** Ask for a line at `prompt`; `echo: false` hides what is typed. Null when the reader pressed Ctrl-C. */
  readLine(prompt: string, opts?: {echo?: boolean}): Promise<string | null>;
  /** Clear the screen and the scrollback. */
  clear(): void;
  readonly cols: number;
  /** Rows of the page's terminal (absent: 24). */
  readonly rows?: number;
  /**
   * Attach the reader's keyboard to `sink` (an interactive container's TTY):
   * keystrokes and size changes go there, raw, instead of to the line editor
   * (Ctrl-C, Ctrl-D are bytes then), until the returned function releases it.
   * Absent where no page drives the terminal.
   */
  takeInput?(sink: RawInput): () => void;
  /**
   * The rest of a multi-line paste that followed this command's line (kept for the next prompt
   * otherwise): a container that started takes it, as a shell's would. Empty when there is none.
   */
  takePasted?(): string;
}

/** Where the keyboard goes while a command holds it (Terminal.takeInput). */
export interface RawInput {
  data(text: string): void;
  resize(cols: number, rows: number): void;
}

/** Exit status of a command stopped by Ctrl-C, as a shell reports SIGINT. */
export const EXIT_INTERRUPTED = 130;
