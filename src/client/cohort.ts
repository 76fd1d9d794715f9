/**
 * The cohort view's side of the admin API: the snapshot, its live events and
 * the CSV, each with the admin token in an Authorization header (the token is
 * held in the page's memory only, never in storage). No React, no DOM.
 */
import {COHORT_CSV_PATH, COHORT_EVENTS_PATH, COHORT_PATH, type CohortSnapshot} from '../protocol/progress';
import {ADMIN_ENGINES_PATH, type EngineView, type EnginesReply} from '../protocol/engines';

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class AdminRefused extends Error {}

/** Splits a text/event-stream into its events; feed it chunks, it calls back per complete `cohort` event. */
export class EventStreamParser {
  #buf = '';
  /** A chunk that ended in CR: the next may start with its LF. */
  #cr = false;

  constructor(private readonly onEvent: (name: string, data: string) => void) {}

  push(chunk: string): void {
    let text = this.#cr && chunk.startsWith('\n') ? chunk.slice(1) : chunk;
    this.#cr = text.endsWith('\r');
    text = text.replace(/\r\n?/g, '\n');
    this.#buf += text;
    for (let i = this.#buf.indexOf('\n\n'); i >= 0; i = this.#buf.indexOf('\n\n')) {
      const block = this.#buf.slice(0, i);
      this.#buf = this.#buf.slice(i + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) this.onEvent(name, data.join('\n'));
    }
  }
}

export class CohortClient {
  constructor(
    private readonly token: string,
    private readonly fetcher: Fetch = (i, init) => fetch(i, init),
  ) {}

  async #get(path: string, signal?: AbortSignal, method = 'GET'): Promise<Response> {
    const res = await this.fetcher(path, {method, headers: {authorization: `Bearer ${this.token}`}, cache: 'no-store', credentials: 'omit', signal});
    if (res.status === 401 || res.status === 404) {
      const body = (await res.json().catch(() => ({}))) as {error?: string};
      throw new AdminRefused(body.error || `the lab server refused (HTTP ${res.status})`);
    }
    if (!res.ok) throw new Error(`the lab server answered HTTP ${res.status}`);
    return res;
  }

  async snapshot(): Promise<CohortSnapshot> {
    return (await (await this.#get(COHORT_PATH)).json()) as CohortSnapshot;
  }

  /** Placement and load per engine of the pool. */
  async engines(signal?: AbortSignal): Promise<EnginesReply> {
    return (await (await this.#get(ADMIN_ENGINES_PATH, signal)).json()) as EnginesReply;
  }

  /** Drain `name` (no new readers placed there) or, with `drain` false, open it again. */
  async drainEngine(name: string, drain: boolean): Promise<EngineView> {
    const path = `${ADMIN_ENGINES_PATH}/${encodeURIComponent(name)}/${drain ? 'drain' : 'undrain'}`;
    return ((await (await this.#get(path, undefined, 'POST')).json()) as {engine: EngineView}).engine;
  }

  async csv(): Promise<Blob> {
    return (await this.#get(COHORT_CSV_PATH)).blob();
  }

  /** Calls `onSnapshot` for each live update until `signal` aborts or the stream ends (then resolves). */
  async watch(onSnapshot: (s: CohortSnapshot) => void, signal: AbortSignal): Promise<void> {
    const res = await this.#get(COHORT_EVENTS_PATH, signal);
    if (!res.body) return;
    const parser = new EventStreamParser((name, data) => {
      if (name === 'cohort') onSnapshot(JSON.parse(data) as CohortSnapshot);
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const {value, done} = await reader.read();
        if (done) return;
        parser.push(value);
      }
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }
}
