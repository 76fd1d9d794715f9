/**
 * Fuzz: a real Session (server/src/session/session.ts) with real config, lesson contexts
 * and logger, and an engine stand-in that records every use and throws. No engine is
 * involved: these properties are about what never reaches one.
 *
 * - A line the parser rejects ends with its exit code and never touches the engine.
 * - Keystroke soup (escape sequences, control characters, pastes, Run, resize, context,
 *   ack) never throws and never wedges the session: Ctrl-C and then a rejected line still
 *   give a command-end.
 * - A password (typed at the prompt or given with -p) never shows in output, frames or logs.
 */
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import {ProtocolError, type CommandEndMessage, type CommandStartMessage, type OutputMessage} from '../../../src/protocol';
import {parseCommandLine} from '../../src/cli/parse';
import {loadConfig} from '../../src/config';
import {Engine} from '../../src/engine';
import {LessonContexts} from '../../src/lessons/context';
import {createLogger} from '../../src/log';
import {Session} from '../../src/session/session';
import {dockerLine, shellish} from './generators';
import {anyString, runs, typeable} from './support';

const config = loadConfig({LAB_PORT: '0'});
const contexts = new LessonContexts(fileURLToPath(new URL('../fixtures/lessons', import.meta.url)));
const HIDDEN_LINE = 'docker login (line hidden: it may hold a password)';
const ENGINE_METHODS = new Set(Object.getOwnPropertyNames(Engine.prototype).filter((n) => n !== 'constructor'));

interface Harness {
  session: Session;
  /** Every use of the engine: property reads and calls. */
  engineUses: string[];
  starts: CommandStartMessage[];
  ends: CommandEndMessage[];
  output: OutputMessage[];
  /** Raw log lines (JSON), at debug level. */
  logs: string[];
  /** Resolves with the next command-end. */
  nextEnd(timeoutMs?: number): Promise<CommandEndMessage>;
  /** Everything the page has been sent as output, flushed now. */
  screen(): string;
}

function harness(lessons: LessonContexts = contexts): Harness {
  const engineUses: string[] = [];
  const engine = new Proxy(Object.create(null) as object, {
    get(_target, prop) {
      engineUses.push(`get ${String(prop)}`);
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      if (ENGINE_METHODS.has(prop)) {
        return (..._args: unknown[]) => {
          engineUses.push(`call ${prop}`);
          throw new Error(`engine stand-in: ${prop}() called`);
        };
      }
      throw new Error(`engine stand-in: ${prop} read`);
    },
    set(_target, prop) {
      engineUses.push(`set ${String(prop)}`);
      throw new Error('engine stand-in: set');
    },
    has(_target, prop) {
      engineUses.push(`has ${String(prop)}`);
      return false;
    },
  }) as Engine;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({level: 'debug', destination});
  const session = new Session({engine, config, lessons, log, engineUp: () => true, ownerActive: () => false});
  const starts: CommandStartMessage[] = [];
  const ends: CommandEndMessage[] = [];
  const output: OutputMessage[] = [];
  const waiters: Array<(e: CommandEndMessage) => void> = [];
  session.setEvents({
    ended: () => {},
    commandStart: (m) => {
      // One command at a time, numbered from 1 in order.
      if (starts.length !== ends.length) throw new Error(`command ${m.id} started while ${starts.at(-1)!.id} runs`);
      if (m.id !== starts.length + 1) throw new Error(`command id ${m.id} after ${starts.length} commands`);
      starts.push(m);
    },
    commandEnd: (m) => {
      const start = starts.at(-1);
      if (!start || start.id !== m.id || ends.length !== starts.length - 1) throw new Error(`command-end ${m.id} without its start`);
      if (!Number.isInteger(m.exitCode) || m.exitCode < 0 || m.exitCode > 255) throw new Error(`exit code ${m.exitCode}`);
      if (m.blockId !== start.blockId) throw new Error('blockId changed between start and end');
      ends.push(m);
      waiters.splice(0).forEach((w) => w(m));
    },
    status: (info) => {
      if (typeof info.sessionId !== 'string') throw new Error('status without a session');
    },
  });
  session.output.attach(
    {
      send: (m) => {
        const last = output.at(-1);
        if (m.seq !== (last ? last.seq + 1 : 1)) throw new Error(`output seq ${m.seq} after ${last?.seq}`);
        output.push(m);
      },
    },
    0,
  );
  return {
    session,
    engineUses,
    starts,
    ends,
    output,
    logs,
    nextEnd(timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no command-end within ${timeoutMs} ms (hang)`)), timeoutMs);
        waiters.push((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
    screen() {
      session.output.flush();
      return output.map((m) => m.data).join('');
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Lines the parser rejects and the line editor passes through unchanged (no control
 * characters, at most 4,096 code units).
 */
const rejectedLine: fc.Arbitrary<string> = fc
  .oneof(
    {arbitrary: dockerLine, weight: 5},
    {arbitrary: shellish, weight: 3},
    {arbitrary: anyString(80), weight: 2},
    {arbitrary: fc.constantFrom('docker login -p hunter2', 'docker login --password=hunter2 localhost:5000', 'docker run busybox', 'ls -la', 'docker images | wc -l'), weight: 1},
  )
  .map((line) => typeable(line).replace(/\t/g, ' ').slice(0, 4096))
  .filter((line) => !parseCommandLine(line).ok);

/** Pieces of keystroke data, as xterm.js's onData hands them over. */
const keys: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      '\x1b[A', '\x1b[B', '\x1b[C', '\x1b[D', '\x1b[H', '\x1b[F', '\x1bOH', '\x1bOF', '\x1b[1~', '\x1b[4~', '\x1b[7~', '\x1b[8~',
      '\x1b[3~', '\x1b[1;5C', '\x1b[1;5D', '\x1bb', '\x1bf', '\x1bd', '\x1b\x7f', '\x1b[200~', '\x1b[201~', '\x1b]0;title\x07',
      '\x1b]8;;http://x\x1b\\', '\x1bP1$r\x1b\\', '\x1b[', '\x1b', '\x1bO', '\x1b[99999999999999999999A', '\x1b[?1049h', '\x1b[6n',
      '\x1b[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0m', '\x9b31m', '\x1b\x1b\x1b', '\x1b[M !!', '\x1b[<0;1;1M',
    ),
    weight: 4,
  },
  {arbitrary: fc.integer({min: 0, max: 0x1f}).map((c) => String.fromCharCode(c)), weight: 3},
  {arbitrary: fc.constantFrom('\x7f', '\x08', '\r', '\n', '\r\n', '\x03', '\x04', '\x0c', '\x15', '\x0b', '\x17', '\x19', '\x01', '\x05'), weight: 4},
  {arbitrary: fc.constantFrom('help\r', 'clear\r', 'docker images\r', 'docker version\r', 'docker login\r', 'docker login -u me\r', 'me\r', 'pw\r', 'docker build .\r', 'docker push localhost:5000/x\r', 'docker tag a b\r', 'docker rmi a\r', 'docker history a\r', 'docker logout\r', 'docker --help\r', 'docker\r'), weight: 3},
  {arbitrary: fc.array(fc.oneof(dockerLine, fc.constant('')), {maxLength: 4}).map((lines) => lines.join('\n')), weight: 1},
  {arbitrary: anyString(24), weight: 3},
  {arbitrary: fc.constantFrom('😀', '中文', 'e\u0301', '\u200d', '\ufe0f', '\ud800', '\udc00', 'x'.repeat(300)), weight: 1},
);

type Op =
  | {input: string}
  | {resize: [number, number]}
  | {context: [string, string]}
  | {run: [string, string, boolean]}
  | {ack: number}
  | {tick: true};

const op: fc.Arbitrary<Op> = fc.oneof(
  {arbitrary: fc.array(keys, {minLength: 1, maxLength: 5}).map((k) => ({input: k.join('')})), weight: 12},
  {arbitrary: fc.tuple(fc.integer({min: 2, max: 1000}), fc.integer({min: 1, max: 1000})).map((r) => ({resize: r})), weight: 1},
  {arbitrary: fc.tuple(fc.constantFrom('tiny', 'nope', 'other-lesson'), fc.constantFrom('FROM busybox\n', '', 'x'.repeat(100))).map((c) => ({context: c})), weight: 1},
  {arbitrary: fc.tuple(fc.oneof(dockerLine, fc.constantFrom('help', 'docker images', 'docker login', 'docker build .')), fc.string({maxLength: 8}), fc.boolean()).map((r) => ({run: r})), weight: 2},
  {arbitrary: fc.nat({max: 100}).map((seq) => ({ack: seq})), weight: 1},
  {arbitrary: fc.constant({tick: true as const}), weight: 2},
);

async function apply(h: Harness, o: Op): Promise<void> {
  if ('input' in o) h.session.input(o.input);
  else if ('resize' in o) h.session.resize(...o.resize);
  else if ('context' in o) h.session.setContext(...o.context);
  else if ('run' in o) {
    const [command, blockId, withContext] = o.run;
    if (withContext) h.session.setContext('tiny', 'FROM busybox\n');
    h.session.run(command, blockId, withContext ? 'tiny' : undefined);
  } else if ('ack' in o) {
    // An ack of output never sent is a protocol error (the connection closes on it); any other is taken.
    if (o.ack > h.session.output.lastSeq) expect(() => h.session.output.ack(o.ack)).toThrow(ProtocolError);
    else h.session.output.ack(o.ack);
  }
  else await tick();
}

/** Ctrl-C until nothing runs; fails on a command that does not end. */
async function settle(h: Harness): Promise<void> {
  await tick();
  for (let i = 0; i < 5; i++) {
    if (!h.session.busy) {
      h.session.input('\x03');
      await tick();
      if (!h.session.busy) return;
    }
    const ended = h.nextEnd();
    h.session.input('\x03');
    await ended;
    await tick();
  }
  throw new Error('the session is still busy after five Ctrl-C');
}

describe('Session fuzz (engine stand-in that throws)', () => {
  it('a rejected line ends with its exit code and never touches the engine', async () => {
    await fc.assert(
      fc.asyncProperty(rejectedLine, async (line) => {
        const h = harness();
        h.session.start(80, 24);
        const parsed = parseCommandLine(line);
        if (parsed.ok) throw new Error('generator gave an accepted line');
        const ended = h.nextEnd();
        h.session.input(line + '\r');
        const end = await ended;
        expect(h.engineUses).toEqual([]);
        expect(end.exitCode).toBe(parsed.exitCode);
        expect(end.exitCode).not.toBe(0);
        expect(h.starts).toHaveLength(1);
        expect(h.starts[0]!.line).toBe(parsed.sensitive ? HIDDEN_LINE : line);
        expect(h.session.busy).toBe(false);
        await h.session.close();
      }),
      runs(10_000),
    );
  });

  it('survives keystroke soup: never throws, and Ctrl-C then a rejected line still ends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, {maxLength: 12}), rejectedLine, async (ops, line) => {
        const h = harness();
        h.session.start(80, 24);
        for (const o of ops) await apply(h, o);
        await settle(h);
        const uses = h.engineUses.length;
        const ended = h.nextEnd();
        h.session.input(line + '\r');
        const end = await ended;
        const parsed = parseCommandLine(line);
        expect(end.exitCode).toBe(parsed.ok ? 0 : parsed.exitCode);
        expect(h.starts.at(-1)!.line).toBe(!parsed.ok && parsed.sensitive ? HIDDEN_LINE : line);
        expect(h.engineUses.length).toBe(uses);
        await h.session.close();
        expect(h.session.busy).toBe(false);
      }),
      runs(2_000),
    );
  });

  it('a Run of a rejected line gives exactly one start/end pair with its blockId, the line as sent', async () => {
    await fc.assert(
      fc.asyncProperty(rejectedLine, fc.string({maxLength: 16}), fc.constantFrom('', ' ', '\n', '\r\n', '  \n'), async (line, blockId, pad) => {
        const h = harness();
        h.session.start(80, 24);
        const parsed = parseCommandLine(line.trim());
        if (parsed.ok) return; // trimming made it valid (it was "  # ..." or similar)
        const ended = h.nextEnd();
        expect(h.session.run(pad + line + pad, blockId)).toBeNull();
        const end = await ended;
        expect(h.starts).toHaveLength(1);
        expect(h.starts[0]!.line).toBe(parsed.sensitive ? HIDDEN_LINE : line.trim());
        expect(h.starts[0]!.blockId).toBe(blockId === '' ? undefined : blockId);
        expect(end.exitCode).toBe(parsed.exitCode);
        expect(h.engineUses).toEqual([]);
        // A second Run while idle is accepted too (the first left the session ready).
        expect(h.session.run(line, blockId)).toBeNull();
        await h.session.close();
      }),
      runs(2_000),
    );
  });

  it('never shows a password: not at the prompt, not from -p, not in frames, logs or history', async () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9!%+-]{8,16}$/).map((s) => `Sx${s}`);
    await fc.assert(
      fc.asyncProperty(
        secret,
        fc.constantFrom('', ' localhost:5000', ' -u me', ' -u me localhost:5000'),
        fc.constantFrom((s: string) => ` -p ${s}`, (s: string) => ` --password=${s}`, (s: string) => ` -p${s}`, (s: string) => ` --password ${s} x y`),
        async (pw, args, withP) => {
          const h = harness();
          h.session.start(80, 24);
          // 1. At the prompt: the password is not echoed, and the engine stand-in refuses it.
          h.session.input(`docker login${args}\r`);
          await tick();
          if (!args.includes('-u')) h.session.input('me\r');
          await tick();
          const ended = h.nextEnd();
          h.session.input(`${pw}\r`);
          const end = await ended;
          expect(end.exitCode).toBe(1); // the stand-in's error is an internal error
          expect(h.engineUses).toContain('call checkAuth');
          expect(h.session.state.logins.size).toBe(0);
          // 2. On the command line with -p: refused before the engine, line hidden, forgotten by history.
          const before = h.screen().length;
          const ended2 = h.nextEnd();
          h.session.input(`docker login${withP(pw)}\r`);
          const end2 = await ended2;
          expect(end2.exitCode).not.toBe(0);
          h.session.input('\x1b[A\x1b[A\x1b[A');
          const after = h.screen().slice(before);
          // The typed line is echoed as typed; what follows it (error, prompt, history recall) is not.
          const echoEnd = after.indexOf('\r\n');
          expect(after.slice(echoEnd)).not.toContain(pw);
          const shown = h.screen().slice(0, before);
          expect(shown).not.toContain(pw);
          expect(h.starts.map((s) => s.line).join('\n')).not.toContain(pw);
          expect(h.logs.join('')).not.toContain(pw);
          await h.session.close();
        },
      ),
      runs(500),
    );
  });

  // Regression (found while building this harness, not by a property): when the engine call of a
  // build fails (engine unreachable: "Cannot connect to the Docker daemon", or here the
  // stand-in's throw), commands/build.ts never destroys the packed context stream, and
  // tar-fs keeps the file it was reading open: one file descriptor leaks per failed
  // `docker build .` on a context with a file larger than the stream's buffer (a few
  // hundred KiB). Minimal input: setContext(lesson with a 1 MiB file) + "docker build .\r"
  // with the engine down, repeated. Fixed: build.ts destroys packed.stream when it is done.
  it('regression (found by fuzzing): a build whose engine call fails leaks the context stream (one open file per build)', async () => {
    if (!existsSync('/proc/self/fd')) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-fuzz-'));
    try {
      const lesson = path.join(dir, 'big');
      mkdirSync(lesson);
      writeFileSync(path.join(lesson, 'blob.bin'), Buffer.alloc(1024 * 1024, 1));
      const h = harness(new LessonContexts(dir));
      h.session.start(80, 24);
      // scratch: the Dockerfile policy asks the engine about no image, so the build reaches engine.build.
      h.session.setContext('big', 'FROM scratch\n');
      const fds = () => readdirSync('/proc/self/fd').length;
      const before = fds();
      for (let i = 0; i < 10; i++) {
        const ended = h.nextEnd();
        h.session.input('docker build .\r');
        expect((await ended).exitCode).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(h.engineUses.filter((u) => u === 'call build')).toHaveLength(10);
      expect(fds() - before).toBeLessThan(3);
      await h.session.close();
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  // Regression (found by probing Run with the soup's inputs): session.run() answers true for a
  // blank or comment-only command, or one that is just Ctrl-C, but nothing runs: no
  // command-start, no command-end, no error frame. The page (src/client/session.ts) keeps
  // the block "pending" until the connection drops. The remark plugin refuses empty blocks
  // at build time, so only a hand-written frame gets here. Minimal input: {t:'run',
  // blockId:'b1', command:''} (also '   ', '# note', '\x03'). Fixed: run() refuses them.
  it('regression (found by fuzzing): a Run of a blank, comment-only or Ctrl-C command is accepted and never ends', async () => {
    for (const command of ['', '   ', '# note', '\x03']) {
      const h = harness();
      h.session.start(80, 24);
      const accepted = h.session.run(command, 'b1') === null;
      if (accepted) {
        const end = await h.nextEnd(200);
        expect(end.blockId).toBe('b1');
      }
      await h.session.close();
    }
  });

  // Regression (same probe): session.run() types the command into the line editor as keystrokes,
  // so control characters in it are obeyed rather than refused: "\x1b[A" recalls the
  // previous history line and runs *that* under the block's id, "docker\x15help" runs
  // "help", "help\x7f\x7f\x7f\x7fclear" runs "clear". The command-start line then differs
  // from the block's command ("so the reader sees exactly what ran" no longer holds).
  // parseClientMessage lets any string through as `command`. Low severity (the page's
  // blocks are plain text and a client can type anything with `input`). Minimal input:
  // after any command line, {t:'run', blockId:'b1', command:'\x1b[A'}.
  // Fixed: run() refuses control characters in a command.
  it('regression (found by fuzzing): a Run command holding control characters runs a different line ("\\x1b[A" reruns history)', async () => {
    const h = harness();
    h.session.start(80, 24);
    const first = h.nextEnd();
    h.session.input('docker images --bogus\r');
    await first;
    for (const command of ['\x1b[A', 'docker\x15help', 'help\x7f\x7f\x7f\x7fclear']) {
      const ended = h.nextEnd(200).catch(() => null);
      const accepted = h.session.run(command, 'b1') === null;
      const end = await ended;
      if (accepted && end) expect(h.starts.at(-1)!.line).toBe(command);
    }
    await h.session.close();
  });

  // Issue 11 point 2 / issue 19 point 10: before, a Run naming a lesson the page never sent
  // a Dockerfile for built whatever lesson was current (possibly another one), and the page's
  // Dockerfile blocks switched the lesson as they scrolled into view.
  it('a Run naming a lesson without a Dockerfile is refused; registering a Dockerfile never switches the lesson', async () => {
    const h = harness();
    h.session.start(80, 24);
    h.session.setContext('tiny', 'FROM busybox\n');
    expect(h.session.info().context).toBe('tiny'); // the first lesson the page shows
    h.session.setContext('other-lesson', 'FROM busybox\n');
    expect(h.session.info().context).toBe('tiny'); // a block mounting or scrolling by does not switch it
    expect(h.session.run('docker build .', 'b1', 'never-sent')).toMatchObject({code: 'unknown-context'});
    expect(h.starts).toEqual([]);
    expect(h.session.info().context).toBe('tiny');
    const ended = h.nextEnd();
    expect(h.session.run('help', 'b2', 'other-lesson')).toBeNull(); // running a block switches it
    await ended;
    expect(h.session.info().context).toBe('other-lesson');
    await h.session.close();
  });

  it('a Run executes exactly the line sent, however long, without history of a hidden line', async () => {
    const h = harness();
    h.session.start(80, 24);
    const line = `docker images ${'x'.repeat(4000)}`;
    const ended = h.nextEnd();
    expect(h.session.run(line, 'b1')).toBeNull();
    await ended;
    expect(h.starts[0]!.line).toBe(line);
    expect(h.session.run('docker images\x85', 'b2')).toMatchObject({code: 'bad-frame'}); // C1 control
    await h.session.close();
  });
});
