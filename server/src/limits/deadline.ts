/**
 * An abort signal that fires on the parent signal (Ctrl-C, session end) or
 * after `ms` of wall-clock time, whichever is first. Socket idle timeouts
 * would kill quiet RUN steps; this does not.
 */
export function withDeadline(parent: AbortSignal, ms: number): {signal: AbortSignal; timedOut: () => boolean; clear: () => void} {
  const timer = new AbortController();
  let fired = false;
  const handle = setTimeout(() => {
    fired = true;
    timer.abort(new Error('deadline'));
  }, ms);
  handle.unref();
  return {
    signal: AbortSignal.any([parent, timer.signal]),
    timedOut: () => fired,
    clear: () => clearTimeout(handle),
  };
}

export {formatDuration} from './format';
