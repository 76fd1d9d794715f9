import {jsonMessages} from '../engine/json-stream';
import type {JSONMessage} from './jsonmessage';
import type {Terminal} from '../terminal/types';

/**
 * Read an engine stream (build, push) message by message and render each to
 * the terminal (unless quiet). The engine is read no faster than the page
 * draws: after each message, wait while the session holds a window's worth of
 * output the page has not taken (session/output.ts has the whole model).
 * Throws the signal's reason when it is aborted, and whatever the stream
 * throws when it breaks off.
 */
export async function pump(
  stream: NodeJS.ReadableStream,
  render: (msg: JSONMessage) => string,
  term: Terminal,
  opts: {quiet?: boolean; signal: AbortSignal},
): Promise<void> {
  for await (const msg of jsonMessages(stream)) {
    const text = render(msg);
    if (text && !opts.quiet) term.write(text);
    if (opts.signal.aborted) break;
    const wait = term.room();
    if (wait) await untilAborted(wait, opts.signal);
    if (opts.signal.aborted) break;
  }
  if (opts.signal.aborted) throw opts.signal.reason;
}

/** Waits for `wait`, or until `signal` aborts (so a wait for room ends with the command). */
function untilAborted(wait: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, {once: true});
    void wait.then(done);
  });
}
