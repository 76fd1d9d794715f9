/** What placement knows of an engine of the pool. */
export interface PlacementCandidate {
  up: boolean;
  draining: boolean;
  /** Readers (or anonymous sessions) placed on it with a terminal open now. */
  active: number;
  /** Commands running on it now. */
  running: number;
  /** Everyone placed on it (their images live there), open terminal or not. */
  placed: number;
}

/**
 * The engine for a reader who has none (or whose engine stopped answering): the least loaded of
 * those that answer and are not drained — fewest active readers, then fewest running commands, then
 * fewest placed readers, then the first listed. When every engine that answers is drained, the least
 * loaded of those (a lab keeps working while its operator drains everything); null when none answers.
 */
export function leastLoaded<T extends PlacementCandidate>(engines: readonly T[]): T | null {
  const up = engines.filter((e) => e.up);
  const open = up.filter((e) => !e.draining);
  const pool = open.length ? open : up;
  let best: T | null = null;
  for (const e of pool) {
    if (!best || e.active < best.active || (e.active === best.active && (e.running < best.running || (e.running === best.running && e.placed < best.placed)))) {
      best = e;
    }
  }
  return best;
}
