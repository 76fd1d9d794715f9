/**
 * Shared helpers for the benchmarks in bench/: the engine's environment, a
 * lab server in its own process (so its memory and CPU can be read), a
 * lightweight protocol client with timestamps, statistics and reporting.
 * Benchmarks print figures; they are not tests.
 */
import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {accessSync, constants, readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import WebSocket from 'ws';
import {labEnv} from '../server/test/integration/lab-env';
import {
  PROTOCOL_VERSION,
  WS_PATH,
  encode,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from '../src/protocol';

export const ROOT = path.resolve(__dirname, '..');
export const BENCH_LESSONS = path.join(ROOT, 'bench/fixtures/lessons');
export const JSON_OUT = process.argv.includes('--json');

export function engineEnv(): Record<string, string> {
  return labEnv();
}

// ---------------------------------------------------------------- stats

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least q of the samples at or below it.
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}
export const median = (xs: number[]) => quantile(xs, 0.5);
export const r1 = (n: number) => Math.round(n * 10) / 10;
export const r2 = (n: number) => Math.round(n * 100) / 100;
export const r3 = (n: number) => Math.round(n * 1000) / 1000;

export function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

export function machine(): Record<string, string> {
  const osRelease = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.platform();
  const env = engineEnv();
  const cli = dockerCliPath();
  const version = (args: string[]) => (cli ? (spawnSync(cli, args, {env: {...process.env, DOCKER_HOST: env.DOCKER_HOST}, encoding: 'utf8'}).stdout ?? '').trim() : '');
  const engine = version(['version', '--format', '{{.Server.Version}}']);
  const chromium = spawnSync('/usr/bin/chromium', ['--version'], {encoding: 'utf8'}).stdout.trim();
  return {
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${osRelease}, kernel ${os.release()}`,
    node: process.version,
    engine: `Docker Engine ${engine || '?'}`,
    'docker CLI': cli ? `${version(['version', '--format', '{{.Client.Version}}']) || '?'} (${cli})` : 'none',
    chromium: chromium || '?',
  };
}

// ---------------------------------------------------------------- reporting

export interface Figure {
  name: string;
  value: number | string;
  unit?: string;
  target?: string;
  met?: boolean;
  note?: string;
}

export class Report {
  readonly figures: Figure[] = [];
  readonly started = new Date().toISOString();
  constructor(readonly bench: string) {}

  add(f: Figure): void {
    f.note = [f.note, `load ${load()}`].filter(Boolean).join('; ');
    this.figures.push(f);
    if (!JSON_OUT) {
      const verdict = f.met === undefined ? '' : f.met ? '  [target met]' : '  [TARGET MISSED]';
      const target = f.target ? `  (target ${f.target})` : '';
      console.log(`${this.bench}: ${f.name} = ${f.value}${f.unit ? ' ' + f.unit : ''}${target}${verdict}  — ${f.note}`);
    }
  }

  info(line: string): void {
    if (!JSON_OUT) console.log(`${this.bench}: ${line}`);
    else console.error(`${this.bench}: ${line}`);
  }

  done(): void {
    if (JSON_OUT) {
      console.log(JSON.stringify({bench: this.bench, started: this.started, machine: machine(), figures: this.figures}));
    }
  }
}

// ---------------------------------------------------------------- a lab server in its own process

export interface LabProcess {
  pid: number;
  port: number;
  url: string;
  wsUrl: string;
  child: ChildProcess;
  stderr(): string;
  /** VmRSS and VmHWM of the server process, bytes. */
  memory(): {rss: number; hwm: number};
  stop(): Promise<void>;
}

/**
 * Start `server/src/main.ts` as one node process (tsx as an import hook, so
 * the PID is the server's). Never cleans the engine on start (other people's
 * tests share it); sessions end as soon as their socket closes, removing the
 * images they built.
 */
export async function startLabServer(opts: {
  port: number;
  env?: Record<string, string>;
  nodeArgs?: string[];
}): Promise<LabProcess> {
  const e = engineEnv();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DOCKER_HOST: e.DOCKER_HOST!,
    LAB_REGISTRY: e.LAB_REGISTRY ?? 'localhost:5000',
    LAB_PORT: String(opts.port),
    LAB_HOST: '127.0.0.1',
    LAB_CLEAN_ON_START: 'false',
    LAB_SESSION_GRACE_MS: '0',
    LAB_LOG_LEVEL: 'warn',
    LAB_COMMANDS_PER_MINUTE: '1000',
    ...opts.env,
  };
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => {
    err = (err + String(d)).slice(-20_000);
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`lab server exited (${child.exitCode}): ${err}`);
    try {
      const res = await fetch(`${url}/companion/status`);
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`lab server did not answer on ${url} within 60 s: ${err}`);
    }
    await sleep(200);
  }
  const pid = child.pid!;
  return {
    pid,
    port: opts.port,
    url,
    wsUrl: `ws://127.0.0.1:${opts.port}${WS_PATH}`,
    child,
    stderr: () => err,
    memory() {
      try {
        const s = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
        return {rss: kb('VmRSS'), hwm: kb('VmHWM')};
      } catch {
        return {rss: 0, hwm: 0};
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- protocol client

export interface Stamped {
  at: number;
  msg: ServerMessage;
}

/**
 * A page as far as the protocol goes, recording when each frame arrived
 * (performance.now()). Acks every output frame at once (a page whose terminal
 * draws instantly) unless autoAck is false. Keeps only small frames and
 * byte counts, so it can take 20 MB without quadratic work.
 */
export class BenchClient {
  readonly events: Stamped[] = [];
  outputBytes = 0;
  lastSeq = 0;
  sessionId = '';
  #ws: WebSocket;
  #waiters: Array<{pred: (s: Stamped) => boolean; resolve: (s: Stamped) => void}> = [];
  #onOutput: ((data: string, at: number) => void) | null = null;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (raw) => {
      const at = performance.now();
      const msg = parseServerMessage(String(raw));
      if (!msg) return;
      if (msg.t === 'output') {
        this.lastSeq = msg.seq;
        this.outputBytes += Buffer.byteLength(msg.data);
        this.#onOutput?.(msg.data, at);
        this.send({t: 'ack', seq: msg.seq});
        // Keep the frame but not its data.
        this.#dispatch({at, msg: {t: 'output', seq: msg.seq, data: ''}});
        return;
      }
      if (msg.t === 'hello') this.sessionId = msg.session.sessionId;
      this.#dispatch({at, msg});
    });
  }

  #dispatch(s: Stamped): void {
    this.events.push(s);
    const still: Array<{pred: (s: Stamped) => boolean; resolve: (s: Stamped) => void}> = [];
    for (const w of this.#waiters) if (w.pred(s)) w.resolve(s);
    else still.push(w);
    this.#waiters = still;
  }

  static async connect(url: string, headers?: Record<string, string>): Promise<BenchClient> {
    const ws = new WebSocket(url, {perMessageDeflate: false, ...(headers ? {headers} : {})});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const c = new BenchClient(ws);
    const hello = c.next((s) => s.msg.t === 'hello' || s.msg.t === 'error', 30_000);
    c.send({t: 'hello', v: PROTOCOL_VERSION, cols: 120, rows: 30});
    const h = await hello;
    if (h.msg.t === 'error') throw new Error(`hello refused: ${h.msg.code} ${h.msg.message}`);
    return c;
  }

  onOutput(fn: ((data: string, at: number) => void) | null): void {
    this.#onOutput = fn;
  }

  send(msg: ClientMessage): void {
    this.#ws.send(encode(msg));
  }

  /** The next frame (from now on) matching `pred`. */
  next(pred: (s: Stamped) => boolean, timeoutMs: number): Promise<Stamped> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (s: Stamped) => {
        clearTimeout(t);
        resolve(s);
      };
      this.#waiters.push({pred, resolve: done});
    });
  }

  /**
   * Press a block's Run: send `run`, resolve with the times (ms, from the send)
   * of the first output frame and of command-end, and the exit code.
   */
  async run(
    command: string,
    context?: {context: string; dockerfile: string},
    timeoutMs = 300_000,
  ): Promise<{firstOutputMs: number; endMs: number; exitCode: number}> {
    const blockId = `bench-${Math.random().toString(36).slice(2)}`;
    const first = this.next((s) => s.msg.t === 'output', timeoutMs);
    const end = this.next(
      (s) => (s.msg.t === 'command-end' && s.msg.blockId === blockId) || (s.msg.t === 'error' && s.msg.blockId === blockId),
      timeoutMs,
    );
    const t0 = performance.now();
    if (context) this.send({t: 'context', ...context});
    this.send({t: 'run', blockId, command, ...(context ? {context: context.context} : {})});
    const e = await end;
    if (e.msg.t === 'error') throw new Error(`run refused: ${e.msg.code}: ${e.msg.message}`);
    const f = await first;
    return {firstOutputMs: f.at - t0, endMs: e.at - t0, exitCode: (e.msg as {exitCode: number}).exitCode};
  }

  /** Type a line at the prompt (answers login prompts). */
  input(data: string): void {
    this.send({t: 'input', data});
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#ws.readyState === WebSocket.CLOSED) return resolve();
      this.#ws.once('close', () => resolve());
      this.#ws.close();
      setTimeout(resolve, 5000);
    });
  }
}

/** Strip ANSI escapes. */
export function plain(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x07/g, '');
}

/**
 * The docker CLI the benchmarks compare the lab with: the one the engine script provides
 * (Debian 13's docker-cli 26.1 beside the engine, `LAB_DOCKER_CLI` in its env), else a `docker`
 * on PATH; null when there is none, and the comparison is then skipped with a note.
 */
export function dockerCliPath(): string | null {
  const candidates = [engineEnv().LAB_DOCKER_CLI, ...(process.env.PATH ?? '').split(':').filter(Boolean).map((d) => path.join(d, 'docker'))];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not there: the next one
    }
  }
  return null;
}

/** Why a CLI comparison was skipped (for a report's info line). */
export const NO_DOCKER_CLI = 'skipped: no docker CLI (scripts/lab-engine.sh up provides one as LAB_DOCKER_CLI; or put docker on PATH)';

/**
 * Run the docker CLI against the lab engine with its buildx plugin (the engine script's
 * DOCKER_CONFIG, unless `extraEnv` names another). Null when there is no CLI; a run that could
 * not start has `error` set and empty output, never a crash.
 */
export function dockerCli(args: string[], extraEnv: Record<string, string> = {}, input?: string, timeoutMs = 300_000) {
  const cli = dockerCliPath();
  if (!cli) return null;
  const e = engineEnv();
  const res = spawnSync(cli, args, {
    env: {...process.env, DOCKER_HOST: e.DOCKER_HOST, ...(e.DOCKER_CONFIG ? {DOCKER_CONFIG: e.DOCKER_CONFIG} : {}), ...extraEnv},
    encoding: 'utf8',
    input,
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  return {...res, stdout: res.stdout ?? '', stderr: res.stderr ?? ''};
}

/** A bounded loop: stop after `count` iterations or when `budgetMs` is spent (whichever first). */
export function within(budgetMs: number): () => boolean {
  const end = Date.now() + budgetMs;
  return () => Date.now() < end;
}

/** Run a benchmark's main() when its file is run directly (not imported by run-all). */
export function runIfMain(mod: NodeModule, main: () => Promise<unknown>): void {
  if (require.main !== mod) return;
  withLoad(path.basename(mod.filename, '.ts'), main).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

/**
 * A benchmark between two lines giving the 1-minute load average before and after it: a figure
 * is comparable only when both were low (under 1.5 on this 2-core machine).
 */
export async function withLoad<T>(name: string, main: () => Promise<T>): Promise<T> {
  const say = (when: string) => (JSON_OUT ? console.error : console.log)(`${name}: load ${when}: ${load()}`);
  say('before');
  try {
    return await main();
  } finally {
    say('after');
  }
}
