import type {IncomingMessage, ServerResponse} from 'node:http';
import {
  COHORT_CSV_PATH,
  COHORT_EVENTS_PATH,
  COHORT_PATH,
  MILESTONES,
  cohortCsv,
  type CohortReader,
  type CohortSnapshot,
} from '../../../src/protocol/progress';
import type {AdminRoute} from '../readers/http';
import type {ReaderServices} from '../readers/services';
import type {ProgressTracker} from './tracker';

/** While someone watches, the cohort is compared this often (new readers, last activity). */
const POLL_MS = 2000;
/** Changes closer together than this go out as one snapshot. */
const COALESCE_MS = 150;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 20_000;
/** At most this many watchers at once (each is an open response). */
const MAX_WATCHERS = 32;


/**
 * The cohort view's data for whoever runs the lab: every reader with their
 * milestones and times, last activity, disk use. As JSON, CSV, and a stream of
 * server-sent events that sends a new snapshot whenever something changed.
 */
export class CohortFeed {
  readonly #watchers = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | null = null;
  #poll: NodeJS.Timeout | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #last = '';

  constructor(
    private readonly readers: ReaderServices,
    private readonly tracker: ProgressTracker,
  ) {
    readers.onChange(() => this.changed());
  }

  async snapshot(recount = false): Promise<CohortSnapshot> {
    const rows: CohortReader[] = await Promise.all(
      this.readers.store.list().map(async (r) => {
        if (recount) await this.readers.recount(r);
        return {
          name: r.name,
          createdAt: r.record.createdAt,
          lastSeen: r.lastSeen,
          sessions: r.sessions,
          diskBytes: r.diskBytes,
          progress: await this.tracker.load(r),
        };
      }),
    );
    rows.sort((a, b) => a.name.localeCompare(b.name));
    return {generatedAt: Date.now(), milestones: MILESTONES, readers: rows};
  }

  /** Something changed: watchers get a new snapshot shortly. */
  changed(): void {
    if (!this.#watchers.size || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#broadcast().catch(() => {});
    }, COALESCE_MS);
  }

  async #broadcast(force = false): Promise<void> {
    if (!this.#watchers.size) return;
    const snap = await this.snapshot();
    const key = JSON.stringify(snap.readers);
    if (!force && key === this.#last) return;
    this.#last = key;
    const frame = `event: cohort\ndata: ${JSON.stringify(snap)}\n\n`;
    for (const w of this.#watchers) w.write(frame);
  }

  routes(): AdminRoute {
    return async (req, res, p) => {
      if (req.method !== 'GET') return false;
      if (p === COHORT_PATH) {
        const body = JSON.stringify(await this.snapshot(true));
        res.writeHead(200, {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store'});
        res.end(body);
        return true;
      }
      if (p === COHORT_CSV_PATH) {
        const day = new Date().toISOString().slice(0, 10);
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'cache-control': 'no-store',
          'content-disposition': `attachment; filename="docker-lab-cohort-${day}.csv"`,
        });
        res.end(cohortCsv(await this.snapshot(true)));
        return true;
      }
      if (p === COHORT_EVENTS_PATH) {
        if (this.#watchers.size >= MAX_WATCHERS) {
          res.writeHead(503, {'content-type': 'application/json; charset=utf-8'});
          res.end(JSON.stringify({error: `at most ${MAX_WATCHERS} cohort views at once`}));
          return true;
        }
        this.#watch(req, res);
        return true;
      }
      return false;
    };
  }

  #watch(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write(': docker lab cohort\n\n');
    this.#watchers.add(res);
    const end = () => {
      this.#watchers.delete(res);
      if (!this.#watchers.size) this.#stop();
    };
    req.on('close', end);
    res.on('close', end);
    if (!this.#poll) {
      this.#poll = setInterval(() => void this.#broadcast().catch(() => {}), POLL_MS);
      this.#heartbeat = setInterval(() => {
        for (const w of this.#watchers) w.write(': keep-alive\n\n');
      }, HEARTBEAT_MS);
      this.#poll.unref();
      this.#heartbeat.unref();
    }
    // The newcomer gets the current state at once.
    void this.snapshot()
      .then((snap) => {
        if (this.#watchers.has(res)) res.write(`event: cohort\ndata: ${JSON.stringify(snap)}\n\n`);
      })
      .catch(() => {});
  }

  #stop(): void {
    for (const t of [this.#poll, this.#heartbeat]) if (t) clearInterval(t);
    this.#poll = this.#heartbeat = null;
    this.#last = '';
  }

  /** End every stream (server stopping). */
  close(): void {
    for (const w of this.#watchers) w.end();
    this.#watchers.clear();
    this.#stop();
    if (this.#timer) clearTimeout(this.#timer);
  }
}
