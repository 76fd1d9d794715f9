/**
 * CPU time per part of the output path, read from /proc (Linux only), so a
 * benchmark can say where the time goes independently of how loaded the
 * machine is: CPU seconds spent per part while a build streams, not wall time.
 *
 * Parts: the engine (every process whose command line names the engine's
 * state folder: dockerd, containerd, the shims), the build's containers (the
 * lab's build cgroup, cgroup v1 cpuacct or v2 cpu.stat), the lab server (one
 * node process), Chromium by process type (renderer = the page's main thread
 * and its workers; gpu-process = SwiftShader's WebGL; the browser process),
 * and this benchmark process itself.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';

const TICK = 100; // USER_HZ on Linux

export type CpuSample = Map<string, number>;

function procCpu(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 (utime, stime) are at 11 and 12 after the state field
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function ppid(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by a cgroup (v2 cpu.stat usage_usec, or v1 cpuacct.usage), 0 when unknown. */
function cgroupCpu(name: string): number {
  const v2 = `/sys/fs/cgroup/${name}/cpu.stat`;
  if (existsSync(v2)) return Number(/usage_usec (\d+)/.exec(readFileSync(v2, 'utf8'))?.[1] ?? 0) / 1e6;
  const v1 = `/sys/fs/cgroup/cpuacct/${name}/cpuacct.usage`;
  if (existsSync(v1)) return Number(readFileSync(v1, 'utf8')) / 1e9;
  return 0;
}

export interface CpuParts {
  /** The lab server's pid. */
  server: number;
  /** Count Chromium: the processes of this benchmark's own Chromium (classified by --type=). */
  browser?: boolean;
  /** A path every engine process names on its command line (the engine's state folder). */
  engineMarker?: string;
  /** The lab's build cgroup (LAB_BUILD_CGROUP). */
  buildCgroup?: string;
}

/** CPU seconds per part so far; `cpuDelta` of two samples is what a run cost. */
export function sampleCpu(parts: CpuParts): CpuSample {
  const out: CpuSample = new Map();
  const add = (k: string, v: number) => out.set(k, (out.get(k) ?? 0) + v);
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const chromium = new Set<number>();
  if (parts.browser) {
    // Chromium processes that descend from this benchmark (a few passes: /proc is not in tree order).
    const parent = new Map(pids.map((p) => [p, ppid(p)]));
    const mine = new Set([process.pid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [p, pp] of parent) {
        if (!mine.has(p) && mine.has(pp)) {
          mine.add(p);
          grew = true;
        }
      }
    }
    for (const p of mine) if (/chrom/i.test(cmdline(p))) chromium.add(p);
  }
  for (const pid of pids) {
    if (pid === parts.server) add('lab server (node)', procCpu(pid));
    else if (chromium.has(pid)) {
      const type = /--type=([\w-]+)/.exec(cmdline(pid))?.[1] ?? 'browser';
      add(`chromium ${type}`, procCpu(pid));
    } else if (parts.engineMarker && cmdline(pid).includes(parts.engineMarker)) add('engine (dockerd, containerd, shims)', procCpu(pid));
  }
  if (parts.buildCgroup) add('build containers (yes | head)', cgroupCpu(parts.buildCgroup));
  const me = process.cpuUsage();
  add('benchmark process', (me.user + me.system) / 1e6);
  return out;
}

export function cpuDelta(before: CpuSample, after: CpuSample): Array<[string, number]> {
  return [...after.entries()].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as [string, number]).sort((a, b) => b[1] - a[1]);
}

/** "engine 1.2 s, ... (total 4.0 CPU s)" */
export function formatCpu(delta: Array<[string, number]>): string {
  const total = delta.reduce((n, [, v]) => n + v, 0);
  return `${delta.map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ')} (total ${total.toFixed(2)} CPU s)`;
}
