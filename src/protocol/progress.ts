/**
 * Onboarding progress, shared by the page and the companion server: the guide's
 * milestones, what a reader has done (each milestone ticked by the server once it
 * has checked the real event against the engine or the registry), and the cohort
 * view's data for whoever runs the lab.
 */

export type MilestoneId = 'dockerfile' | 'built' | 'rebuilt' | 'tagged' | 'logged-in' | 'pushed' | 'pushed-second-tag' | 'pytorch';

export interface Milestone {
  id: MilestoneId;
  /** Short, for a list: "Built the first image". */
  title: string;
  /** What to do to reach it, for "what is next". */
  hint: string;
  /** The lesson (doc id) that teaches it: its sidebar item carries the mark. */
  lesson: string;
  /** Optional milestones do not count towards "done". */
  optional?: boolean;
}

/** In the guide's order. */
export const MILESTONES: readonly Milestone[] = [
  {id: 'dockerfile', title: 'Wrote or edited a Dockerfile', hint: 'Edit the hello Dockerfile on the page (the editor under the block)', lesson: 'writing-a-dockerfile'},
  {id: 'built', title: 'Built the first image', hint: 'Build the hello image: Run on "docker build"', lesson: 'building'},
  {id: 'rebuilt', title: 'Rebuilt with the cache', hint: 'Run the same build again and watch the steps say CACHED', lesson: 'building'},
  {id: 'tagged', title: 'Tagged it', hint: 'Give your image a second name: docker tag … :v1', lesson: 'building'},
  {id: 'logged-in', title: 'Logged in', hint: 'Log in to the lab registry with your lab name and password', lesson: 'logging-in-and-pushing'},
  {id: 'pushed', title: 'Pushed', hint: 'Push your hello image to the lab registry', lesson: 'logging-in-and-pushing'},
  {id: 'pushed-second-tag', title: 'Pushed a second tag', hint: 'Push the :v1 tag as well', lesson: 'logging-in-and-pushing'},
  {id: 'pytorch', title: 'Built the PyTorch image', hint: 'Optional: build the PyTorch example', lesson: 'writing-a-dockerfile', optional: true},
];

export const MILESTONE_IDS: readonly MilestoneId[] = MILESTONES.map((m) => m.id);

/** A reader's progress: when each milestone was ticked (ms since the epoch). */
export interface ReaderProgress {
  /** When the reader chose their lab name. */
  startedAt: number;
  done: Partial<Record<MilestoneId, number>>;
}

/** The milestones that count (not optional). */
export const REQUIRED: readonly Milestone[] = MILESTONES.filter((m) => !m.optional);

/** The first required milestone not done yet, else the first optional one, else null. */
export function nextMilestone(p: ReaderProgress): Milestone | null {
  return REQUIRED.find((m) => !p.done[m.id]) ?? MILESTONES.find((m) => !p.done[m.id]) ?? null;
}

/** How many required milestones are done, of how many. */
export function countDone(p: ReaderProgress): {done: number; total: number} {
  return {done: REQUIRED.filter((m) => p.done[m.id]).length, total: REQUIRED.length};
}

/** A lesson's mark: all its required milestones done, some, none, or it has none. */
export type LessonMark = 'done' | 'partial' | 'todo' | 'none';

export function lessonMark(p: ReaderProgress, lesson: string): LessonMark {
  const ms = REQUIRED.filter((m) => m.lesson === lesson);
  if (!ms.length) return 'none';
  const n = ms.filter((m) => p.done[m.id]).length;
  return n === ms.length ? 'done' : n > 0 ? 'partial' : 'todo';
}

/** Time from the start to the last milestone, or to `now` while some are left. */
export function timeSoFar(p: ReaderProgress, now: number): number {
  const {done, total} = countDone(p);
  const last = Math.max(p.startedAt, ...Object.values(p.done).filter((t): t is number => typeof t === 'number'));
  return Math.max(0, (done === total ? last : now) - p.startedAt);
}

/** `95_000` → `1 min 35 s`; `4_000_000` → `1 h 6 min`. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** One reader in the cohort view. */
export interface CohortReader {
  name: string;
  createdAt: number;
  lastSeen: number;
  /** Open terminal sessions now. */
  sessions: number;
  diskBytes: number;
  progress: ReaderProgress;
}

/**
 * GET /companion/admin/cohort. Other sections (an engine pool's placement, ...)
 * are added as further optional keys of this object.
 */
export interface CohortSnapshot {
  generatedAt: number;
  milestones: readonly Milestone[];
  readers: CohortReader[];
}

export const COHORT_PATH = '/companion/admin/cohort';
/** Server-sent events (text/event-stream): an event `cohort` with a CohortSnapshot at each change. */
export const COHORT_EVENTS_PATH = '/companion/admin/cohort/events';
export const COHORT_CSV_PATH = '/companion/admin/cohort.csv';

function csvCell(v: string | number): string {
  const s = String(v);
  // Quote what needs it; a leading = + - @ is defused so a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (t: number | undefined) => (t ? new Date(t).toISOString() : '');

/** The cohort as CSV: one row per reader, a column per milestone with the time it was ticked (ISO 8601, UTC). */
export function cohortCsv(s: CohortSnapshot): string {
  const head = ['reader', 'started', 'last_activity', 'sessions', 'disk_bytes', 'done', 'total', ...s.milestones.map((m) => m.id)];
  const rows = s.readers.map((r) => {
    const {done, total} = countDone(r.progress);
    return [r.name, iso(r.createdAt), iso(r.lastSeen), r.sessions, r.diskBytes, done, total, ...s.milestones.map((m) => iso(r.progress.done[m.id]))];
  });
  return [head, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
