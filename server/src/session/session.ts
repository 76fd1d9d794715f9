import {randomBytes} from 'node:crypto';
import type {BuiltImageMessage, CommandEndMessage, CommandStartMessage, ErrorCode, SessionInfo} from '../../../src/protocol';
import {parseCommandLine, type ParseResult} from '../cli/parse';
import {runCommand} from '../commands';
import type {CommandEnv, SessionState} from '../commands/types';
import {EXIT_INTERRUPTED, type RawInput, type Terminal} from '../terminal/types';
import {removeOwnedImages} from '../images/ownership';
import type {LabConfig} from '../config';
import type {Engine, RegistryAuth} from '../engine';
import type {EnginePool} from '../engine/pool';
import {movedNotice} from '../terminal/moved-notice';
import type {LessonContexts} from '../lessons/context';
import type {Logger} from '../log';
import type {ReaderLink} from '../readers/link';
import type {ReaderServices} from '../readers/services';
import {LineEditor, type EditorEvent} from '../terminal/line-editor';
import {bold, cyan, dim, errorLine, yellow} from '../terminal/style';
import {OutputChannel} from './output';
import {formatLimitBytes} from '../limits/format';

/** What a session tells its page besides output (the connection forwards these). */
export interface SessionEvents {
  commandStart(msg: CommandStartMessage): void;
  commandEnd(msg: CommandEndMessage): void;
  status(info: SessionInfo): void;
  /** A build made an image (the page shows its layers and the cached steps). */
  builtImage?(msg: BuiltImageMessage): void;
  /** The session is over (idle, grace period, server stopping): the page must start a new one. */
  ended(reason: string): void;
}

export interface SessionDeps {
  engine: Engine;
  config: LabConfig;
  lessons: LessonContexts;
  log: Logger;
  /** Last known engine state, kept by the session manager. */
  engineUp: () => boolean;
  /** Whether the session with this public id is alive with a page attached. */
  ownerActive: (ownerId: string) => boolean;
  /** The engines: each command runs on the owner's one (`engine` without a pool). */
  pool?: EnginePool;
  /** Readers (server/src/readers), when the lab has them. */
  readers?: ReaderServices;
}

interface Running {
  id: number;
  line: string;
  blockId?: string;
  abort: AbortController;
  done: Promise<void>;
}

type LineWaiter = (line: string | null) => void;

/** Why a block's Run was refused (sent to the page as an error frame). */
export interface RunRefusal {
  code: Extract<ErrorCode, 'bad-frame' | 'busy' | 'unknown-context'>;
  message: string;
}

/** Lesson Dockerfiles a session keeps (the site has a few lessons with one each). */
const MAX_CONTEXTS = 16;

const BANNER =
  `${bold('Docker Lab terminal')} ${dim('— not a shell: it runs docker commands against the lab\'s engine.')}\r\n` +
  `Type ${bold('help')} to see what it supports. The Run buttons on the page type here for you.\r\n`;

/**
 * One reader's terminal: line editor, command runner, output channel and the
 * in-memory state commands share (logins, lesson contexts). Knows nothing of
 * WebSockets: a connection attaches to it and detaches again.
 */
/** The engine a command runs on, and its running-commands count. */
interface PlacedEngine {
  engine: Engine;
  started(): void;
  ended(): void;
}

export class Session {
  /** Secret: whoever holds it can rejoin the session. Never logged, never put in engine labels. */
  readonly id = randomBytes(24).toString('base64url');
  readonly state: SessionState;
  readonly output: OutputChannel;
  readonly log: Logger;
  lastActivity = Date.now();
  cols = 80;
  rows = 24;

  #editor: LineEditor;
  #running: Running | null = null;
  #lineWaiter: LineWaiter | null = null;
  #commandCount = 0;
  #events: SessionEvents | null = null;
  #closed = false;

  constructor(
    private readonly deps: SessionDeps,
    /** The page's client address, for the per-client session limit. */
    readonly clientKey = 'local',
    /** The reader this session belongs to: images and logins are the reader's, not the session's. */
    readonly reader?: ReaderLink,
  ) {
    this.state = {
      ownerId: reader?.id ?? randomBytes(8).toString('hex'),
      logins: reader?.logins ?? new Map<string, RegistryAuth>(),
      currentLesson: null,
      dockerfiles: new Map<string, string>(),
    };
    const {unackedBytes, sessionOutputBytes, ackTimeoutMs} = deps.config.limits;
    this.output = new OutputChannel({windowBytes: unackedBytes, hardLimitBytes: sessionOutputBytes, ackTimeoutMs});
    this.log = deps.log.child({session: this.state.ownerId});
    this.#editor = new LineEditor({cols: this.cols});
  }

  get busy(): boolean {
    return this.#running !== null;
  }

  /** Print the banner and the first prompt. */
  start(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.#editor.resize(cols);
    this.output.write(BANNER);
    this.#prompt();
  }

  /** Attach the page's event sink; a command-end it missed while away is delivered now. */
  setEvents(events: SessionEvents | null): void {
    this.#events = events;
    if (events && this.#missedEnd) {
      events.commandEnd(this.#missedEnd);
      this.#missedEnd = null;
    }
  }

  #missedEnd: CommandEndMessage | null = null;

  info(): SessionInfo {
    const logins: Record<string, string> = {};
    for (const [server, auth] of this.state.logins) logins[server] = auth.username;
    return {
      sessionId: this.id,
      labRegistry: this.deps.config.labRegistry,
      logins,
      engine: this.deps.engineUp() ? 'up' : 'down',
      builder: this.deps.config.builder,
      running: this.#running?.line ?? null,
      context: this.state.currentLesson,
      reader: this.reader ? {name: this.reader.name, disk: this.reader.disk(), ...(this.reader.progress ? {progress: this.reader.progress()} : {})} : null,
    };
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    const redraw = this.#editor.resize(cols);
    // While a container holds the terminal, its TTY redraws itself: the prompt must not be drawn into it.
    if (this.#rawInput) this.#rawInput.resize(cols, rows);
    else this.output.write(redraw);
  }

  /** While a command holds the keyboard (docker run -it): where keystrokes go. */
  #rawInput: RawInput | null = null;

  /**
   * The page's Dockerfile for lesson `context` (a block mounted or was edited).
   * Registers the text; the lesson becomes the current one only when there is
   * none yet. Scrolling never switches lessons: running a block does.
   */
  setContext(context: string, dockerfile: string): void {
    // A page has a handful of lessons: keep the most recent few, so no client can grow this map.
    this.state.dockerfiles.delete(context);
    this.state.dockerfiles.set(context, dockerfile);
    if (this.state.dockerfiles.size > MAX_CONTEXTS) {
      const oldest = this.state.dockerfiles.keys().next().value!;
      if (oldest !== this.state.currentLesson) this.state.dockerfiles.delete(oldest);
      else this.state.dockerfiles.delete([...this.state.dockerfiles.keys()][1]!);
    }
    if (this.state.currentLesson === null) this.#selectContext(context);
    this.reader?.report?.({kind: 'dockerfile', lesson: context, text: dockerfile});
  }

  /** Make `context` the lesson `docker build .` builds; false when the page never sent its Dockerfile. */
  #selectContext(context: string): boolean {
    if (!this.state.dockerfiles.has(context)) return false;
    if (this.state.currentLesson === context) return true;
    this.state.currentLesson = context;
    if (this.#editor.reading && !this.#lineWaiter) {
      // Redraw the prompt (it names the current context), keeping what the reader has typed.
      this.output.write(this.#editor.setPrompt(this.#promptText()));
    }
    this.#emitStatus();
    return true;
  }

  /** Keystrokes from the page. */
  input(data: string): void {
    if (this.#closed) return;
    this.lastActivity = Date.now();
    this.reader?.touch();
    this.#idleWarned = false;
    if (this.#rawInput) {
      this.#rawInput.data(data); // an attached container's TTY takes the keys as they are
      return;
    }
    const {output, events} = this.#editor.feed(data);
    this.output.write(output);
    for (const ev of events) this.#onEditorEvent(ev);
  }

  /**
   * A lesson block's Run: `command` is parsed once, shown at the prompt as the
   * reader's line (replacing anything half typed) and executed as parsed.
   * `context` first makes that lesson current. Returns why it was refused
   * (nothing changed then), or null.
   */
  run(command: string, blockId: string, context?: string): RunRefusal | null {
    if (this.#closed) return {code: 'busy', message: 'this terminal session has ended'};
    this.lastActivity = Date.now();
    this.reader?.touch();
    const line = command.trim();
    // Line ends around the command are harmless; inside it, a control character is not.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(line)) {
      return {code: 'bad-frame', message: 'a block\'s command must be one line without control characters'};
    }
    const parsed = parseCommandLine(line);
    if (parsed.ok && parsed.command.kind === 'empty') return {code: 'bad-frame', message: 'a block\'s command is empty'};
    if (this.#running || this.#lineWaiter || !this.#editor.reading) {
      return {code: 'busy', message: 'a command is still running: wait for it or press Ctrl-C'};
    }
    if (context !== undefined && !this.#selectContext(context)) {
      return {
        code: 'unknown-context',
        message: `this page sent no Dockerfile for the lesson "${context}": nothing was run`,
      };
    }
    const sensitive = !parsed.ok && parsed.sensitive === true;
    this.output.write(this.#editor.submit(line, {history: !sensitive}));
    void this.#execute(line, parsed, blockId);
    return null;
  }

  #waitingPrompt = '';
  /** Start times of recent commands, for the commands-per-minute limit. */
  #recent: number[] = [];

  /** True (and a message printed) when this command would exceed the commands-per-minute limit. */
  #rateLimited(): boolean {
    const now = Date.now();
    this.#recent = this.#recent.filter((t) => now - t < 60_000);
    const limit = this.deps.config.limits.commandsPerMinute;
    if (this.#recent.length >= limit) {
      this.output.write(errorLine(`slow down: this terminal runs at most ${limit} commands a minute; nothing was run`));
      return true;
    }
    this.#recent.push(now);
    return false;
  }

  #onEditorEvent(ev: EditorEvent): void {
    if (this.#lineWaiter) {
      const waiter = this.#lineWaiter;
      this.#lineWaiter = null;
      if (ev.type === 'line') waiter(ev.line);
      else if (ev.type === 'interrupt') waiter(null);
      else this.#lineWaiter = waiter; // Ctrl-D at a login prompt: keep waiting
      return;
    }
    if (this.#running) {
      if (ev.type === 'interrupt') this.#running.abort.abort(new Error('interrupted'));
      return;
    }
    switch (ev.type) {
      case 'line': {
        const parsed = parseCommandLine(ev.line);
        // A line that may hold a password (`docker login -p …`) is refused by the parser; keep it out of history.
        if (!parsed.ok && parsed.sensitive === true) this.#editor.forgetLastHistoryEntry();
        void this.#execute(ev.line, parsed);
        break;
      }
      case 'interrupt':
      case 'eof':
        this.#prompt();
        break;
    }
  }

  /** Run one parsed line (typed at the prompt, or a block's). */
  async #execute(typed: string, parsed: ParseResult, blockId?: string): Promise<void> {
    // A line that may hold a password (`docker login -p …`) is refused by the parser; keep it out of
    // frames and logs as well.
    const sensitive = !parsed.ok && parsed.sensitive === true;
    const line = sensitive ? 'docker login (line hidden: it may hold a password)' : typed;
    if (parsed.ok && parsed.command.kind === 'empty') {
      this.#prompt();
      return;
    }
    const id = ++this.#commandCount;
    const abort = new AbortController();
    let finish!: () => void;
    const running: Running = {id, line, blockId, abort, done: new Promise<void>((r) => (finish = r))};
    this.#running = running;
    this.output.flush(); // the typed line reaches the page before the command's start frame
    this.#missedEnd = null;
    this.#events?.commandStart({t: 'command-start', id, line, ...(blockId ? {blockId} : {})});
    this.#emitStatus();
    let exitCode: number;
    const started = Date.now();
    if (this.#rateLimited()) {
      // Counted before parsing: a flood of refused lines is a flood too.
      exitCode = 1;
    } else if (!parsed.ok) {
      this.output.write(errorLine(parsed.message));
      exitCode = parsed.exitCode;
    } else if (parsed.command.kind === 'build' && this.reader?.refuseBuild()) {
      this.output.write(errorLine(this.reader.refuseBuild()!));
      exitCode = 1;
    } else {
      // Synchronous when the owner's engine is known and answers: a command that reads a line (a login's
      // password) must hold the keyboard before the next frame of the same read is handled.
      const placing = this.#placed();
      const placed = placing instanceof Promise ? await placing : placing;
      const env = {...this.#commandEnv(abort.signal), engine: placed.engine};
      env.onBuiltImage = (image) => this.#events?.builtImage?.({t: 'built-image', image: {...image, ...(blockId ? {blockId} : {})}});
      try {
        placed.started();
        exitCode = await runCommand(parsed.command, env);
        if (abort.signal.aborted && exitCode === 0) exitCode = EXIT_INTERRUPTED;
      } catch (err) {
        // A bug, not the reader's fault: say so without internals, log the details.
        this.log.error({err, command: parsed.command.kind}, 'command failed unexpectedly');
        this.output.write(errorLine('internal error in the lab server (logged); the session is still usable'));
        exitCode = 1;
      } finally {
        placed.ended();
      }
      this.log.info(
        {event: 'command', command: parsed.command.kind, exitCode, ms: Date.now() - started},
        'command finished',
      );
    }
    // Every byte of the command's output is sent before its end frame (some may wait for acks).
    await this.output.sent();
    if (this.reader && parsed.ok && ['build', 'tag', 'rmi'].includes(parsed.command.kind)) await this.reader.recount().catch(() => {});
    this.#rawInput = null; // a command that held the keyboard has ended: it is the line editor's again
    this.#running = null;
    finish();
    if (this.#closed) return;
    const end: CommandEndMessage = {t: 'command-end', id, exitCode, ...(blockId ? {blockId} : {})};
    if (this.#events) this.#events.commandEnd(end);
    else this.#missedEnd = end;
    this.#emitStatus();
    if (exitCode !== 0 && this.#editor.hasPending) {
      // A shell would go on; stopping at the first failure keeps a pasted build-then-push from pushing a stale image.
      const {lines, cut} = this.#editor.discardPending();
      if (lines > 0 || cut) {
        const count = cut ? `${lines} or more pasted lines were` : lines === 1 ? '1 pasted line was' : `${lines} pasted lines were`;
        this.output.write(yellow(`${count} not run: the command above failed (exit status ${exitCode}).`) + '\r\n');
      }
    }
    this.#prompt();
  }

  #commandEnv(signal: AbortSignal): CommandEnv {
    const budget = this.deps.config.limits.outputBytesPerCommand;
    let written = 0;
    let cut = false;
    const cols = () => this.cols;
    const rows = () => this.rows;
    const terminal: Terminal = {
      write: (text) => {
        if (cut || !text) return;
        written += Buffer.byteLength(text);
        if (written > budget) {
          cut = true;
          this.output.write(
            errorLine(`\r\noutput stopped: this command printed more than the lab's limit of ${formatLimitBytes(budget)}`),
          );
          this.#running?.abort.abort(new Error('output limit'));
          return;
        }
        this.output.write(text);
      },
      room: () => this.output.room(),
      readLine: (prompt, opts) => this.#readLine(prompt, opts?.echo ?? true, signal),
      clear: () => this.output.write(this.#editor.clearScreen()),
      takePasted: () => this.#editor.takePending(),
      get cols() {
        return cols();
      },
      get rows() {
        return rows();
      },
      takeInput: (sink) => {
        this.#rawInput = sink;
        return () => {
          if (this.#rawInput === sink) this.#rawInput = null;
        };
      },
    };
    return {
      term: terminal,
      signal,
      engine: this.deps.engine,
      config: this.deps.config,
      lessons: this.deps.lessons,
      session: this.state,
      log: this.log,
      ownerActive: this.deps.ownerActive,
      ...(this.reader ? {readerName: this.reader.name} : {}),
      ...(this.deps.readers ? {isReaderName: (name: string) => this.deps.readers!.store.exists(name)} : {}),
      ...(this.reader?.report ? {progress: this.reader.report} : {}),
    };
  }

  /** The owner's engine for this command; a reader moved off an engine that stopped answering is told so. */
  #placed(): PlacedEngine | Promise<PlacedEngine> {
    const pool = this.deps.pool;
    if (!pool) return {engine: this.deps.engine, started: () => {}, ended: () => {}};
    const known = pool.placed(this.state.ownerId);
    if (known?.up) return {engine: known.engine, started: () => void known.running++, ended: () => void known.running--};
    return this.#place(pool);
  }

  async #place(pool: EnginePool): Promise<PlacedEngine> {
    const {member, moved} = await pool.place(this.state.ownerId);
    if (moved) {
      this.log.warn({event: 'engine-moved', from: moved.from, to: moved.to}, 'owner moved to another engine');
      this.output.write(movedNotice(moved, this.deps.config.labRegistry, this.reader?.name));
      if (this.reader) await this.reader.recount().catch(() => {});
    }
    return {engine: member.engine, started: () => void member.running++, ended: () => void member.running--};
  }

  #readLine(prompt: string, echo: boolean, signal: AbortSignal): Promise<string | null> {
    if (signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const onAbort = () => {
        if (this.#lineWaiter === waiter) this.#lineWaiter = null;
        resolve(null);
      };
      const waiter: LineWaiter = (line) => {
        signal.removeEventListener('abort', onAbort);
        resolve(line);
      };
      this.#lineWaiter = waiter;
      this.#waitingPrompt = prompt;
      signal.addEventListener('abort', onAbort, {once: true});
      this.output.write(this.#editor.start(prompt, {echo, history: false, keepRest: false}));
    });
  }

  #promptText(): string {
    const ctx = this.state.currentLesson;
    return `${bold(cyan('lab'))}${ctx ? dim(`:${ctx}`) : ''}$ `;
  }

  #prompt(): void {
    if (this.#closed) return;
    this.output.write(this.#editor.start(this.#promptText()));
    // The next lines of a multi-line paste: typed at this prompt, one after another as in a shell
    // (in a microtask, so a paste of many blank lines does not nest calls).
    if (this.#editor.hasPending) queueMicrotask(() => this.#feedPending());
  }

  #feedPending(): void {
    if (this.#closed || this.#running || this.#lineWaiter || !this.#editor.reading) return;
    const rest = this.#editor.takePending();
    if (rest) this.input(rest);
  }

  #emitStatus(): void {
    this.#events?.status(this.info());
  }

  #idleWarned = false;

  /** Say once, before the idle limit ends the session, how to keep it. */
  warnIdle(remainingMs: number): void {
    if (this.#idleWarned) return;
    this.#idleWarned = true;
    const secs = Math.max(1, Math.round(remainingMs / 1000));
    this.output.write(
      `\r\n${yellow(`This session has been idle for a while and ends in ${secs} s (its images are removed then). Press Enter to keep it.`)}\r\n`,
    );
    if (this.#editor.reading) this.output.write(this.#editor.setPrompt(this.#lineWaiter ? this.#waitingPrompt : this.#promptText()));
  }

  /** The engine's state changed: tell the page (its blocks show it). */
  engineChanged(): void {
    this.#emitStatus();
  }

  /** End the session: stop its command, forget its credentials. */
  async close(reason = 'ended'): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // First release a command waiting for the page to catch up: it must see its abort.
    this.output.close();
    const running = this.#running;
    if (running) {
      running.abort.abort(new Error('session closed'));
      await running.done;
    }
    this.#lineWaiter?.(null);
    this.state.dockerfiles.clear();
    this.#events?.ended(reason);
    this.#events = null;
    // A reader's logins and images outlive the session (until logout, or the reader's idle limit).
    if (this.reader) return;
    this.state.logins.clear();
    try {
      const engine = this.deps.pool ? this.deps.pool.placed(this.state.ownerId)?.engine : this.deps.engine;
      this.deps.pool?.forget(this.state.ownerId);
      const removed = engine ? await removeOwnedImages(engine, this.state.ownerId) : 0;
      if (removed) this.log.info({event: 'session-images-removed', removed}, 'removed the session\'s images');
    } catch (err) {
      this.log.warn({err: (err as Error).message}, 'could not remove the session\'s images');
    }
  }
}
