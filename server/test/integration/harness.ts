/**
 * Test harness: a real lab server (in this process, on a free port) against
 * the real engine and registry that scripts/lab-engine.sh provides, and a
 * real WebSocket client speaking the protocol.
 */
import path from 'node:path';
import {Writable} from 'node:stream';
import WebSocket from 'ws';
import {afterAll, beforeAll} from 'vitest';
import {startLab, type RunningLab} from '../../src/app';
import {labEnv, ROOT, TOKEN_KEYS} from './lab-env';
import {loadConfig, type LabConfig} from '../../src/config';
import {createLogger} from '../../src/log';
import {SocketWaiter} from '../../src/record/socket-waiter';
import {
  PROTOCOL_VERSION,
  WS_PATH,
  encode,
  parseServerMessage,
  type ClientMessage,
  type CommandEndMessage,
  type ServerMessage,
  type SessionInfo,
} from '../../../src/protocol';

export interface TestLab {
  lab: RunningLab;
  config: LabConfig;
  url: string;
  /** Every log line the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

/** One test lab for a whole file: started before its tests, closed after them. */
export function fileTestLab(env: Record<string, string> = {}): {readonly url: string; readonly lab: TestLab} {
  let lab: TestLab | undefined;
  beforeAll(async () => {
    lab = await startTestLab(env);
  });
  afterAll(async () => {
    await lab?.close();
  });
  return {
    get url() {
      return lab!.url;
    },
    get lab() {
      return lab!;
    },
  };
}

export async function startTestLab(env: Record<string, string> = {}): Promise<TestLab> {
  const e = labEnv();
  const config = loadConfig(
    {
      DOCKER_HOST: e.DOCKER_HOST,
      LAB_REGISTRY: e.LAB_REGISTRY ?? 'localhost:5000',
      LAB_PORT: '0',
      LAB_SITE_DIR: path.join(ROOT, '.lab/no-site'),
      LAB_LESSONS_DIR: path.join(ROOT, 'server/test/fixtures/lessons'),
      // Several test labs share the engine, one after another within a file: none may wipe another's images.
      LAB_CLEAN_ON_START: 'false',
      ...Object.fromEntries(TOKEN_KEYS.filter((k) => e[k]).map((k) => [k, e[k]!])),
      ...(e.LAB_REGISTRY_USER ? {LAB_REGISTRY_USER: e.LAB_REGISTRY_USER, LAB_REGISTRY_PASSWORD: e.LAB_REGISTRY_PASSWORD ?? ''} : {}),
      ...env,
    },
    ROOT,
  );
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({level: 'debug', destination});
  const lab = await startLab(config, log);
  const made = new Set<string>();
  createdReaders.set(lab, made);
  return {
    lab,
    config,
    logs,
    url: `ws://127.0.0.1:${lab.port}${WS_PATH}`,
    close: async () => {
      // Readers' images outlive their sessions: remove the test's readers (images, repositories) so
      // nothing stays behind in the shared engine.
      for (const name of made) {
        const r = lab.readers.store.get(name);
        if (r) await lab.readers.remove(r, 'test over').catch(() => undefined);
      }
      await lab.close();
    },
  };
}

/** Readers each test lab made through createReader, removed when it closes. */
const createdReaders = new WeakMap<RunningLab, Set<string>>();

/** Strip ANSI escape sequences (colours, cursor moves) from terminal text. */
export function plain(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x07/g, '');
}

/** A page, as far as the protocol goes. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  output = '';
  lastSeq = 0;
  session!: SessionInfo;
  #ws: WebSocket;
  readonly #waiter: SocketWaiter;
  #autoAck: boolean;

  private constructor(ws: WebSocket, autoAck: boolean) {
    this.#ws = ws;
    this.#waiter = new SocketWaiter(ws, () => `; output:\n${this.text.slice(-2000)}`);
    this.#autoAck = autoAck;
    ws.on('message', (data) => {
      const msg = parseServerMessage(String(data));
      if (!msg) return;
      this.messages.push(msg);
      if (msg.t === 'output') {
        if (msg.seq <= this.lastSeq) return; // a replayed chunk already drawn
        if (msg.seq !== this.lastSeq + 1) throw new Error(`output seq ${msg.seq} after ${this.lastSeq}`);
        this.lastSeq = msg.seq;
        this.output += msg.data;
        if (this.#autoAck) this.send({t: 'ack', seq: msg.seq});
      }
      if (msg.t === 'hello' || msg.t === 'status') this.session = msg.session;
      this.#waiter.notify();
    });
    ws.on('close', () => {
      this.#waiter.notify();
    });
  }

  static async connect(
    url: string,
    opts: {
      resume?: {sessionId: string; lastSeq: number};
      origin?: string;
      autoAck?: boolean;
      cols?: number;
      /** Carry on from this client's terminal (after a dropped connection). */
      continueFrom?: TestClient;
      /** Cookie header (the reader cookie a browser would send). */
      cookie?: string;
      /** Connect from this local address (e.g. another 127.x.y.z). */
      localAddress?: string;
      /** X-Forwarded-For, as a reverse proxy in front of the lab would send it. */
      forwardedFor?: string;
    } = {},
  ): Promise<TestClient> {
    const headers = {...(opts.cookie ? {cookie: opts.cookie} : {}), ...(opts.forwardedFor ? {'x-forwarded-for': opts.forwardedFor} : {})};
    const ws = new WebSocket(url, {
      ...(opts.origin ? {origin: opts.origin} : {}),
      ...(Object.keys(headers).length ? {headers} : {}),
      ...(opts.localAddress ? {localAddress: opts.localAddress} : {}),
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    const client = new TestClient(ws, opts.autoAck ?? true);
    if (opts.continueFrom) {
      client.output = opts.continueFrom.output;
      client.lastSeq = opts.continueFrom.lastSeq;
    }
    client.send({t: 'hello', v: PROTOCOL_VERSION, cols: opts.cols ?? 120, rows: 30, ...(opts.resume ? {resume: opts.resume} : {})});
    await client.waitFor((m) => m.t === 'hello' || (m.t === 'error' && (m.code === 'no-session' || m.code === 'session-limit')));
    return client;
  }

  get ws(): WebSocket {
    return this.#ws;
  }

  get text(): string {
    return plain(this.output);
  }

  send(msg: ClientMessage): void {
    this.#ws.send(encode(msg));
  }

  sendRaw(data: string | Buffer): void {
    this.#ws.send(data);
  }

  /** Wait until a received message matches (looking at those already received too). */
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs = 60_000, from = 0): Promise<ServerMessage> {
    return this.#until(() => this.messages.slice(from).find(pred), timeoutMs, 'message');
  }

  /** Wait until the terminal's plain text matches. */
  waitForText(re: RegExp, timeoutMs = 60_000): Promise<string> {
    return this.#until(() => (re.test(this.text) ? this.text : undefined), timeoutMs, `text ${re}`);
  }

  /** Type a line at the prompt and wait for its command to end. */
  async type(line: string, timeoutMs = 120_000): Promise<CommandEndMessage> {
    const from = this.messages.length;
    this.send({t: 'input', data: `${line}\r`});
    return (await this.waitFor((m) => m.t === 'command-end', timeoutMs, from)) as CommandEndMessage;
  }

  /** What a block's Run sends: the lesson's Dockerfile on its one channel (a `context` frame), then the `run`. */
  sendRun(blockId: string, command: string, context?: {context: string; dockerfile: string}): void {
    if (context) this.send({t: 'context', ...context});
    this.send({t: 'run', blockId, command, ...(context ? {context: context.context} : {})});
  }

  /** Press a block's Run button and wait for its command to end. */
  async run(command: string, context?: {context: string; dockerfile: string}, timeoutMs = 120_000): Promise<CommandEndMessage> {
    const from = this.messages.length;
    const blockId = `block-${from}`;
    this.sendRun(blockId, command, context);
    return (await this.waitFor(
      (m) => (m.t === 'command-end' && m.blockId === blockId) || (m.t === 'error' && m.code === 'busy'),
      timeoutMs,
      from,
    )) as CommandEndMessage;
  }

  /** Output printed since a mark (`const mark = client.output.length`). */
  since(mark: number): string {
    return plain(this.output.slice(mark));
  }

  close(): void {
    this.#ws.close();
  }

  #until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.#waiter.until(probe, timeoutMs, what);
  }
}

export {labEnv, registryGet, ROOT, uniqueName} from './lab-env';

/** A reader made as a page makes one (POST /companion/reader from the lab's own origin). */
export interface TestReader {
  name: string;
  password: string;
  /** `lab_reader=…`: what the browser sends back. */
  cookie: string;
}

export async function createReader(lab: TestLab, name: string): Promise<TestReader> {
  const origin = `http://127.0.0.1:${lab.lab.port}`;
  const res = await fetch(`${origin}/companion/reader`, {
    method: 'POST',
    headers: {'content-type': 'application/json', origin},
    body: JSON.stringify({name}),
  });
  const body = (await res.json()) as {password?: string; error?: string};
  if (res.status !== 201 || !body.password) throw new Error(`creating reader ${name}: HTTP ${res.status} ${body.error ?? ''}`);
  createdReaders.get(lab.lab)?.add(name);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return {name, password: body.password, cookie};
}

/** A short unique lab name (2–30 characters). */
export function uniqueReaderName(prefix: string): string {
  return `${prefix}${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 6)}`;
}
