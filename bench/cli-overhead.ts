/**
 * Figure 2: the lab's overhead against the docker CLI, same engine, same
 * build context (bench/fixtures/lessons/bench + the Dockerfile), interleaved
 * A/B pairs (the order alternates each pair), wall clock from the command's
 * start to its end on both sides:
 *   - lab: a protocol client sends `run` (with the context) and waits for `command-end`;
 *   - CLI: `docker buildx build --progress=plain` / `docker push` (the engine script's docker CLI with
 *     Debian 13's buildx 0.13 plugin, what a reader's own current Docker runs), process start to exit.
 * Cases: a cached rebuild, a small uncached build (--no-cache, a RUN), and a
 * push of a fresh image (a new 1 MiB random layer each time, built untimed
 * just before) to the lab registry.
 *
 *   npx tsx bench/cli-overhead.ts [--json]   (BENCH_PAIRS=9, BENCH_PORT=3202)
 */
import {spawn} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {BENCH_LESSONS, BenchClient, NO_DOCKER_CLI, Report, dockerCli, dockerCliPath, engineEnv, median, plain, r1, r3, startLabServer, within, runIfMain} from './lib';

const PAIRS = Math.max(7, Number(process.env.BENCH_PAIRS ?? 9));
const TARGET = 1.05;

const CACHED = 'FROM busybox\nCOPY data.txt /data.txt\nRUN wc -c /data.txt > /size\n';
const UNCACHED = 'FROM busybox\nCOPY data.txt /data.txt\nRUN echo "built at $(date +%s%N)" > /stamp && cat /stamp\n';
const FRESH = 'FROM busybox\nRUN head -c 1048576 /dev/urandom > /random.bin && md5sum /random.bin\n';

/** The CLI, asynchronously (the lab client's socket keeps being served meanwhile); wall time in ms. */
function cli(binary: string, args: string[], env: Record<string, string> = {}): Promise<{ms: number; code: number; out: string}> {
  const e = engineEnv();
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(binary, args, {
      env: {...process.env, DOCKER_HOST: e.DOCKER_HOST, ...env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out = (out + d).slice(-4000)));
    child.stderr.on('data', (d) => (out = (out + d).slice(-4000)));
    child.on('error', (err) => resolve({ms: performance.now() - t0, code: -1, out: err.message}));
    child.on('exit', (code) => resolve({ms: performance.now() - t0, code: code ?? -1, out}));
  });
}

export async function main(): Promise<Report> {
  const report = new Report('cli-overhead');
  const binary = dockerCliPath();
  if (!binary) {
    report.info(NO_DOCKER_CLI);
    report.done();
    return report;
  }
  const env = engineEnv();
  const registry = env.LAB_REGISTRY ?? 'localhost:5000';
  const user = env.LAB_REGISTRY_USER ?? 'student';
  const password = env.LAB_REGISTRY_PASSWORD ?? 'docker-lab';
  const lab = await startLabServer({port: Number(process.env.BENCH_PORT ?? 3202), env: {LAB_LESSONS_DIR: BENCH_LESSONS}});
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cli-'));
  const ctx = path.join(dir, 'ctx');
  const config = path.join(dir, 'docker-config');
  cpSync(path.join(BENCH_LESSONS, 'bench'), ctx, {recursive: true});
  // The buildx plugin the engine script installed (its DOCKER_CONFIG), beside this run's login.
  const plugins = path.join(env.DOCKER_CONFIG ?? path.join(homedir(), '.docker'), 'cli-plugins');
  if (!existsSync(path.join(plugins, 'docker-buildx'))) throw new Error(`no buildx plugin in ${plugins}: run scripts/lab-engine.sh up`);
  mkdirSync(config, {recursive: true});
  symlinkSync(plugins, path.join(config, 'cli-plugins'));
  const client = await BenchClient.connect(lab.wsUrl);
  let text = '';
  client.onOutput((d) => (text = (text + d).slice(-20_000)));
  const cliTags = new Set<string>();
  const cliImages = new Set<string>();
  try {
    // Log in on both sides (not timed).
    const li = dockerCli(['login', '-u', user, '--password-stdin', registry], {DOCKER_CONFIG: config}, password);
    if (li?.status !== 0) throw new Error(`docker login: ${li?.stderr ?? li?.error?.message}`);
    {
      const end = client.run(`docker login ${registry} -u ${user}`);
      const deadline = Date.now() + 10_000;
      while (!/Password:\s*$/.test(plain(text)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      client.input(`${password}\r`);
      const r = await end;
      if (r.exitCode !== 0) throw new Error(`lab docker login exited ${r.exitCode}: ${plain(text).slice(-500)}`);
    }

    const labBuild = async (dockerfile: string, args: string) => {
      const r = await client.run(`docker build . ${args}`, {context: 'bench', dockerfile});
      if (r.exitCode !== 0) throw new Error(`lab build exited ${r.exitCode}: ${plain(text).slice(-1500)}`);
      return r.endMs;
    };
    const cliBuild = async (dockerfile: string, args: string[]) => {
      writeFileSync(path.join(ctx, 'Dockerfile'), dockerfile);
      const r = await cli(binary, ['buildx', 'build', '--progress=plain', ...args, ctx], {DOCKER_CONFIG: config});
      if (r.code !== 0) throw new Error(`CLI build exited ${r.code}: ${r.out}`);
      // Remember every image the CLI side made: a rebuild leaves the previous one untagged.
      const tag = args[args.indexOf('-t') + 1];
      const id = tag ? (dockerCli(['image', 'inspect', '-f', '{{.Id}}', tag])?.stdout.trim() ?? '') : '';
      if (id) cliImages.add(id);
      return r.ms;
    };

    const cases: Array<{
      name: string;
      setup?: () => Promise<void>;
      lab: () => Promise<number>;
      cli: () => Promise<number>;
    }> = [
      {
        name: 'cached rebuild',
        setup: async () => {
          await labBuild(CACHED, '-t bench/lab-cached');
          await cliBuild(CACHED, ['-t', 'bench-cli-cached']);
          cliTags.add('bench-cli-cached');
        },
        lab: () => labBuild(CACHED, '-t bench/lab-cached'),
        cli: () => cliBuild(CACHED, ['-t', 'bench-cli-cached']),
      },
      {
        name: 'small uncached build (--no-cache)',
        lab: () => labBuild(UNCACHED, '--no-cache -t bench/lab-uncached'),
        cli: () => {
          cliTags.add('bench-cli-uncached');
          return cliBuild(UNCACHED, ['--no-cache', '-t', 'bench-cli-uncached']);
        },
      },
      {
        name: 'push of a fresh 1 MiB layer',
        lab: async () => {
          const name = `${registry}/${user}/bench-push-lab`;
          await labBuild(FRESH, `--no-cache -t ${name}`);
          const r = await client.run(`docker push ${name}`);
          if (r.exitCode !== 0) throw new Error(`lab push exited ${r.exitCode}: ${plain(text).slice(-1500)}`);
          if (!/Pushed/.test(plain(text).slice(-2000))) throw new Error('lab push pushed no layer');
          return r.endMs;
        },
        cli: async () => {
          const name = `${registry}/${user}/bench-push-cli`;
          cliTags.add(name);
          await cliBuild(FRESH, ['--no-cache', '-t', name]);
          const r = await cli(binary, ['push', name], {DOCKER_CONFIG: config});
          if (r.code !== 0) throw new Error(`CLI push exited ${r.code}: ${r.out}`);
          if (!/Pushed/.test(r.out)) throw new Error('CLI push pushed no layer');
          return r.ms;
        },
      },
    ];

    for (const c of cases) {
      await c.setup?.();
      const labMs: number[] = [];
      const cliMs: number[] = [];
      const ratios: number[] = [];
      const more = within(240_000);
      for (let i = 0; i < PAIRS && more(); i++) {
        let a: number, b: number;
        if (i % 2 === 0) {
          a = await c.lab();
          b = await c.cli();
        } else {
          b = await c.cli();
          a = await c.lab();
        }
        labMs.push(a);
        cliMs.push(b);
        ratios.push(a / b);
      }
      const ratio = median(ratios);
      report.add({
        name: `${c.name}: median lab/CLI ratio`,
        value: r3(ratio),
        target: `≤ ${TARGET}`,
        met: ratio <= TARGET,
        note: `${ratios.length} pairs; lab median ${r1(median(labMs))} ms, CLI median ${r1(median(cliMs))} ms; ratio of medians ${r3(median(labMs) / median(cliMs))}; lab [${labMs.map(Math.round).join(' ')}] CLI [${cliMs.map(Math.round).join(' ')}]`,
      });
    }
  } finally {
    await client.close(); // the session ends: the server removes the images it built (bench/lab-*)
    await lab.stop();
    for (const t of cliTags) dockerCli(['rmi', '-f', t]);
    for (const id of cliImages) dockerCli(['rmi', '-f', id]);
    dockerCli(['logout', registry], {DOCKER_CONFIG: config});
    rmSync(dir, {recursive: true, force: true});
    await deleteRegistryTags(registry, user, password, ['bench-push-lab', 'bench-push-cli'], report);
  }
  report.done();
  return report;
}

/** Remove the pushed tags from the registry (works when the registry allows deletes). */
async function deleteRegistryTags(registry: string, user: string, password: string, repos: string[], report: Report) {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  for (const repo of repos) {
    try {
      const head = await fetch(`http://${registry}/v2/${user}/${repo}/manifests/latest`, {
        method: 'HEAD',
        headers: {authorization: auth, accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'},
      });
      const digest = head.headers.get('docker-content-digest');
      if (!digest) continue;
      const del = await fetch(`http://${registry}/v2/${user}/${repo}/manifests/${digest}`, {method: 'DELETE', headers: {authorization: auth}});
      if (del.status !== 202) report.info(`could not delete ${user}/${repo}:latest from the registry (HTTP ${del.status})`);
    } catch (err) {
      report.info(`could not delete ${user}/${repo} from the registry: ${(err as Error).message}`);
    }
  }
}

runIfMain(module, main);
