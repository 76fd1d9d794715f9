/**
 * Figure 4: 10, 50 and 100 sessions at once against one lab server (its own
 * process on its own port, LAB_MAX_SESSIONS_PER_CLIENT=1000
 * LAB_COMMANDS_PER_MINUTE=1000). Each session is a protocol client that runs
 * a small build with a per-session value (`FROM busybox` + a RUN echoing it,
 * so it is not all cache); all runs are sent at the same moment.
 * Figures per level: builds that exited 0, p50/p95 time from `run` to the
 * first output frame, time until the last build ended, and the server's
 * peak memory (VmRSS of the server process sampled every 50 ms from
 * /proc/<pid>/status; VmHWM at the end is the peak since the server started).
 *
 *   npx tsx bench/concurrency.ts [--json]   (BENCH_LEVELS=10,50,100, BENCH_PORT=3204)
 */
import {performance} from 'node:perf_hooks';
import {BENCH_LESSONS, BenchClient, Report, median, quantile, r1, sleep, startLabServer, runIfMain} from './lib';

const LEVELS = (process.env.BENCH_LEVELS ?? '10,50,100').split(',').map(Number);
const TARGET_MB = 300;
const MiB = 1024 * 1024;

export async function main(): Promise<Report> {
  const report = new Report('concurrency');
  const lab = await startLabServer({
    port: Number(process.env.BENCH_PORT ?? 3204),
    env: {
      LAB_LESSONS_DIR: BENCH_LESSONS,
      LAB_MAX_SESSIONS_PER_CLIENT: '1000',
      LAB_MAX_SESSIONS: '1000',
      LAB_COMMANDS_PER_MINUTE: '1000',
    },
  });
  try {
    report.info(`server pid ${lab.pid}, idle RSS ${r1(lab.memory().rss / MiB)} MiB`);
    const nonce = Date.now().toString(36);
    for (const n of LEVELS) {
      let peak = 0;
      const sampler = setInterval(() => {
        const m = lab.memory();
        if (m.rss > peak) peak = m.rss;
      }, 50);
      const clients = await Promise.all(Array.from({length: n}, () => BenchClient.connect(lab.wsUrl)));
      const t0 = performance.now();
      const results = await Promise.all(
        clients.map((c, i) =>
          c
            .run('docker build .', {context: 'bench', dockerfile: `FROM busybox\nRUN echo "session ${n}-${i}-${nonce}" > /session && cat /session\n`}, 300_000)
            .catch((err: Error) => ({firstOutputMs: NaN, endMs: NaN, exitCode: -1, err: err.message})),
        ),
      );
      const allDone = performance.now() - t0;
      const peakRun = peak;
      await Promise.all(clients.map((c) => c.close())); // sessions end, their images are removed
      await sleep(1000);
      clearInterval(sampler);
      const mem = lab.memory();
      const ok = results.filter((r) => r.exitCode === 0).length;
      const first = results.filter((r) => Number.isFinite(r.firstOutputMs)).map((r) => r.firstOutputMs);
      const ends = results.filter((r) => r.exitCode === 0).map((r) => r.endMs);
      const errors = [...new Set(results.map((r) => (r as {err?: string}).err).filter(Boolean))];
      report.add({name: `${n} sessions: builds exited 0`, value: `${ok} / ${n}`, target: 'all', met: ok === n, note: errors.length ? `errors: ${errors.join(' | ')}` : undefined});
      report.add({
        name: `${n} sessions: run → first output, p50/p95`,
        value: `${r1(median(first))} / ${r1(quantile(first, 0.95))}`,
        unit: 'ms',
        note: `build end p50/p95 ${r1(median(ends) / 1000)} / ${r1(quantile(ends, 0.95) / 1000)} s; all done after ${r1(allDone / 1000)} s`,
      });
      const peakMiB = Math.max(peakRun, peak) / MiB;
      report.add({
        name: `${n} sessions: server peak RSS`,
        value: r1(peakMiB),
        unit: 'MiB',
        ...(n >= 100 ? {target: `< ${TARGET_MB} MB`, met: peakMiB * 1.048576 < TARGET_MB} : {}),
        note: `VmHWM since start ${r1(mem.hwm / MiB)} MiB, RSS after the sessions closed ${r1(mem.rss / MiB)} MiB`,
      });
      await sleep(2000);
    }
  } finally {
    await lab.stop();
  }
  report.done();
  return report;
}

runIfMain(module, main);
