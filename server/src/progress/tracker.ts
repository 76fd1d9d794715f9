import {createHash} from 'node:crypto';
import type {MilestoneId, ReaderProgress} from '../../../src/protocol/progress';
import type {Engine} from '../engine';
import {OWNER_LABEL} from '../engine/labels';
import {parseReference, repository, sameRegistry, withDefaultTag} from '../images/reference';
import type {Logger} from '../log';
import type {Reader} from '../readers/store';
import type {ProgressEvent} from './events';
import type {ProgressRecord, ProgressStore} from './store';

/** The repository whose pushes count: `<reader>/hello` on the lab registry. */
export const PUSHED_REPOSITORY = 'hello';
/** The lesson context of the PyTorch example. */
export const PYTORCH_LESSON = 'pytorch';

/** What the tracker asks the lab registry (LabRegistryClient has it). */
export interface RegistryDigests {
  digest(repo: string, tag: string): Promise<string | null>;
}

export interface TrackerDeps {
  /** The engine a reader's images live on (with a pool of engines, the one they are placed on). */
  engineOf: (ownerId: string) => Pick<Engine, 'inspectImage'>;
  /** Null when the lab registry has no token service (no way to ask it): pushes tick nothing then. */
  registry: RegistryDigests | null;
  labRegistry: string;
  store: ProgressStore;
  log: Logger;
  /** A milestone was ticked for `reader`: their pages and the cohort view update. */
  ticked: (reader: Reader, milestone: MilestoneId) => void;
}

/** Dockerfile text compared without trailing blanks, so a stray newline is not an edit. */
function dockerfileHash(text: string): string {
  const norm = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd()).join('\n').trim();
  return createHash('sha256').update(norm).digest('hex');
}

/**
 * Ticks a reader's milestones from the events their commands report, each
 * only after checking the real thing: the image in the engine carries the
 * reader's owner label; the login is held for the reader under their own name;
 * the registry holds `<reader>/hello:<tag>` with the digest the engine recorded
 * for the reader's image. Events of one reader are handled one at a time.
 */
export class ProgressTracker {
  readonly #queues = new Map<string, Promise<void>>();
  /** Layers of each reader's builds seen by this process (a rebuild that reused them all is a cached rebuild). */
  readonly #layers = new Map<string, Set<string>>();

  constructor(private readonly deps: TrackerDeps) {}

  /** What the page and the cohort view show (from the cache; `load` first for a reader not seen yet). */
  view(reader: Reader): ReaderProgress {
    const r = this.deps.store.peek(reader.id);
    // Not read from disk yet (a restarted server): the next view has it.
    if (!r) void this.deps.store.get(reader.id).catch(() => {});
    return {startedAt: reader.record.createdAt, done: {...(r?.done ?? {})}};
  }

  async load(reader: Reader): Promise<ReaderProgress> {
    await this.deps.store.get(reader.id);
    return this.view(reader);
  }

  /** Handle an event (in the background, after the reader's earlier ones); never throws. */
  report(reader: Reader, event: ProgressEvent): Promise<void> {
    const prev = this.#queues.get(reader.id) ?? Promise.resolve();
    const next = prev.then(() => this.#handle(reader, event)).catch((err: unknown) => {
      this.deps.log.warn({event: 'progress-check-failed', kind: event.kind, reader: reader.name, err: (err as Error).message}, 'progress: could not check an event');
    });
    this.#queues.set(reader.id, next);
    void next.then(() => {
      if (this.#queues.get(reader.id) === next) this.#queues.delete(reader.id);
    });
    return next;
  }

  /** Wait until the reader's reported events are handled (tests, shutdown). */
  async settled(reader: Reader): Promise<void> {
    await this.#queues.get(reader.id);
  }

  /** Drop a reader's progress, after their events being checked (one finishing later would save it again). */
  async forget(readerId: string): Promise<void> {
    const prev = this.#queues.get(readerId) ?? Promise.resolve();
    const next = prev.then(async () => {
      this.#layers.delete(readerId);
      await this.deps.store.remove(readerId);
    });
    const settled = next.catch(() => undefined);
    this.#queues.set(readerId, settled);
    void settled.then(() => {
      if (this.#queues.get(readerId) === settled) this.#queues.delete(readerId);
    });
    await next;
  }

  async #handle(reader: Reader, event: ProgressEvent): Promise<void> {
    const record = await this.deps.store.get(reader.id);
    const ticks: MilestoneId[] = [];
    const tick = (id: MilestoneId) => {
      if (!record.done[id] && !ticks.includes(id)) ticks.push(id);
    };
    let dirty = false;
    switch (event.kind) {
      case 'dockerfile': {
        const hash = dockerfileHash(event.text);
        const base = record.baselines[event.lesson];
        if (base === undefined) {
          // The first text this reader's page sends for a lesson is the page's own Dockerfile.
          if (Object.keys(record.baselines).length >= 16) return;
          record.baselines[event.lesson] = hash;
          dirty = true;
        } else if (base !== hash && /^\s*FROM\s+\S/im.test(event.text)) {
          tick('dockerfile');
        }
        break;
      }
      case 'built': {
        const image = await this.deps.engineOf(reader.id).inspectImage(event.imageId);
        if (image?.Config?.Labels?.[OWNER_LABEL] !== reader.id) return;
        // A rebuild: the reader had built before, and the engine took steps from its cache this time. When
        // several readers build the same steps at once, BuildKit may share the work and not flag the step
        // CACHED in this build's status: a build whose layers all came out of this reader's earlier builds
        // reused them too.
        const layers = (image as {RootFS?: {Layers?: string[]}}).RootFS?.Layers ?? [];
        const earlier = this.#layers.get(reader.id);
        const reused = earlier !== undefined && layers.length > 0 && layers.every((l) => earlier.has(l));
        if (record.done.built && (event.cachedSteps > 0 || reused)) tick('rebuilt');
        if (layers.length) this.#layers.set(reader.id, new Set([...(earlier ?? []), ...layers].slice(-256)));
        tick('built');
        if (event.lesson === PYTORCH_LESSON) tick('pytorch');
        break;
      }
      case 'tagged': {
        if (await this.#ownImage(reader, event.target)) tick('tagged');
        break;
      }
      case 'logged-in': {
        const auth = reader.logins.get(event.server);
        if (auth && auth.username === reader.name && sameRegistry(event.server, this.deps.labRegistry)) tick('logged-in');
        break;
      }
      case 'pushed': {
        const tag = await this.#verifiedPush(reader, event.reference);
        if (!tag) return;
        if (record.pushed[tag.tag] !== tag.digest) {
          if (Object.keys(record.pushed).length >= 64 && !(tag.tag in record.pushed)) return;
          record.pushed[tag.tag] = tag.digest;
          dirty = true;
        }
        tick('pushed');
        if (Object.keys(record.pushed).length >= 2) tick('pushed-second-tag');
        break;
      }
    }
    if (!ticks.length && !dirty) return;
    const now = Date.now();
    for (const id of ticks) record.done[id] = now;
    await this.deps.store.save(reader.id, record);
    for (const id of ticks) {
      this.deps.log.info({event: 'milestone', reader: reader.name, milestone: id}, 'progress: milestone reached');
      this.deps.ticked(reader, id);
    }
  }

  /** Whether `name` (an ID or a reference) is an image in the engine with the reader's owner label. */
  async #ownImage(reader: Reader, name: string): Promise<boolean> {
    const image = await this.deps.engineOf(reader.id).inspectImage(name);
    return image?.Config?.Labels?.[OWNER_LABEL] === reader.id;
  }

  /**
   * The tag, when the lab registry holds `<reader>/hello:<tag>` with the digest the engine
   * recorded for that name's image when it pushed it, and that image is the reader's.
   */
  async #verifiedPush(reader: Reader, reference: string): Promise<{tag: string; digest: string} | null> {
    if (!this.deps.registry) return null;
    const parsed = parseReference(reference);
    if (!parsed.ok || parsed.ref.digest) return null;
    const ref = withDefaultTag(parsed.ref);
    if (!sameRegistry(ref.domain, this.deps.labRegistry) || ref.path !== `${reader.name}/${PUSHED_REPOSITORY}`) return null;
    const tag = ref.tag!;
    const digest = await this.deps.registry.digest(ref.path, tag);
    if (!digest) return null;
    const image = await this.deps.engineOf(reader.id).inspectImage(`${repository(ref)}:${tag}`);
    if (image?.Config?.Labels?.[OWNER_LABEL] !== reader.id) return null;
    const pushedHere = (image.RepoDigests ?? []).some((d) => {
      const at = d.lastIndexOf('@');
      const p = parseReference(d.slice(0, at));
      return d.slice(at + 1) === digest && p.ok && sameRegistry(p.ref.domain, ref.domain) && p.ref.path === ref.path;
    });
    return pushedHere ? {tag, digest} : null;
  }
}

export type {ProgressRecord};
