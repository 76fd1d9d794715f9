import {timingSafeEqual} from 'node:crypto';
import {rm} from 'node:fs/promises';
import path from 'node:path';
import {OWNER_LABEL} from '../engine/labels';
import type {LabConfig} from '../config';
import {Engine} from '../engine';
import {EnginePool} from '../engine/pool';
import type {Logger} from '../log';
import {LabRegistryClient} from '../registry-auth/registry-client';
import type {Principal} from '../registry-auth/scopes';
import {createTokenHandler, listenTokenService, type TokenListener} from '../registry-auth/service';
import {TokenSigner} from '../registry-auth/signer';
import {CookieSigner} from './cookie';
import type {ReaderLink} from './link';
import {RESERVED_NAMES} from './names';
import {ReaderStore, type Reader} from './store';
import {formatSize} from '../../../src/protocol/readers';
import type {ReaderProgress} from '../../../src/protocol/progress';
import type {ProgressEvent} from '../progress/events';

/** Progress tracking, plugged in by server/src/progress (null: off). */
export interface ReaderProgressHook {
  report(reader: Reader, event: ProgressEvent): void;
  view(reader: Reader): ReaderProgress;
  load(reader: Reader): Promise<ReaderProgress>;
}

/** Something changed for a reader (disk use, password): their open sessions update their pages. */
export type ReaderListener = (reader: Reader) => void;

/**
 * Readers and everything that hangs on them: the store, the cookie, the
 * registry's token service, disk accounting, idle expiry and removal.
 */
export class ReaderServices {
  #sweep: NodeJS.Timeout | null = null;
  #listeners = new Set<ReaderListener>();
  /** Set by server/src/progress when progress is tracked. */
  progress: ReaderProgressHook | null = null;

  private constructor(
    readonly config: LabConfig,
    readonly store: ReaderStore,
    readonly cookies: CookieSigner,
    readonly signer: TokenSigner | null,
    readonly registry: LabRegistryClient | null,
    readonly token: TokenListener | null,
    /** The lab's engines: a reader's images live on the one they are placed on. */
    readonly engines: EnginePool,
    private readonly log: Logger,
  ) {}

  static async start(config: LabConfig, engine: Engine | EnginePool, log: Logger): Promise<ReaderServices> {
    const rc = config.readers;
    const reserved = new Set(RESERVED_NAMES);
    if (rc.demo) reserved.add(rc.demo.user);
    const store = await ReaderStore.open(path.join(rc.stateDir, 'readers'), reserved);
    const cookies = await CookieSigner.open(rc.stateDir);
    let signer: TokenSigner | null = null;
    let registry: LabRegistryClient | null = null;
    let token: TokenListener | null = null;
    if (rc.token) {
      signer = await TokenSigner.load(rc.token);
      registry = new LabRegistryClient(config.labRegistry, signer);
      const authenticate = async (user: string, password: string): Promise<Principal | null> => {
        if (rc.demo && user === rc.demo.user) {
          const a = Buffer.from(password);
          const b = Buffer.from(rc.demo.password.reveal());
          return a.length === b.length && timingSafeEqual(a, b) ? {kind: 'reader', name: user} : null;
        }
        return (await store.verify(user, password)) ? {kind: 'reader', name: user} : null;
      };
      token = await listenTokenService(createTokenHandler(signer, authenticate, log), rc.token.host, rc.token.port, log);
    }
    const engines = engine instanceof Engine ? EnginePool.single(engine) : engine;
    const services = new ReaderServices(config, store, cookies, signer, registry, token, engines, log);
    return services;
  }

  onChange(listener: ReaderListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(reader: Reader): void {
    for (const l of this.#listeners) l(reader);
  }

  /** Something about `reader` changed elsewhere (a milestone): their pages update. */
  notify(reader: Reader): void {
    this.#changed(reader);
  }

  /** The reader a request's cookie names, if the signature holds and the reader exists. */
  async fromCookie(cookieHeader: string | undefined): Promise<Reader | undefined> {
    const id = this.cookies.readerId(cookieHeader);
    return id ? this.store.findById(id) : undefined;
  }

  /** What a terminal session of `reader` needs. */
  link(reader: Reader): ReaderLink {
    const limit = this.config.readers.diskBytes;
    return {
      id: reader.id,
      name: reader.name,
      logins: reader.logins,
      touch: () => this.store.touch(reader),
      attach: () => {
        reader.sessions++;
        this.store.touch(reader);
      },
      detach: () => {
        reader.sessions = Math.max(0, reader.sessions - 1);
        this.store.touch(reader);
      },
      disk: () => ({used: reader.diskBytes, limit}),
      recount: () => this.recount(reader).then(() => undefined),
      refuseBuild: () =>
        limit > 0 && reader.diskBytes >= limit
          ? `your images use ${formatSize(reader.diskBytes)}, the lab's limit per reader is ${formatSize(limit)}: remove some (docker rmi) before building more`
          : null,
      report: (event) => this.progress?.report(reader, event),
      progress: () => this.progress?.view(reader) ?? {startedAt: reader.record.createdAt, done: {}},
    };
  }

  /** Count the reader's images (each image once; layers shared with base images count in full). */
  async recount(reader: Reader): Promise<number> {
    // On the reader's engine (images left on an engine they were moved off do not count).
    const home = await this.engines.homeOf(reader.id);
    const images = home ? await home.engine.listImages({labels: [`${OWNER_LABEL}=${reader.id}`]}).catch(() => null) : [];
    if (!images) return reader.diskBytes;
    const seen = new Map<string, number>();
    for (const i of images) seen.set(i.Id, i.Size ?? 0);
    const used = [...seen.values()].reduce((a, b) => a + b, 0);
    if (used !== reader.diskBytes) {
      reader.diskBytes = used;
      this.#changed(reader);
    }
    return used;
  }

  /** A new lab password for `reader` (their lab-registry logins end: the old password no longer works). */
  async regenerate(reader: Reader): Promise<string> {
    const password = await this.store.regenerate(reader);
    for (const [server] of reader.logins) {
      if (this.#isLabRegistry(server)) reader.logins.delete(server);
    }
    this.#changed(reader);
    this.log.info({event: 'reader-password', reader: reader.name}, 'lab password regenerated');
    return password;
  }

  #isLabRegistry(server: string): boolean {
    const canon = (a: string) => a.toLowerCase().replace(/^(localhost|127\.\d+\.\d+\.\d+|::1)(?=:|$)/, 'localhost');
    return canon(server) === canon(this.config.labRegistry);
  }

  /** Remove a reader: images, repositories in the lab registry, record. The name becomes free. */
  async remove(reader: Reader, reason: string): Promise<{images: number; repositories: number}> {
    let images = 0;
    // On every engine that answers: a reader moved off an engine may have left images there.
    for (const {engine, up} of this.engines.members) {
      if (!up) continue;
      for (const image of await engine.listImages({labels: [`${OWNER_LABEL}=${reader.id}`]}).catch(() => [])) {
        try {
          await engine.removeImage(image.Id, true);
          images++;
        } catch {
          /* already gone */
        }
      }
    }
    this.engines.forget(reader.id);
    let repositories = 0;
    if (this.registry) {
      const mine = (await this.registry.catalog().catch(() => [] as string[])).filter((r) => r.startsWith(`${reader.name}/`));
      for (const repo of mine) {
        await this.registry.deleteRepository(repo).catch(() => 0);
        repositories++;
      }
      // Distribution has no API to drop a repository's name: its folder goes, so the catalog forgets it
      // and a later reader of the same name starts empty.
      const dir = path.join(this.config.readers.stateDir, 'registry/data/docker/registry/v2/repositories', reader.name);
      await rm(dir, {recursive: true, force: true}).catch(() => {});
    }
    await this.store.remove(reader);
    this.#changed(reader); // its sessions end
    this.log.info({event: 'reader-removed', reader: reader.name, reason, images, repositories}, 'reader removed');
    return {images, repositories};
  }

  /** Look for idle readers every sweepMs; remove them. */
  watchIdle(): void {
    const {idleMs, sweepMs} = this.config.readers;
    this.#sweep = setInterval(() => {
      const now = Date.now();
      for (const r of this.store.list()) {
        if (r.sessions === 0 && now - r.lastSeen >= idleMs) void this.remove(r, 'idle').catch(() => {});
      }
    }, sweepMs);
    this.#sweep.unref();
  }

  async close(): Promise<void> {
    if (this.#sweep) clearInterval(this.#sweep);
    await this.token?.close();
  }
}
