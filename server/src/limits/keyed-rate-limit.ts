import type {Logger} from '../log';
import {RateLimit} from './rate-limit';

/**
 * A token bucket per key (a client's address): `perSecond` on average, bursts up to `burst`, for
 * routes anyone who reaches the server can call (the token service, the registry page, lab-name
 * creation). The map holds at most `maxKeys` buckets; the least recently used goes first, so a
 * flood of made-up keys costs its sender their own buckets, not the memory of the server.
 */
export class KeyedRateLimit {
  readonly #buckets = new Map<string, RateLimit>();

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token of `key`'s bucket; false when it is empty. */
  take(key: string): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket) this.#buckets.delete(key);
    else bucket = new RateLimit(this.perSecond, this.burst, this.now);
    this.#buckets.set(key, bucket); // most recently used last
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return bucket.take();
  }

  /** Seconds until `key` may call again (for Retry-After). */
  retryAfterSeconds(key: string): number {
    return Math.max(1, Math.ceil((this.#buckets.get(key)?.waitMs() ?? 0) / 1000));
  }
}

/**
 * Logs a refusal at most once a minute per key, with how many were not logged since: a flood
 * writes a line a minute, not a line a request.
 */
export function sampledRefusals(log: Logger, event: string, message: string, now: () => number = Date.now): (key: string) => void {
  const seen = new Map<string, {at: number; suppressed: number}>();
  return (key) => {
    const t = now();
    const entry = seen.get(key);
    if (entry && t - entry.at < 60_000) {
      entry.suppressed++;
      return;
    }
    seen.delete(key);
    seen.set(key, {at: t, suppressed: 0});
    if (seen.size > 10_000) seen.delete(seen.keys().next().value!);
    log.warn({event, client: key, notLoggedSince: entry?.suppressed ?? 0}, message);
  };
}
