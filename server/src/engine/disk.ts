import {statfs} from 'node:fs/promises';
import type {Engine} from './index';

/**
 * The disk watermark: below this much free space on the filesystem of the
 * engine's data root, no new build starts (a build that fills the disk stalls
 * every reader's builds and the engine itself).
 *
 * The free space is read with statfs on the data root the engine reports
 * (`docker info` → DockerRootDir), which works when the engine runs on this
 * machine (a unix socket) and the path is visible here. For a remote engine the
 * Engine API says nothing about free space: the check is skipped (null).
 */
export async function engineFreeDiskBytes(engine: Engine): Promise<number | null> {
  if (!engine.address.startsWith('unix://')) return null;
  const root = await engine.rootDir();
  if (!root) return null;
  try {
    const fs = await statfs(root);
    return fs.bavail * fs.bsize;
  } catch {
    return null; // not visible from here (another mount namespace, a VM behind the socket)
  }
}

/** Bytes as `df -h` would say them, in powers of 1024. */
export function formatDiskBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${n.toFixed(1)} ${units[i]}`;
}

/** The refusal a reader sees, or null when there is room (or no way to tell, or no watermark). */
export function diskRefusal(freeBytes: number | null, minFreeBytes: number): string | null {
  if (!minFreeBytes || freeBytes === null || freeBytes >= minFreeBytes) return null;
  return (
    `ERROR: the lab's Docker Engine is low on disk space (${formatDiskBytes(freeBytes)} free; the lab starts ` +
    `builds only with at least ${formatDiskBytes(minFreeBytes)} free): nothing was sent to the engine. ` +
    'Try again later, or tell whoever runs the lab.'
  );
}

/**
 * Check the watermark against the engine: the refusal, or null to go ahead. When the engine
 * cannot be asked (it does not answer), the build goes ahead and its own engine call reports why.
 */
export async function checkDiskWatermark(engine: Engine, minFreeBytes: number): Promise<string | null> {
  if (!minFreeBytes) return null;
  const free = await engineFreeDiskBytes(engine).catch(() => null);
  return diskRefusal(free, minFreeBytes);
}
