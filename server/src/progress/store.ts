import {randomBytes} from 'node:crypto';
import {mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {MILESTONE_IDS, type MilestoneId} from '../../../src/protocol/progress';

/** What is kept per reader (`<state>/progress/<reader id>.json`). */
export interface ProgressRecord {
  /** Milestone → when it was ticked (ms). */
  done: Partial<Record<MilestoneId, number>>;
  /** Lesson → hash of the first Dockerfile the reader's page sent for it (the page's own). */
  baselines: Record<string, string>;
  /** Tags of `<reader>/hello` seen in the registry with a digest of the reader's image: tag → digest. */
  pushed: Record<string, string>;
}

const ID_RE = /^[0-9a-f]{16}$/;
/** A page has a handful of lessons: bound what a client can make the record hold. */
const MAX_BASELINES = 16;
const MAX_TAGS = 64;

function empty(): ProgressRecord {
  return {done: {}, baselines: {}, pushed: {}};
}

function clean(raw: unknown): ProgressRecord {
  const r = empty();
  if (!raw || typeof raw !== 'object') return r;
  const o = raw as Record<string, unknown>;
  const done = (o.done ?? {}) as Record<string, unknown>;
  for (const id of MILESTONE_IDS) if (typeof done[id] === 'number') r.done[id] = done[id];
  for (const [k, v] of Object.entries((o.baselines ?? {}) as Record<string, unknown>).slice(0, MAX_BASELINES)) {
    if (typeof v === 'string') r.baselines[k] = v;
  }
  for (const [k, v] of Object.entries((o.pushed ?? {}) as Record<string, unknown>).slice(0, MAX_TAGS)) {
    if (typeof v === 'string') r.pushed[k] = v;
  }
  return r;
}

/** Progress records on disk, one JSON file per reader id, written atomically; cached in memory. */
export class ProgressStore {
  readonly #cache = new Map<string, ProgressRecord>();

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<ProgressStore> {
    await mkdir(dir, {recursive: true, mode: 0o700});
    return new ProgressStore(dir);
  }

  #file(readerId: string): string {
    if (!ID_RE.test(readerId)) throw new Error('bad reader id');
    return path.join(this.dir, `${readerId}.json`);
  }

  async get(readerId: string): Promise<ProgressRecord> {
    const cached = this.#cache.get(readerId);
    if (cached) return cached;
    let record: ProgressRecord;
    try {
      record = clean(JSON.parse(await readFile(this.#file(readerId), 'utf8')));
    } catch {
      record = empty();
    }
    this.#cache.set(readerId, record);
    return record;
  }

  /** The cached record, if loaded (for synchronous views). */
  peek(readerId: string): ProgressRecord | undefined {
    return this.#cache.get(readerId);
  }

  async save(readerId: string, record: ProgressRecord): Promise<void> {
    if (Object.keys(record.baselines).length > MAX_BASELINES || Object.keys(record.pushed).length > MAX_TAGS) {
      throw new Error('progress record over its bounds');
    }
    this.#cache.set(readerId, record);
    const file = this.#file(readerId);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(record), {mode: 0o600});
    await rename(tmp, file);
  }

  async remove(readerId: string): Promise<void> {
    this.#cache.delete(readerId);
    await rm(this.#file(readerId), {force: true});
  }
}
