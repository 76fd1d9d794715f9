/**
 * An engine pool on this machine: 30 readers (each with a lab name) building a mid-sized image
 * at once, on one engine (the lab's own) against two engines (the lab's own and a second private
 * dockerd, `scripts/lab-engine.sh up-engine`, started here if it is not up and stopped after).
 * Each phase has its own lab server process and its own readers; their builds differ by a
 * per-reader value, so nothing comes from cache. Figures per phase: builds that exited 0, p95 and
 * p50 build time (Run → command end), how the readers were placed (admin API), the load average
 * before and after; then the ratio of p95 build times (two engines / one), and the server's
 * memory per reader (RSS with the readers connected, and at the peak of their builds, less the
 * idle server's, divided by the readers).
 *
 *   npx tsx bench/pool.ts [--json]   (BENCH_POOL_READERS=30, BENCH_POOL_PHASES=1,2,1, BENCH_PORT=3150,
 *                                     LAB_ENGINE2_STATE_DIR: the second engine's state folder)
 */
import {performance} from 'node:perf_hooks';
import {secondEngine} from '../server/test/integration/second-engine';
import type {EnginesReply} from '../src/protocol/engines';
import {BENCH_LESSONS, BenchClient, engineEnv, load, median, quantile, r1, r2, Report, runIfMain, sleep, startLabServer} from './lib';

const READERS = Number(process.env.BENCH_POOL_READERS ?? 30);
const PHASES = (process.env.BENCH_POOL_PHASES ?? '1,2,1').split(',').map(Number);
const MiB = 1024 * 1024;
const ADMIN = `bench-admin-${Math.random().toString(36).slice(2)}${Date.now()}`;

/**
 * A mid-sized image: 6 MiB of random data, compressed, checked, unpacked again twice (about
 * 13 MiB of layers and a few CPU seconds per build, like installing a handful of packages).
 */
const dockerfile = (value: string) =>
  [
    'FROM busybox',
    'COPY data.txt /data.txt',
    `RUN echo "${value}" > /reader && dd if=/dev/urandom of=/blob bs=1M count=6 2>/dev/null && gzip -k /blob && sha256sum /blob /blob.gz`,
    'RUN for i in 1 2; do gzip -dc /blob.gz | sha256sum; done',
    'RUN tar -cf /bundle.tar /blob.gz /data.txt && ls -l /bundle.tar',
    '',
  ].join('\n');

interface Phase {
  engines: number;
  p50: number;
  p95: number;
  ok: number;
  idleRss: number;
  connectedRss: number;
  peakRss: number;
  placement: string;
}

async function phase(report: Report, engines: string, count: number, nonce: string): Promise<Phase> {
  const lab = await startLabServer({
    port: Number(process.env.BENCH_PORT ?? 3150),
    env: {
      LAB_ENGINES: engines,
      LAB_LESSONS_DIR: BENCH_LESSONS,
      LAB_MAX_SESSIONS_PER_CLIENT: String(READERS + 10),
      LAB_MAX_SESSIONS: '1000',
      LAB_ADMIN_TOKEN: ADMIN,
      LAB_BUILD_TIMEOUT_MS: String(30 * 60_000),
    },
  });
  const names: string[] = [];
  const clients: BenchClient[] = [];
  try {
    await sleep(1000);
    const idleRss = lab.memory().rss;
    const cookies: string[] = [];
    for (let i = 0; i < READERS; i++) {
      const name = `pl${count}r${i}x${nonce}`;
      const res = await fetch(`${lab.url}/companion/reader`, {method: 'POST', headers: {'content-type': 'application/json', origin: lab.url}, body: JSON.stringify({name})});
      if (res.status !== 201) throw new Error(`reader ${name}: HTTP ${res.status} ${await res.text()}`);
      names.push(name);
      cookies.push((res.headers.get('set-cookie') ?? '').split(';')[0]!);
    }
    // The first reader's terminal loads what every terminal needs (modules, JIT): counted apart.
    clients.push(await BenchClient.connect(lab.wsUrl, {cookie: cookies[0]!}));
    await sleep(1000);
    const firstRss = lab.memory().rss;
    for (const cookie of cookies.slice(1)) clients.push(await BenchClient.connect(lab.wsUrl, {cookie}));
    await sleep(1000);
    const connectedRss = lab.memory().rss;
    let peakRss = connectedRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, lab.memory().rss);
    }, 50);
    const loadBefore = load();
    const t0 = performance.now();
    const runs = await Promise.all(
      clients.map((c, i) =>
        c
          .run('docker build .', {context: 'bench', dockerfile: dockerfile(`${nonce}-${count}-${i}`)}, 30 * 60_000)
          .catch((err: Error) => ({firstOutputMs: NaN, endMs: NaN, exitCode: -1, err: err.message})),
      ),
    );
    const wall = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const loadAfter = load();
    const view = (await (await fetch(`${lab.url}/companion/admin/engines`, {headers: {authorization: `Bearer ${ADMIN}`}})).json()) as EnginesReply;
    const placement = view.engines.map((e) => `${e.name}: ${e.readers.length}`).join(', ');
    const ends = runs.filter((r) => r.exitCode === 0).map((r) => r.endMs);
    const errors = [...new Set(runs.map((r) => (r as {err?: string}).err).filter(Boolean))];
    const p: Phase = {engines: count, p50: median(ends), p95: quantile(ends, 0.95), ok: ends.length, idleRss, connectedRss, peakRss, placement};
    const label = `${count} engine${count > 1 ? 's' : ''}`;
    report.add({name: `${label}: builds exited 0`, value: `${p.ok} / ${READERS}`, target: 'all', met: p.ok === READERS, note: [`readers per engine ${placement}`, errors.length ? `errors: ${errors.join(' | ')}` : ''].filter(Boolean).join('; ')});
    report.add({
      name: `${label}: build time p50 / p95`,
      value: `${r1(p.p50 / 1000)} / ${r1(p.p95 / 1000)}`,
      unit: 's',
      note: `all done after ${r1(wall)} s; load average before ${loadBefore}, after ${loadAfter}`,
    });
    report.add({
      name: `${label}: server memory per reader after the first, connected / at the builds' peak`,
      value: `${r2((connectedRss - firstRss) / (READERS - 1) / MiB)} / ${r2((peakRss - firstRss) / (READERS - 1) / MiB)}`,
      unit: 'MiB',
      note: `RSS idle ${r1(idleRss / MiB)} MiB, first reader connected ${r1(firstRss / MiB)} MiB, ${READERS} connected ${r1(connectedRss / MiB)} MiB, peak ${r1(peakRss / MiB)} MiB`,
    });
    return p;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    for (const n of names) {
      await fetch(`${lab.url}/companion/admin/readers/${n}`, {method: 'DELETE', headers: {authorization: `Bearer ${ADMIN}`}}).catch(() => undefined);
    }
    await lab.stop();
  }
}

export async function main(): Promise<Report> {
  const report = new Report('pool');
  const first = engineEnv().DOCKER_HOST!;
  const second = secondEngine();
  const nonce = Date.now().toString(36).slice(-6);
  const phases: Phase[] = [];
  try {
    report.info(`engines: one=${first}, two=${second.host}; ${READERS} readers per phase; phases ${PHASES.join(',')}`);
    for (const [i, n] of PHASES.entries()) {
      phases.push(await phase(report, n === 1 ? `one=${first}` : `one=${first},two=${second.host}`, n, `${nonce}${i}`));
      await sleep(5000);
    }
  } finally {
    second.release();
  }
  const p95 = (n: number) => {
    const xs = phases.filter((p) => p.engines === n).map((p) => p.p95);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  report.add({
    name: `p95 build time, two engines / one engine`,
    value: r2(p95(2) / p95(1)),
    note: `mean p95 over phases: one ${r1(p95(1) / 1000)} s, two ${r1(p95(2) / 1000)} s (below 1: two engines are faster)`,
  });
  report.done();
  return report;
}

runIfMain(module, main);
