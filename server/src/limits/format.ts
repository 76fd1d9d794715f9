/** How the lab's messages state its limits: sizes in binary units ("64 MiB"), durations ("30 min"). */

/** A limit in bytes, binary units: "512 B", "1.5 KiB", "64 MiB". (The renderers' sizes follow the docker CLI's own units.) */
export function formatLimitBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 ? 1 : 0)} KiB`;
  return `${n} B`;
}

/** Milliseconds as the lab's messages say them: "30 min", "90 s". */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
