/**
 * Diagnosis for figure 3 (not part of run-all): the 20 MB build over the
 * WebSocket alone against a server started with `node --cpu-prof`, bounded
 * by BENCH_PROFILE_MS (default 45 s); then prints the progress, the server's
 * hottest functions by self time and the profile's path.
 *
 *   npx tsx bench/profile-throughput.ts   (BENCH_PORT=3207)
 */
import {mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {BenchClient, r1, startLabServer} from './lib';

const LINE = '0123456789abcdef'.repeat(3) + '0123456789abcde';
const DOCKERFILE = `FROM busybox\nRUN yes ${LINE} | head -c 20000000\n`;
const DIR = '/tmp/bench-prof';

interface Node {
  id: number;
  callFrame: {functionName: string; url: string; lineNumber: number};
  hitCount?: number;
}

async function main(): Promise<void> {
  rmSync(DIR, {recursive: true, force: true});
  mkdirSync(DIR, {recursive: true});
  const lab = await startLabServer({port: Number(process.env.BENCH_PORT ?? 3207), nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${DIR}`]});
  const limit = Number(process.env.BENCH_PROFILE_MS ?? 45_000);
  const client = await BenchClient.connect(lab.wsUrl);
  const t0 = performance.now();
  let marks = '';
  let next = 1;
  client.onOutput(() => {
    if (client.outputBytes >= next * 2e6) {
      marks += ` ${r1((performance.now() - t0) / 1000)}s:${(client.outputBytes / 1e6).toFixed(0)}MB`;
      next++;
    }
  });
  const res = await Promise.race([
    client.run('docker build --no-cache .', {context: 'hello', dockerfile: DOCKERFILE}, limit + 1000).catch((e: Error) => e.message),
    new Promise((r) => setTimeout(() => r('limit reached'), limit)),
  ]);
  console.log(`result: ${JSON.stringify(res)}; ${(client.outputBytes / 1e6).toFixed(2)} MB in ${r1((performance.now() - t0) / 1000)} s; progress${marks}`);
  await client.close();
  await lab.stop();
  const file = readdirSync(DIR).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return console.log('no profile written');
  const prof = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as {nodes: Node[]; samples: number[]; timeDeltas: number[]};
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const n of prof.nodes) {
    const us = self.get(n.id) ?? 0;
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^file:\/\/\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const total = [...byFn.values()].reduce((a, b) => a + b, 0);
  console.log(`profile: ${path.join(DIR, file)} (${r1(total / 1e6)} s sampled)`);
  for (const [k, us] of [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${r1((us / total) * 100)}%  ${r1(us / 1000)} ms  ${k}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
