import {jsonMessages} from '../engine/json-stream';
import type {JSONMessage} from '../render/jsonmessage';
import type {Terminal} from './types';

/**
 * Read an engine stream (build, push) message by message, render each to the
 * terminal (unless quiet) and wait for the page to catch up before reading
 * more: the engine is read no faster than the reader's terminal draws.
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
    await term.room();
    if (opts.signal.aborted) break;
  }
  if (opts.signal.aborted) throw opts.signal.reason;
}
