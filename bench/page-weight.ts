/**
 * Figure 5: the initial JavaScript of a lesson page, with and without the
 * lab's components, and the production build time.
 *
 * Two copies of the repository in /tmp (sources only; node_modules is a
 * folder of symlinks to this one's packages, so each copy has its own
 * node_modules/.cache):
 *   - "lab": unchanged;
 *   - "plain": without src/theme/Root.tsx, src/theme/MDXComponents.tsx and the
 *     runnable-blocks remark plugin's registration in docusaurus.config.ts
 *     (the fences render as ordinary code blocks).
 * Build time: `npx docusaurus build` in the lab copy, cold-ish (its .docusaurus
 * and node_modules/.cache removed first), then warm (again, right after).
 * Page weight: each build served (the lab copy by the lab server, so its
 * socket connects as in production; the plain copy by a static server), a
 * fresh Chromium context opens the lesson and waits for network idle without
 * clicking; every script response is gzipped here (zlib level 6) and summed.
 *
 *   npx tsx bench/page-weight.ts [--json]   (BENCH_PORT=3205 and 3206; BENCH_SKIP_BUILD_TIME=1 reuses existing builds)
 */
import {spawnSync} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {gzipSync} from 'node:zlib';
import sirv from 'sirv';
import {ROOT, Report, r1, startLabServer, runIfMain} from './lib';
import {launch} from './browser';

const WORK = process.env.BENCH_SITE_WORK ?? '/tmp/bench-site';
const PAGES = ['/docs/building', '/docs/writing-a-dockerfile'];
const SKIP = new Set(['node_modules', 'build', '.lab', '.docusaurus', 'test-results', '.git', 'bench', 'playwright-report']);

function makeCopy(name: string): string {
  const dir = path.join(WORK, name);
  rmSync(dir, {recursive: true, force: true});
  mkdirSync(dir, {recursive: true});
  for (const entry of readdirSync(ROOT)) {
    if (SKIP.has(entry)) continue;
    cpSync(path.join(ROOT, entry), path.join(dir, entry), {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}.output`) && !src.endsWith(`${path.sep}.docusaurus`),
    });
  }
  const nm = path.join(dir, 'node_modules');
  mkdirSync(nm);
  for (const entry of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (entry === '.cache') continue;
    symlinkSync(path.join(ROOT, 'node_modules', entry), path.join(nm, entry));
  }
  return dir;
}

function stripLab(dir: string): void {
  rmSync(path.join(dir, 'src/theme/Root.tsx'));
  rmSync(path.join(dir, 'src/theme/MDXComponents.tsx'));
  // The sidebar's progress marks and the landing page's progress panel read the lab's state from Root.
  rmSync(path.join(dir, 'src/theme/DocSidebarItem'), {recursive: true, force: true});
  writeFileSync(path.join(dir, 'src/components/ProgressPanel/index.tsx'), 'export default function ProgressPanel(): null {\n  return null;\n}\n');
  const cfg = path.join(dir, 'docusaurus.config.ts');
  const text = readFileSync(cfg, 'utf8');
  const stripped = text.replace(/^\s*remarkPlugins: \[\[runnableBlocks[^\n]*\n/m, '');
  if (stripped === text) throw new Error('remark plugin registration not found in docusaurus.config.ts');
  writeFileSync(cfg, stripped);
}

function build(dir: string, clean: boolean): number {
  if (clean) {
    rmSync(path.join(dir, '.docusaurus'), {recursive: true, force: true});
    rmSync(path.join(dir, 'node_modules/.cache'), {recursive: true, force: true});
  }
  const t0 = performance.now();
  const res = spawnSync('npx', ['docusaurus', 'build'], {cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000});
  if (res.status !== 0) throw new Error(`docusaurus build in ${dir} failed: ${res.stderr.slice(-3000)}`);
  return (performance.now() - t0) / 1000;
}

async function scripts(url: string): Promise<{count: number; raw: number; gzip: number; lazyXterm: boolean}> {
  const browser = await launch();
  try {
    const ctx = await browser.newContext({viewport: {width: 1280, height: 900}});
    const page = await ctx.newPage();
    const bodies: Array<Promise<Buffer | null>> = [];
    const urls: string[] = [];
    page.on('response', (res) => {
      if (res.request().resourceType() !== 'script') return;
      urls.push(res.url());
      bodies.push(res.body().catch(() => null));
    });
    page.on('requestfailed', (req) => {
      if (req.resourceType() === 'script') console.error(`script request failed: ${req.url()} ${req.failure()?.errorText}`);
    });
    await page.goto(url, {waitUntil: 'load'});
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1000);
    const all = await Promise.all(bodies);
    const got = all.filter((b): b is Buffer => b !== null);
    await ctx.close();
    if (got.length !== urls.length) throw new Error(`could not read ${urls.length - got.length} of ${urls.length} script bodies: ${urls.filter((_, i) => all[i] === null).join(' ')}`);
    return {
      count: got.length,
      raw: got.reduce((n, b) => n + b.length, 0),
      gzip: got.reduce((n, b) => n + gzipSync(b, {level: 6}).length, 0),
      lazyXterm: !got.some((b) => b.includes('xterm-helper-textarea')),
    };
  } finally {
    await browser.close();
  }
}

export async function main(): Promise<Report> {
  const report = new Report('page-weight');
  const skipBuild = process.env.BENCH_SKIP_BUILD_TIME === '1' && existsSync(path.join(WORK, 'lab/build/index.html')) && existsSync(path.join(WORK, 'plain/build/index.html'));
  const labDir = path.join(WORK, 'lab');
  const plainDir = path.join(WORK, 'plain');
  if (!skipBuild) {
    makeCopy('lab');
    const cold = build(labDir, true);
    report.add({name: 'site build, cold-ish (.docusaurus and node_modules/.cache removed)', value: r1(cold), unit: 's', note: `npx docusaurus build in a copy (${labDir})`});
    const warm = build(labDir, false);
    report.add({name: 'site build, warm (right after)', value: r1(warm), unit: 's'});
    stripLab(makeCopy('plain'));
    const plainCold = build(plainDir, true);
    report.add({name: 'site build without the lab components, cold-ish', value: r1(plainCold), unit: 's'});
  }

  const lab = await startLabServer({port: Number(process.env.BENCH_PORT ?? 3205), env: {LAB_SITE_DIR: path.join(labDir, 'build')}});
  const plainPort = Number(process.env.BENCH_PLAIN_PORT ?? 3206);
  const serve = sirv(path.join(plainDir, 'build'), {dev: false, etag: true, extensions: ['html']});
  const server = http.createServer((req, res) => serve(req, res, () => {
    res.statusCode = 404;
    res.end();
  }));
  await new Promise<void>((r) => server.listen(plainPort, '127.0.0.1', () => r()));
  try {
    for (const p of PAGES) {
      const withLab = await scripts(`${lab.url}${p}`);
      const without = await scripts(`http://127.0.0.1:${plainPort}${p}`);
      const kb = (n: number) => r1(n / 1024);
      report.add({
        name: `${p}: initial JS, gzip`,
        value: `${kb(withLab.gzip)} KiB with the lab vs ${kb(without.gzip)} KiB without (+${kb(withLab.gzip - without.gzip)} KiB, +${r1(((withLab.gzip - without.gzip) / without.gzip) * 100)} %)`,
        note: `${withLab.count} vs ${without.count} scripts; uncompressed ${kb(withLab.raw)} vs ${kb(without.raw)} KiB; xterm ${withLab.lazyXterm ? 'not loaded before a click' : 'LOADED up front'}`,
      });
    }
  } finally {
    await lab.stop();
    await new Promise<void>((r) => server.close(() => r()));
  }
  report.done();
  return report;
}

runIfMain(module, main);
