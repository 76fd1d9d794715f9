import type {Engine} from './index';

/** How long a health check waits for an engine's answer before it counts as not answering, ms. */
export const PING_TIMEOUT_MS = 3_000;

/** True when `engine` answers `_ping` within `timeoutMs` (a tcp engine that vanished may never answer). */
export function answers(engine: Engine, timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  return within(engine.ping(), timeoutMs, false);
}

/** `promise`'s value, or `fallback` when it takes longer than `ms` (or fails). */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise.catch(() => fallback), late]);
  } finally {
    clearTimeout(timer);
  }
}
