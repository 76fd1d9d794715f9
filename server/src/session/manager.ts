import type {LabConfig} from '../config';
import type {Engine} from '../engine';
import {EnginePool} from '../engine/pool';
import type {LessonContexts} from '../lessons/context';
import type {Logger} from '../log';
import type {ReaderLink} from '../readers/link';
import type {ReaderServices} from '../readers/services';
import {Session} from './session';


export class SessionLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionLimitError';
  }
}

export interface ManagerDeps {
  engine: Engine;
  config: LabConfig;
  lessons: LessonContexts;
  log: Logger;
  /** Readers (server/src/readers); sessions of a reader share their images and logins. */
  readers?: ReaderServices;
  /** The engines (LAB_ENGINES); without it, a pool of `engine` alone. */
  pool?: EnginePool;
}

/**
 * Every live session, by its secret id. A session whose page went away is
 * kept for a grace period (so a page that reconnects finds its build still
 * running), then closed.
 */
export class SessionManager {
  readonly #sessions = new Map<string, Session>();
  readonly #expiry = new Map<Session, NodeJS.Timeout>();
  #engineUp = true;
  #health: NodeJS.Timeout | null = null;
  readonly pool: EnginePool;

  constructor(private readonly deps: ManagerDeps) {
    this.pool = deps.pool ?? EnginePool.single(deps.engine);
    // A reader's disk use or password changed: their pages hear of it; a removed reader's sessions end.
    deps.readers?.onChange((reader) => {
      const gone = !deps.readers!.store.byId(reader.id);
      for (const s of this.#sessions.values()) {
        if (s.reader?.id !== reader.id) continue;
        if (gone) void this.close(s, 'your lab name was removed');
        else s.engineChanged();
      }
    });
  }

  get size(): number {
    return this.#sessions.size;
  }

  get config(): LabConfig {
    return this.deps.config;
  }

  get engineUp(): boolean {
    return this.#engineUp;
  }

  /** A new session for a page at `clientKey` (its address); throws SessionLimitError when the limits say no. */
  create(clientKey: string, reader?: ReaderLink): Session {
    const {sessions, sessionsPerClient} = this.deps.config.limits;
    if (this.#sessions.size >= sessions) {
      // A page that went away does not hold a place in a full lab: the oldest such session makes room.
      const detached = [...this.#expiry.keys()].sort((a, b) => a.lastActivity - b.lastActivity)[0];
      if (detached) {
        void this.close(detached, 'replaced: the lab was full');
        return this.create(clientKey);
      }
      throw new SessionLimitError(`the lab is full (${sessions} sessions): try again in a few minutes`);
    }
    const fromClient = [...this.#sessions.values()].filter((s) => s.clientKey === clientKey);
    if (fromClient.length >= sessionsPerClient) {
      // A reader who reloads makes a new session each time: the oldest one whose page is gone makes room.
      const detached = fromClient.filter((s) => this.#expiry.has(s)).sort((a, b) => a.lastActivity - b.lastActivity)[0];
      if (detached) {
        void this.close(detached, 'replaced by a newer session from the same client');
        return this.create(clientKey, reader);
      }
      throw new SessionLimitError(
        `too many terminals open from your address (at most ${sessionsPerClient}): close some tabs first`,
      );
    }
    const session = new Session(
      {...this.deps, pool: this.pool, engineUp: () => this.#engineUp, ownerActive: (id) => this.#ownerActive(id)},
      clientKey,
      reader,
    );
    reader?.attach();
    this.pool.sessionOpened(session.state.ownerId);
    this.#sessions.set(session.id, session);
    // A page that stays behind its output (or never acknowledges it) ends its own session.
    session.output.onBehind((reason) => {
      session.log.warn({event: 'output-behind', reason}, 'page fell behind its output');
      void this.close(session, `the page fell behind: ${reason}`);
    });
    session.log.info({event: 'session-start', sessions: this.#sessions.size}, 'session started');
    return session;
  }

  #ownerActive(ownerId: string): boolean {
    if (this.deps.readers?.store.byId(ownerId)) return true; // a reader's images are theirs while the reader exists
    for (const s of this.#sessions.values()) {
      if (s.state.ownerId === ownerId) return !this.#expiry.has(s);
    }
    return false;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /**
   * A page is connected: the session must not expire, and it counts again as an open terminal on its
   * engine (the pool counts open terminals only: a page that went away is not one).
   */
  attached(session: Session): void {
    if (!this.#stopExpiry(session)) return;
    this.pool.sessionOpened(session.state.ownerId);
  }

  /** The page went away: close the session after the grace period unless it comes back. */
  detached(session: Session): void {
    if (this.#sessions.get(session.id) !== session) return; // already closed
    if (!this.#expiry.has(session)) this.pool.sessionClosed(session.state.ownerId);
    this.#stopExpiry(session);
    const t = setTimeout(() => void this.close(session, 'grace period over'), this.deps.config.limits.detachedSessionMs);
    t.unref();
    this.#expiry.set(session, t);
  }

  /** Whether the session was waiting for its page (detached); its expiry is cancelled. */
  #stopExpiry(session: Session): boolean {
    const t = this.#expiry.get(session);
    if (!t) return false;
    clearTimeout(t);
    this.#expiry.delete(session);
    return true;
  }

  async close(session: Session, reason: string): Promise<void> {
    const wasDetached = this.#stopExpiry(session);
    if (!this.#sessions.delete(session.id)) return;
    await session.close(reason);
    session.reader?.detach();
    if (!wasDetached) this.pool.sessionClosed(session.state.ownerId);
    session.log.info({event: 'session-end', reason, sessions: this.#sessions.size}, 'session ended');
  }

  async closeAll(): Promise<void> {
    if (this.#health) clearInterval(this.#health);
    if (this.#idle) clearInterval(this.#idle);
    await Promise.all([...this.#sessions.values()].map((s) => this.close(s, 'server stopping')));
  }

  /** End sessions nobody has typed in for the idle limit; warn a minute before. */
  watchIdle(everyMs = 10_000): void {
    const {idleSessionMs} = this.deps.config.limits;
    const warnAt = Math.max(idleSessionMs - 60_000, idleSessionMs / 2);
    this.#idle = setInterval(() => {
      const now = Date.now();
      for (const s of this.#sessions.values()) {
        if (s.busy) continue; // a long build is not idleness
        const idle = now - s.lastActivity;
        if (idle >= idleSessionMs) void this.close(s, 'idle');
        else if (idle >= warnAt) s.warnIdle(idleSessionMs - idle);
      }
    }, everyMs);
    this.#idle.unref();
  }

  #idle: NodeJS.Timeout | null = null;

  /** Ask the engines every `ms` whether they answer; tell sessions when the lab's state changes. */
  watchEngine(ms: number): void {
    const check = async () => {
      for (const m of await this.pool.check()) {
        if (this.pool.members.length === 1) break; // one engine: the lab's own state below says it
        this.deps.log.warn({event: m.up ? 'engine-up' : 'engine-down', engine: m.name}, m.up ? `engine ${m.name} answers again` : `engine ${m.name} does not answer: its readers move at their next command`);
      }
      const up = this.pool.anyUp;
      if (up === this.#engineUp) return;
      this.#engineUp = up;
      this.deps.log.warn({event: up ? 'engine-up' : 'engine-down'}, up ? 'engine answers again' : 'engine does not answer');
      for (const s of this.#sessions.values()) s.engineChanged();
    };
    void check();
    this.#health = setInterval(() => void check(), ms);
    this.#health.unref();
  }
}
