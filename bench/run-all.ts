/**
 * Every benchmark, one after another (never in parallel: they share a
 * 2-core machine with the engine): `npm run bench` (add `-- --json` for one
 * JSON object per benchmark). BENCH_ONLY=first-byte,throughput runs a subset.
 * Prints the machine once, then each benchmark's figures as plain lines.
 */
import {JSON_OUT, load, machine, withLoad} from './lib';
import type {Report} from './lib';

const ALL: Array<[string, () => Promise<{main: () => Promise<Report>}>]> = [
  ['first-byte', () => import('./first-byte')],
  ['cli-overhead', () => import('./cli-overhead')],
  ['run-hello', () => import('./run-hello')],
  ['throughput', () => import('./throughput')],
  ['concurrency', () => import('./concurrency')],
  ['cohort', () => import('./cohort')],
  ['pool', () => import('./pool')],
  ['page-weight', () => import('./page-weight')],
  ['worst-frame', () => import('./worst-frame')],
  ['flood-memory', () => import('./flood-memory')],
];

async function runAll(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',');
  if (!JSON_OUT) {
    console.log(`date: ${new Date().toISOString()}`);
    for (const [k, v] of Object.entries(machine())) console.log(`machine: ${k}: ${v}`);
    console.log(`machine: load at start: ${load()}`);
  }
  let failed = 0;
  for (const [name, mod] of ALL) {
    if (only && !only.includes(name)) continue;
    try {
      const bench = await mod();
      await withLoad(name, () => bench.main());
    } catch (err) {
      failed++;
      console.error(`${name}: FAILED: ${(err as Error).stack ?? err}`);
    }
  }
  process.exit(failed ? 1 : 0);
}

void runAll();
