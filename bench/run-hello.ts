/**
 * `docker run` of the hello image: a Run to the container's first output
 * line, against `docker run --rm` with the docker CLI on the same engine.
 * Interleaved pairs (the order alternates each pair), warm:
 *   - lab: a protocol client sends `run` and times the first output frame
 *     holding the container's first line, and `command-end`;
 *   - CLI: `docker run --rm IMAGE` (the engine script's docker CLI, else `docker` on PATH), from process start to
 *     its first stdout bytes, and to its exit.
 * Both run the same image (built once through the lab, untimed): busybox
 * printing three lines, like the Writing lesson's hello.
 *
 *   npx tsx bench/run-hello.ts [--json]   (BENCH_PAIRS=15, BENCH_PORT=3203)
 */
import {spawn} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {BenchClient, NO_DOCKER_CLI, Report, dockerCliPath, engineEnv, median, quantile, r1, r2, startLabServer, within, runIfMain} from './lib';

const PAIRS = Math.max(5, Number(process.env.BENCH_PAIRS ?? 15));
const WARMUP = 2;
const HELLO = 'FROM busybox\nCMD ["sh", "-c", "echo Hello from inside a container!; echo second line; echo third line"]\n';

/** `docker run --rm IMAGE` with the CLI: ms to the first stdout bytes and to exit. */
function cliRun(cli: string, image: string): Promise<{firstMs: number; endMs: number; code: number; out: string}> {
  const e = engineEnv();
  return new Promise((resolve) => {
    const t0 = performance.now();
    let firstMs = -1;
    let out = '';
    const child = spawn(cli, ['run', '--rm', image], {
      env: {...process.env, DOCKER_HOST: e.DOCKER_HOST, ...(e.DOCKER_CONFIG ? {DOCKER_CONFIG: e.DOCKER_CONFIG} : {})},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => {
      if (firstMs < 0) firstMs = performance.now() - t0;
      out += d;
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => resolve({firstMs, endMs: performance.now() - t0, code: -1, out: err.message}));
    child.on('exit', (code) => resolve({firstMs, endMs: performance.now() - t0, code: code ?? -1, out}));
  });
}

export async function main(): Promise<Report> {
  const report = new Report('run-hello');
  const cli = dockerCliPath();
  if (!cli) report.info(`CLI side ${NO_DOCKER_CLI}; the lab side alone`);
  const lab = await startLabServer({port: Number(process.env.BENCH_PORT ?? 3203), env: {LAB_LESSONS_DIR: 'bench/fixtures/lessons'}});
  const client = await BenchClient.connect(lab.wsUrl);
  let firstLineAt = 0;
  client.onOutput((data, at) => {
    if (firstLineAt === 0 && data.includes('Hello from inside a container!')) firstLineAt = at;
  });
  try {
    const tag = `bench/hello-${Math.random().toString(36).slice(2, 8)}`;
    const built = await client.run(`docker build -t ${tag} .`, {context: 'bench', dockerfile: HELLO});
    if (built.exitCode !== 0) throw new Error(`building the hello image exited ${built.exitCode}`);

    const labRun = async () => {
      firstLineAt = 0;
      const t0 = performance.now();
      const r = await client.run(`docker run --rm ${tag}`);
      if (r.exitCode !== 0 || firstLineAt === 0) throw new Error(`lab docker run exited ${r.exitCode}`);
      return {firstMs: firstLineAt - t0, endMs: r.endMs};
    };
    const labFirst: number[] = [];
    const labEnd: number[] = [];
    const cliFirst: number[] = [];
    const cliEnd: number[] = [];
    const more = within(600_000);
    for (let i = 0; i < WARMUP + PAIRS && more(); i++) {
      const order = !cli ? ['lab'] : i % 2 === 0 ? ['lab', 'cli'] : ['cli', 'lab'];
      for (const side of order) {
        if (side === 'lab') {
          const r = await labRun();
          if (i >= WARMUP) {
            labFirst.push(r.firstMs);
            labEnd.push(r.endMs);
          }
        } else {
          const r = await cliRun(cli!, tag);
          if (r.code !== 0 || !r.out.includes('Hello from inside a container!')) throw new Error(`docker run exited ${r.code}: ${r.out}`);
          if (i >= WARMUP) {
            cliFirst.push(r.firstMs);
            cliEnd.push(r.endMs);
          }
        }
      }
    }
    const n = labFirst.length;
    report.info(`${n} interleaved pairs after ${WARMUP} warm-up pairs; image: busybox printing three lines`);
    report.add({name: 'lab: Run → first line of the container, p50/p95', value: `${r1(median(labFirst))} / ${r1(quantile(labFirst, 0.95))}`, unit: 'ms'});
    report.add({name: 'lab: Run → command end, p50/p95', value: `${r1(median(labEnd))} / ${r1(quantile(labEnd, 0.95))}`, unit: 'ms'});
    if (cliFirst.length) {
      report.add({name: 'CLI: docker run --rm → first line, p50/p95', value: `${r1(median(cliFirst))} / ${r1(quantile(cliFirst, 0.95))}`, unit: 'ms'});
      report.add({name: 'first line, lab / CLI (medians)', value: `${r2(median(labFirst) / median(cliFirst))}`, unit: '×'});
      report.add({name: 'CLI: docker run --rm → exit, p50/p95', value: `${r1(median(cliEnd))} / ${r1(quantile(cliEnd, 0.95))}`, unit: 'ms'});
      report.add({name: 'to the end, lab / CLI (medians)', value: `${r2(median(labEnd) / median(cliEnd))}`, unit: '×'});
    }
  } finally {
    await client.close();
    await lab.stop();
  }
  report.done();
  return report;
}

runIfMain(module, main);
