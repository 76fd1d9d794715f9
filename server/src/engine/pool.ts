import {OWNER_LABEL} from './labels';
import {answers, PING_TIMEOUT_MS, within} from './health';
import {Engine} from './index';
import {leastLoaded} from './placement';
import {engineEnv, type EngineSpec} from './pool-config';
import type {EngineAssessment, EngineVersion} from './version';

/** One engine of the pool and what the server knows of it. */
export interface PoolMember {
  readonly name: string;
  readonly address: string;
  readonly engine: Engine;
  /** Last health check's verdict (true until the first check says otherwise). */
  up: boolean;
  /** Drained by an operator: nobody new is placed here; those placed here stay. */
  draining: boolean;
  /** When it was last checked (ms since the epoch), null before the first check. */
  checkedAt: number | null;
  /** Its Docker version, from the first call that negotiated the API version. */
  version: string | null;
  /** Commands running on it now. */
  running: number;
}

/** A reader who was moved: their engine stopped answering and they now run on another. */
export interface Moved {
  from: string;
  to: string;
}

/**
 * The lab's Docker engines and who is placed on which. An owner (a reader's id, or an anonymous
 * session's) lives on one engine: their images and build cache are there. They are placed at their
 * first session on the least loaded engine that answers and is not drained, stay there (sticky),
 * and are moved only when their engine stops answering and another answers (at their next command).
 * Placement is kept in memory: after a restart an owner is found again by their labelled images.
 * With one engine (the zero-setting case) every owner is simply on it.
 */
export class EnginePool {
  readonly members: readonly PoolMember[];
  readonly #home = new Map<string, PoolMember>();
  readonly #sessions = new Map<string, number>();
  readonly #locating = new Map<string, Promise<PoolMember | null>>();

  constructor(engines: ReadonlyArray<{name: string; engine: Engine}>) {
    if (engines.length === 0) throw new Error('an engine pool needs at least one engine');
    this.members = engines.map(({name, engine}) => ({
      name,
      address: engine.address,
      engine,
      up: true,
      draining: false,
      checkedAt: null,
      version: null,
      running: 0,
    }));
  }

  /** The pool of LAB_ENGINES (config.engines); `onVersion` hears each engine's version as Engine's callback. */
  static fromSpecs(
    specs: readonly EngineSpec[],
    onVersion?: (member: PoolMember, v: EngineVersion, assessment: EngineAssessment) => void,
  ): EnginePool {
    const made: {pool?: EnginePool} = {};
    const engines = specs.map((spec, i) => ({
      name: spec.name,
      engine: new Engine(
        spec.address,
        (v, a) => {
          const member = made.pool?.members[i];
          if (!member) return;
          member.version = v.Version;
          onVersion?.(member, v, a);
        },
        engineEnv(spec),
      ),
    }));
    made.pool = new EnginePool(engines);
    return made.pool;
  }

  /** A pool of one engine (what tests and callers that know of one engine pass). */
  static single(engine: Engine, name = 'default'): EnginePool {
    return new EnginePool([{name, engine}]);
  }

  /** The first engine listed (today's one engine in the zero-setting case). */
  get first(): Engine {
    return this.members[0]!.engine;
  }

  /** Whether any engine answers (the lab can run commands). */
  get anyUp(): boolean {
    return this.members.some((m) => m.up);
  }

  byName(name: string): PoolMember | undefined {
    return this.members.find((m) => m.name === name);
  }

  /** The engine `ownerId` is placed on, if any (no lookup, no placement). */
  placed(ownerId: string): PoolMember | undefined {
    return this.members.length === 1 ? this.members[0] : this.#home.get(ownerId);
  }

  /** A terminal of `ownerId` opened: they count as active on their engine (placed now if new). */
  sessionOpened(ownerId: string): void {
    this.#sessions.set(ownerId, (this.#sessions.get(ownerId) ?? 0) + 1);
    void this.place(ownerId).catch(() => undefined);
  }

  sessionClosed(ownerId: string): void {
    const n = (this.#sessions.get(ownerId) ?? 0) - 1;
    if (n > 0) this.#sessions.set(ownerId, n);
    else this.#sessions.delete(ownerId);
  }

  /** The owner is gone (a reader removed, an anonymous session ended): their place is free. */
  forget(ownerId: string): void {
    this.#home.delete(ownerId);
  }

  /**
   * Where `ownerId`'s images are: their engine, or (after a restart) the engine holding images
   * labelled with their id; null when they have none yet. Places nobody new, moves nobody.
   */
  async homeOf(ownerId: string): Promise<PoolMember | null> {
    const known = this.placed(ownerId);
    if (known) return known;
    let locating = this.#locating.get(ownerId);
    if (!locating) {
      locating = this.#locate(ownerId).finally(() => this.#locating.delete(ownerId));
      this.#locating.set(ownerId, locating);
    }
    return locating;
  }

  async #locate(ownerId: string): Promise<PoolMember | null> {
    const found = await Promise.all(
      this.members.map(async (m) => {
        if (!m.up) return false;
        // An engine that hangs (not yet noticed by the health check) does not hold up the reader's command.
        const images = await within(m.engine.listImages({labels: [`${OWNER_LABEL}=${ownerId}`]}), 2 * PING_TIMEOUT_MS, []);
        return images.length > 0;
      }),
    );
    // Images on several engines (moved before a restart): the first one that is not drained.
    const holders = this.members.filter((_, i) => found[i]);
    const home = holders.find((m) => !m.draining) ?? holders[0] ?? null;
    if (home && !this.#home.has(ownerId)) this.#home.set(ownerId, home);
    return this.#home.get(ownerId) ?? home;
  }

  /**
   * The engine for `ownerId`'s next command: their own while it answers; a new owner is placed on the
   * least loaded engine; an owner whose engine stopped answering is moved to the least loaded one that
   * answers (`moved` says from where to where). When none answers they stay where they are (the
   * command then says the engine does not answer).
   */
  async place(ownerId: string): Promise<{member: PoolMember; moved?: Moved}> {
    const home = await this.homeOf(ownerId);
    if (home?.up) return {member: home};
    const target = leastLoaded(this.#candidates());
    if (!target) return {member: home ?? this.#home.get(ownerId) ?? this.members[0]!};
    const current = this.#home.get(ownerId);
    if (current?.up) return {member: current}; // placed meanwhile by a concurrent call
    this.#home.set(ownerId, target.member);
    return current ? {member: target.member, moved: {from: current.name, to: target.member.name}} : {member: target.member};
  }

  #candidates() {
    return this.members.map((member) => {
      let active = 0;
      let placed = 0;
      for (const [owner, m] of this.#home) {
        if (m !== member) continue;
        placed++;
        if (this.#sessions.has(owner)) active++;
      }
      return {member, up: member.up, draining: member.draining, running: member.running, active, placed};
    });
  }

  /** Ask every engine whether it answers; returns those whose state changed. */
  async check(): Promise<PoolMember[]> {
    const changed: PoolMember[] = [];
    await Promise.all(
      this.members.map(async (m) => {
        const up = await answers(m.engine);
        m.checkedAt = Date.now();
        if (up !== m.up) {
          m.up = up;
          changed.push(m);
        }
      }),
    );
    return changed;
  }

  /** Drain (no new owners) or open an engine again; undefined when no engine has that name. */
  drain(name: string, draining: boolean): PoolMember | undefined {
    const m = this.byName(name);
    if (m) m.draining = draining;
    return m;
  }

  /** Per engine: who is placed there, how many are active, sessions and running commands. */
  load(): Array<{member: PoolMember; owners: string[]; active: number; sessions: number}> {
    return this.members.map((member) => {
      const owners: string[] = [];
      let active = 0;
      let sessions = 0;
      for (const [owner, m] of this.#home) {
        if (m !== member) continue;
        owners.push(owner);
        const n = this.#sessions.get(owner) ?? 0;
        if (n > 0) active++;
        sessions += n;
      }
      if (this.members.length === 1) {
        // One engine: everyone is on it, whether or not a lookup placed them.
        for (const [owner, n] of this.#sessions) {
          if (this.#home.has(owner)) continue;
          owners.push(owner);
          active++;
          sessions += n;
        }
      }
      return {member, owners, active, sessions};
    });
  }
}
