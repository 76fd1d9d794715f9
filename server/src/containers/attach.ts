/**
 * A created container attached to the reader's terminal, from start to end:
 * its output to the terminal (flow controlled: the engine's stream pauses
 * while the page is behind), the keyboard to its stdin when interactive,
 * resizes to its TTY, Ctrl-C and the session's end to a signal, and the lab's
 * wall-clock limit. Resolves with the container's exit status.
 */
import type {Engine} from '../engine';
import {EngineError} from '../engine';
import {CookedLine} from './line-discipline';
import {containerOutput} from './output';
import {EXIT_INTERRUPTED, type Terminal} from '../terminal/types';

export interface AttachRequest {
  engine: Engine;
  id: string;
  term: Terminal;
  /** Ctrl-C (when the keyboard is not the container's), the session's end. */
  signal: AbortSignal;
  tty: boolean;
  interactive: boolean;
  timeoutMs: number;
  warningMs: number;
  /** The engine refused to start it: print, return the exit status. */
  onStartError(message: string): number;
  warn(text: string): void;
  timedOut(): void;
}

/**
 * What a full-screen program may leave switched on in the page's terminal
 * (alternate screen, mouse reporting, bracketed paste, application keys,
 * hidden cursor, colours): switched off when the container ends.
 */
export const TERMINAL_RESTORE = '\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1l\x1b>\x1b[?25h\x1b[0m';
/** Leaving the alternate screen (restores the cursor too): only sent when the container left it on. */
export const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const ALTERNATE_SCREEN_RE = /\x1b\[\?(?:1049|1047|47)([hl])/g;

/** After the container ended, its output still buffered is waited for this long. */
const DRAIN_MS = 5000;
/** Ctrl-C sends SIGINT; a container still running this long after is stopped. */
const INTERRUPT_GRACE_MS = 3000;

export async function attachContainer(req: AttachRequest): Promise<number> {
  const {engine, id, term} = req;
  const stream = await engine.attachContainer(id, {stdin: req.interactive});
  const waitAbort = new AbortController();
  const exited = engine.waitContainer(id, 'removed', waitAbort.signal);
  exited.catch(() => undefined); // awaited below, or abandoned when start fails

  // Output: raw TTY bytes, or the multiplexed stdout/stderr of a container without a TTY.
  let alternateScreen = false;
  const output = containerOutput(req.tty, (text) => {
    if (req.tty) for (const m of text.matchAll(ALTERNATE_SCREEN_RE)) alternateScreen = m[1] === 'h';
    term.write(text);
  });
  stream.on('data', (chunk: Buffer) => {
    output.push(chunk);
    const wait = term.room();
    if (wait) {
      stream.pause();
      void wait.then(() => stream.resume());
    }
  });
  const streamEnded = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });

  // The keyboard: the TTY's (bytes as they are) or a cooked line over the pipe. Taken before the
  // start, so keys typed while the container starts go to it (held until it runs), not to the prompt.
  let release: (() => void) | undefined;
  let held: string[] | null = [];
  let heldEof = false;
  let interruptTimer: NodeJS.Timeout | undefined;
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    void engine.killContainer(id, 'SIGINT').catch(() => undefined);
    interruptTimer ??= setTimeout(() => void engine.stopContainer(id, 1).catch(() => undefined), INTERRUPT_GRACE_MS);
  };
  let keyboard: ((text: string) => void) | undefined;
  if (req.interactive && term.takeInput) {
    const writable = stream as NodeJS.ReadWriteStream & {writable?: boolean};
    const send = (text: string) => {
      if (held) held.push(text);
      else if (writable.writable !== false) writable.write(Buffer.from(text, 'utf8'));
    };
    if (req.tty) {
      keyboard = send;
      release = term.takeInput({
        data: send,
        resize: (cols, rows) => void engine.resizeContainer(id, cols, rows).catch(() => undefined),
      });
    } else {
      const line = new CookedLine();
      keyboard = (text) => {
        const r = line.feed(text);
        if (r.echo) term.write(r.echo);
        if (r.send) send(r.send);
        if (r.eof && held) heldEof = true;
        else if (r.eof) writable.end();
        if (r.interrupt) interrupt();
      };
      release = term.takeInput({data: keyboard, resize: () => undefined});
    }
  }

  const abandon = () => {
    release?.();
    waitAbort.abort();
    (stream as unknown as {destroy?: () => void}).destroy?.();
  };
  // Ctrl-C (or the session's end) while the engine attached: it never starts.
  if (req.signal.aborted) {
    abandon();
    return EXIT_INTERRUPTED;
  }
  try {
    await engine.startContainer(id);
  } catch (e) {
    abandon();
    if (e instanceof EngineError && !e.unreachable) return req.onStartError(e.message);
    throw e;
  }
  // The lines pasted after the run line go first (a shell's container would read them first), then the
  // keys typed while it started. If it never started they stay for the lab's prompt (and its "not run").
  const early = held;
  held = [];
  const pasted = keyboard ? (term.takePasted?.() ?? '') : '';
  if (pasted) keyboard!(pasted);
  const first = held;
  held = null;
  if (first.length + early.length > 0) (stream as NodeJS.WritableStream).write(Buffer.from([...first, ...early].join(''), 'utf8'));
  if (heldEof) (stream as NodeJS.WritableStream).end();
  if (req.tty) await engine.resizeContainer(id, term.cols, term.rows ?? 24).catch(() => undefined);

  // Ctrl-C at the line editor (no keyboard taken) or the session's end.
  const onAbort = () => {
    const reason = req.signal.reason as Error | undefined;
    if (reason?.message === 'interrupted') interrupt();
    else void engine.killContainer(id).catch(() => undefined);
  };
  req.signal.addEventListener('abort', onAbort, {once: true});
  if (req.signal.aborted) onAbort();

  // The wall-clock limit, with a warning before.
  let timedOut = false;
  const warnAt = req.timeoutMs - req.warningMs;
  const warnTimer =
    req.warningMs > 0 && warnAt > 0
      ? setTimeout(
          () => req.warn(`This container has ${Math.round(req.warningMs / 1000)} s left: the lab stops containers after ${Math.round(req.timeoutMs / 1000)} s.`),
          warnAt,
        )
      : undefined;
  const limitTimer = setTimeout(() => {
    timedOut = true;
    void engine.killContainer(id).catch(() => undefined);
  }, req.timeoutMs);

  try {
    const status = await exited;
    // What the container printed last may still be on its way.
    await Promise.race([streamEnded, new Promise((r) => setTimeout(r, DRAIN_MS).unref())]);
    output.end();
    if (req.tty) term.write((alternateScreen ? LEAVE_ALTERNATE_SCREEN : '') + TERMINAL_RESTORE);
    if (timedOut) req.timedOut();
    // Stopped after Ctrl-C (a PID 1 ignores SIGINT unless it handles it): the status a shell gives SIGINT.
    return interrupted && status > 128 ? 130 : status;
  } finally {
    release?.();
    req.signal.removeEventListener('abort', onAbort);
    clearTimeout(limitTimer);
    if (warnTimer) clearTimeout(warnTimer);
    if (interruptTimer) clearTimeout(interruptTimer);
    (stream as unknown as {destroy?: () => void}).destroy?.();
  }
}
