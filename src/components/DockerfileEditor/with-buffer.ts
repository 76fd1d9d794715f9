/**
 * `dockerfile-ast` (under `dockerfile-utils` and the shared rules) calls Node's
 * `Buffer.from(char, 'UTF-8')` on every parse, to look for a byte order mark;
 * a browser has no `Buffer`. For the length of one synchronous call, give it
 * the one method it uses (UTF-8 bytes from TextEncoder), then take it away
 * again, so no other code on the page ever sees a `Buffer` and takes the page
 * for Node. Where a real `Buffer` exists (Node, the unit tests) it is left alone.
 */
export function withBuffer<T>(fn: () => T): T {
  const g = globalThis as {Buffer?: unknown};
  if (g.Buffer !== undefined) return fn();
  const encoder = new TextEncoder();
  g.Buffer = {from: (text: string) => encoder.encode(text)};
  try {
    return fn();
  } finally {
    delete g.Buffer;
  }
}
