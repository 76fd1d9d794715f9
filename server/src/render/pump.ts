import {jsonMessages} from '../engine/json-stream';
import type {JSONMessage} from './jsonmessage';
import type {Terminal} from '../commands/types';

/**
 * Read an engine stream (build, push) message by message and render each to
 * the terminal (unless quiet). The engine is read at full speed: Docker 20.10
 * breaks a build's stream (endless empty progress messages, lost log lines)
 * when it is read slowly, so flow control to the page happens after this, in
 * the session's output channel. Throws the signal's reason when it is
 * aborted, and whatever the stream throws when it breaks off.
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
  }
  if (opts.signal.aborted) throw opts.signal.reason;
}
