import {StringDecoder} from 'node:string_decoder';
import type {JSONMessage} from './messages';

/**
 * Newline-delimited JSON messages from an engine stream (build, push).
 *
 * Unlike docker-modem's followProgress this never throws on a line that is
 * not JSON (it is passed on as plain `stream` text) and never hangs on one;
 * it ends when the stream ends, and throws when the stream errors or is
 * aborted. Errors the engine reports inside its HTTP 200 stream arrive as
 * ordinary messages with `errorDetail`: the caller decides what they mean.
 */
export async function* jsonMessages(stream: NodeJS.ReadableStream): AsyncGenerator<JSONMessage> {
  const decoder = new StringDecoder('utf8');
  // The unfinished line's pieces: a BuildKit message can be tens of KB long and arrive in many
  // chunks; only each new chunk is searched for the newline, and the pieces are joined once.
  let parts: string[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let from = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', from)) !== -1) {
      parts.push(text.slice(from, nl));
      const line = parts.length === 1 ? parts[0]! : parts.join('');
      parts = [];
      from = nl + 1;
      const msg = parseLine(line);
      if (msg) yield msg;
    }
    if (from < text.length) parts.push(from === 0 ? text : text.slice(from));
  }
  parts.push(decoder.end());
  const last = parseLine(parts.join(''));
  if (last) yield last;
}

/** An empty BuildKit progress message: Docker 20.10 can send millions of them; they say nothing. */
const EMPTY_TRACE = /^\{"id":"moby\.buildkit\.trace","aux":""\}$/;

function parseLine(line: string): JSONMessage | null {
  const trimmed = line.trim();
  if (!trimmed || EMPTY_TRACE.test(trimmed)) return null;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as JSONMessage;
  } catch {
    /* not JSON: pass it on as text */
  }
  return {stream: `${trimmed}\n`};
}
