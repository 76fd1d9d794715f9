import type {Engine} from './index';

/** How long a health check waits for an engine's answer before it counts as not answering, ms. */
export const PING_TIMEOUT_MS = 3_000;

/** True when `engine` answers `_ping` within `timeoutMs` (a tcp engine that vanished may never answer). */
export async function answers(engine: Engine, timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([engine.ping(), late]);
  } finally {
    clearTimeout(timer);
  }
}
