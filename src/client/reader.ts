/**
 * This browser's reader (lab name) on the page's side: asks the companion
 * server (`/companion/reader`), chooses a name, shows or regenerates the lab
 * password. The reader is named by an HttpOnly cookie the page cannot read; the
 * password is held only in this object's memory while shown, never in storage.
 * No React, no DOM: the ReaderPanel component subscribes to it.
 */
import {formatSize, READER_PASSWORD_PATH, READER_PATH, type ReaderReply, type ReaderView} from '../protocol/readers';

export {formatSize};

export interface ReaderState {
  /** undefined: not asked yet; null: no name chosen in this browser. */
  reader: ReaderView | null | undefined;
  /** The lab password while the dock shows it. */
  password: string | null;
  error: string | null;
  busy: boolean;
  /** What the last action changed beyond what the panel shows (regenerating ends the registry login). */
  notice: string | null;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

let shared: ReaderClient | null = null;
/** One reader client per page (module-level, like the session client in LabProvider). */
export function sharedReaderClient(): ReaderClient {
  shared ??= new ReaderClient();
  return shared;
}

export class ReaderClient {
  #state: ReaderState = {reader: undefined, password: null, error: null, busy: false, notice: null};
  #listeners = new Set<() => void>();

  constructor(private readonly fetcher: Fetch = (i, init) => fetch(i, init)) {}

  get = (): ReaderState => this.#state;

  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };

  #set(patch: Partial<ReaderState>): void {
    this.#state = {...this.#state, ...patch};
    for (const l of [...this.#listeners]) l();
  }

  async #call(path: string, body?: unknown): Promise<ReaderReply & {password?: string}> {
    const res = await this.fetcher(path, {
      method: body === undefined ? 'GET' : 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? {} : {'content-type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = (await res.json().catch(() => ({}))) as ReaderReply & {password?: string};
    if (!res.ok) throw new Error(reply.error || `the lab server answered ${res.status}`);
    return reply;
  }

  /** Ask the server who this browser's reader is (on load, and when told something changed). */
  async refresh(): Promise<void> {
    try {
      const reply = await this.#call(READER_PATH);
      this.#set({reader: reply.reader ?? null, error: null});
    } catch {
      // Offline or no companion server: the dock shows the connection state already.
      if (this.#state.reader === undefined) this.#set({reader: undefined});
    }
  }

  /** Choose a lab name. True when it worked; the lab password is then shown. */
  async choose(name: string): Promise<boolean> {
    this.#set({busy: true, error: null});
    try {
      const reply = await this.#call(READER_PATH, {name});
      this.#set({reader: reply.reader ?? null, password: reply.password ?? null, busy: false});
      return true;
    } catch (err) {
      this.#set({busy: false, error: (err as Error).message});
      return false;
    }
  }

  async showPassword(): Promise<void> {
    await this.#passwordAction('show');
  }

  async regenerate(): Promise<void> {
    await this.#passwordAction('regenerate');
  }

  hidePassword(): void {
    this.#set({password: null});
  }

  async #passwordAction(action: 'show' | 'regenerate'): Promise<void> {
    this.#set({busy: true, error: null, notice: null});
    try {
      const reply = await this.#call(READER_PASSWORD_PATH, {action});
      // The server ends the registry login that used the old password, in every tab: say so.
      const notice = action === 'regenerate' ? 'New lab password: your lab registry login ended, so run docker login again with it.' : null;
      this.#set({password: reply.password ?? null, busy: false, notice, ...(reply.reader ? {reader: reply.reader} : {})});
    } catch (err) {
      this.#set({busy: false, error: (err as Error).message});
    }
  }
}
