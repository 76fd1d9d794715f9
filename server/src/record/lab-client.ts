/**
 * A page's side of the lab protocol, without a browser: one WebSocket to a lab
 * server, the hello, acknowledged and timed output, and waiting for frames.
 * The recorder drives the lessons through it (and a script can too).
 */
import WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  encode,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
  type SessionInfo,
} from '../../../src/protocol';
import {SocketWaiter} from './socket-waiter';

/** A chunk of output and when it arrived (ms, performance.now()). */
export interface TimedOutput {
  at: number;
  data: string;
}

export class LabClient {
  readonly messages: ServerMessage[] = [];
  /** When each message arrived (ms, performance.now()), by index. */
  readonly receivedAt: number[] = [];
  readonly output: TimedOutput[] = [];
  session: SessionInfo | null = null;
  #lastSeq = 0;
  #ws: WebSocket;
  readonly #waiter: SocketWaiter;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.#waiter = new SocketWaiter(ws);
    ws.on('message', (data) => {
      const msg = parseServerMessage(String(data));
      if (!msg) return;
      this.messages.push(msg);
      this.receivedAt.push(performance.now());
      if (msg.t === 'output' && msg.seq > this.#lastSeq) {
        this.#lastSeq = msg.seq;
        this.output.push({at: performance.now(), data: msg.data});
        this.send({t: 'ack', seq: msg.seq});
      }
      if (msg.t === 'hello' || msg.t === 'status') this.session = msg.session;
      this.#waiter.notify();
    });
    ws.on('close', () => this.#waiter.notify());
  }

  /** Connect (as the reader whose cookie is given) and wait for the session. */
  static async connect(url: string, opts: {cookie?: string; origin?: string; cols?: number; rows?: number} = {}): Promise<LabClient> {
    const ws = new WebSocket(url, {
      ...(opts.origin ? {origin: opts.origin} : {}),
      ...(opts.cookie ? {headers: {cookie: opts.cookie}} : {}),
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the lab server answered HTTP ${res.statusCode}`)));
    });
    const client = new LabClient(ws);
    client.send({t: 'hello', v: PROTOCOL_VERSION, cols: opts.cols ?? 100, rows: opts.rows ?? 30});
    const first = await client.waitFor((m) => m.t === 'hello' || m.t === 'error', 30_000);
    if (first.t === 'error') throw new Error(`the lab server refused the session: ${first.message}`);
    return client;
  }

  send(msg: ClientMessage): void {
    this.#ws.send(encode(msg));
  }

  /** All output so far, as one string. */
  get text(): string {
    return this.output.map((o) => o.data).join('');
  }

  /** Wait until a received message (from index `from` on) matches. */
  waitFor(pred: (m: ServerMessage) => boolean, timeoutMs: number, from = 0): Promise<ServerMessage> {
    return this.until(() => this.messages.slice(from).find(pred), timeoutMs, 'a message from the server');
  }

  /** Wait until `probe` returns a value (checked at every frame). */
  until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return this.#waiter.until(probe, timeoutMs, what);
  }

  close(): void {
    this.#ws.close();
  }
}
