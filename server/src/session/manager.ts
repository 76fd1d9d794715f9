import type {LabConfig} from '../config';
import type {Engine} from '../engine';
import type {LessonContexts} from '../lessons/context';
import type {Logger} from '../log';
import {Session} from './session';

export interface ManagerDeps {
  engine: Engine;
  config: LabConfig;
  contexts: LessonContexts;
  log: Logger;
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

  constructor(private readonly deps: ManagerDeps) {}

  get size(): number {
    return this.#sessions.size;
  }

  get engineUp(): boolean {
    return this.#engineUp;
  }

  create(): Session {
    const session = new Session({...this.deps, engineUp: () => this.#engineUp});
    this.#sessions.set(session.id, session);
    session.log.info({event: 'session-start', sessions: this.#sessions.size}, 'session started');
    return session;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** A page is connected: the session must not expire. */
  attached(session: Session): void {
    const t = this.#expiry.get(session);
    if (t) clearTimeout(t);
    this.#expiry.delete(session);
  }

  /** The page went away: close the session after the grace period unless it comes back. */
  detached(session: Session): void {
    this.attached(session);
    const t = setTimeout(() => void this.close(session, 'grace period over'), this.deps.config.limits.detachedSessionMs);
    t.unref();
    this.#expiry.set(session, t);
  }

  async close(session: Session, reason: string): Promise<void> {
    this.attached(session);
    if (!this.#sessions.delete(session.id)) return;
    await session.close();
    session.log.info({event: 'session-end', reason, sessions: this.#sessions.size}, 'session ended');
  }

  async closeAll(): Promise<void> {
    if (this.#health) clearInterval(this.#health);
    await Promise.all([...this.#sessions.values()].map((s) => this.close(s, 'server stopping')));
  }

  /** Ask the engine every `ms` whether it answers; tell sessions when that changes. */
  watchEngine(ms: number): void {
    const check = async () => {
      const up = await this.deps.engine.ping();
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
