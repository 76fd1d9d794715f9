/**
 * A cohort: 30 readers (each with a lab name, as a browser would have) building
 * at once, against one reader alone, on the same lab server (its own process),
 * one run. Each build has a per-reader RUN value so it is not all cache.
 * Figures: builds that exited 0; p95 time from Run to the first output frame
 * and p95 build time, cohort against alone (and their ratio); the server's peak
 * RSS; the CPU time dockerd used during each phase (from /proc/<pid>/stat of the
 * dockerd serving DOCKER_HOST, when it is visible from here).
 *
 *   npx tsx bench/cohort.ts [--json]   (BENCH_COHORT=30, BENCH_ALONE_RUNS=3, BENCH_PORT=3205)
 */
import {readdirSync, readFileSync} from 'node:fs';
import {performance} from 'node:perf_hooks';
import {BENCH_LESSONS, BenchClient, engineEnv, Report, quantile, r1, r2, runIfMain, sleep, startLabServer, type LabProcess} from './lib';

const COHORT = Number(process.env.BENCH_COHORT ?? 30);
const ALONE_RUNS = Number(process.env.BENCH_ALONE_RUNS ?? 3);
const MiB = 1024 * 1024;
const TICKS = 100; // USER_HZ on Linux
/** The bench removes its readers (and their images) through the admin API at the end. */
const ADMIN = `bench-admin-${Math.random().toString(36).slice(2)}${Date.now()}`;

/** The dockerd whose command line names the socket of DOCKER_HOST (or the only dockerd), if visible. */
function dockerdPid(): number | null {
  const host = engineEnv().DOCKER_HOST ?? '';
  const sock = host.replace(/^unix:\/\//, '');
  const found: {pid: number; cmd: string}[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== 'dockerd') continue;
      found.push({pid: Number(d), cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ')});
    } catch {
      /* gone */
    }
  }
  return (found.find((f) => sock && f.cmd.includes(sock)) ?? (found.length === 1 ? found[0] : undefined))?.pid ?? null;
}

/** CPU seconds (user + system, with waited-for children) of a process. */
function cpuSeconds(pid: number | null): number {
  if (pid === null) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // fields after "comm)": state=0 … utime=11 stime=12 cutime=13 cstime=14
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS;
  } catch {
    return NaN;
  }
}

async function newReader(lab: LabProcess, name: string, names: string[]): Promise<string> {
  names.push(name);
  const res = await fetch(`${lab.url}/companion/reader`, {
    method: 'POST',
    headers: {'content-type': 'application/json', origin: lab.url},
    body: JSON.stringify({name}),
  });
  if (res.status !== 201) throw new Error(`reader ${name}: HTTP ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

interface Run {
  firstOutputMs: number;
  endMs: number;
  exitCode: number;
  err?: string;
}

async function buildAs(lab: LabProcess, cookie: string, value: string): Promise<Run> {
  const c = await BenchClient.connect(lab.wsUrl, {cookie});
  try {
    return await c.run('docker build .', {context: 'bench', dockerfile: `FROM busybox\nRUN echo "${value}" > /reader && cat /reader\n`}, 600_000);
  } catch (err) {
    return {firstOutputMs: NaN, endMs: NaN, exitCode: -1, err: (err as Error).message};
  } finally {
    await c.close();
  }
}

export async function main(): Promise<Report> {
  const report = new Report('cohort');
  const lab = await startLabServer({
    port: Number(process.env.BENCH_PORT ?? 3205),
    env: {LAB_LESSONS_DIR: BENCH_LESSONS, LAB_MAX_SESSIONS_PER_CLIENT: String(COHORT + 10), LAB_MAX_SESSIONS: '1000', LAB_ADMIN_TOKEN: ADMIN},
  });
  const names: string[] = [];
  const dockerd = dockerdPid();
  const nonce = Date.now().toString(36).slice(-6);
  try {
    report.info(`server pid ${lab.pid}, idle RSS ${r1(lab.memory().rss / MiB)} MiB; dockerd pid ${dockerd ?? 'not visible'}`);

    // One reader alone, a few runs one after another.
    const aloneCookie = await newReader(lab, `alone${nonce}`, names);
    const alone: Run[] = [];
    let cpu0 = cpuSeconds(dockerd);
    let t0 = performance.now();
    for (let i = 0; i < ALONE_RUNS; i++) alone.push(await buildAs(lab, aloneCookie, `alone-${nonce}-${i}`));
    const aloneWall = (performance.now() - t0) / 1000;
    const aloneCpu = cpuSeconds(dockerd) - cpu0;

    // The cohort, all at once.
    const cookies = await Promise.all(Array.from({length: COHORT}, (_, i) => newReader(lab, `co${i}x${nonce}`, names)));
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, lab.memory().rss);
    }, 50);
    cpu0 = cpuSeconds(dockerd);
    t0 = performance.now();
    const cohort = await Promise.all(cookies.map((c, i) => buildAs(lab, c, `cohort-${nonce}-${i}`)));
    const cohortWall = (performance.now() - t0) / 1000;
    const cohortCpu = cpuSeconds(dockerd) - cpu0;
    clearInterval(sampler);

    const ok = (rs: Run[]) => rs.filter((r) => r.exitCode === 0);
    const p95 = (rs: Run[], k: 'firstOutputMs' | 'endMs') => quantile(ok(rs).map((r) => r[k]), 0.95);
    const errors = [...new Set(cohort.map((r) => r.err).filter(Boolean))];
    report.add({name: `alone: builds exited 0`, value: `${ok(alone).length} / ${ALONE_RUNS}`, target: 'all', met: ok(alone).length === ALONE_RUNS});
    report.add({
      name: `cohort of ${COHORT}: builds exited 0`,
      value: `${ok(cohort).length} / ${COHORT}`,
      target: 'all',
      met: ok(cohort).length === COHORT,
      note: errors.length ? `errors: ${errors.join(' | ')}` : undefined,
    });
    const fbAlone = p95(alone, 'firstOutputMs');
    const fbCohort = p95(cohort, 'firstOutputMs');
    report.add({name: 'Run → first byte, p95: alone / cohort', value: `${r1(fbAlone)} / ${r1(fbCohort)}`, unit: 'ms', note: `ratio ${r2(fbCohort / fbAlone)}`});
    const bAlone = p95(alone, 'endMs');
    const bCohort = p95(cohort, 'endMs');
    report.add({name: 'build time, p95: alone / cohort', value: `${r2(bAlone / 1000)} / ${r2(bCohort / 1000)}`, unit: 's', note: `ratio ${r2(bCohort / bAlone)}; cohort wall ${r1(cohortWall)} s, alone wall ${r1(aloneWall)} s for ${ALONE_RUNS} builds`});
    report.add({name: `server peak RSS during the cohort`, value: r1(peak / MiB), unit: 'MiB', note: `VmHWM since start ${r1(lab.memory().hwm / MiB)} MiB`});
    report.add({
      name: 'dockerd CPU: alone (per build) / cohort (per build)',
      value: Number.isFinite(aloneCpu) ? `${r2(aloneCpu / ALONE_RUNS)} / ${r2(cohortCpu / COHORT)}` : 'not visible',
      unit: Number.isFinite(aloneCpu) ? 's' : undefined,
      note: Number.isFinite(cohortCpu) ? `cohort total ${r1(cohortCpu)} CPU s in ${r1(cohortWall)} s wall (${r2(cohortCpu / cohortWall)} cores busy on average); the engine is shared with other work on this machine` : undefined,
    });
    await sleep(500);
  } finally {
    for (const n of names) {
      await fetch(`${lab.url}/companion/admin/readers/${n}`, {method: 'DELETE', headers: {authorization: `Bearer ${ADMIN}`}}).catch(() => undefined);
    }
    await lab.stop();
  }
  report.done();
  return report;
}

runIfMain(module, main);
