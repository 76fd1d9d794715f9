/**
 * Containers each owner has in flight in this server: counted from the moment
 * a `docker run` passes its checks until it ends. The engine only lists a
 * container once it exists (and `running` once it started), so two terminals
 * pressing Run at the same instant would both see room under the per-reader
 * limit; taking a slot here first, synchronously, closes that gap.
 */
const held = new Map<string, number>();

/** Take a slot for `ownerId`; the returned function gives it back (once). */
export function takeRunSlot(ownerId: string): {held: number; release(): void} {
  const n = (held.get(ownerId) ?? 0) + 1;
  held.set(ownerId, n);
  let released = false;
  return {
    held: n,
    release() {
      if (released) return;
      released = true;
      const left = (held.get(ownerId) ?? 1) - 1;
      if (left > 0) held.set(ownerId, left);
      else held.delete(ownerId);
    },
  };
}
