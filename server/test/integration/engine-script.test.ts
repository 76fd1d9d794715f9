/**
 * scripts/lab-engine.sh: the engine it yields builds a tiny image, the
 * registry accepts its push (with the lab's demo account) and lists it, and
 * a second `up` is fast. Uses the real docker CLI: this checks the script's
 * engine and registry, not the lab's own terminal.
 */
import {execFile, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {startTestLab, type TestLab} from './harness';
import {labEnv, registryGet, ROOT, uniqueName} from './lab-env';

const script = path.join(ROOT, 'scripts/lab-engine.sh');
const dockerConfig = mkdtempSync(path.join(tmpdir(), 'lab-docker-config-'));
const env = labEnv();
const docker = (args: string[], input?: string) =>
  execFileSync('docker', args, {
    env: {...process.env, DOCKER_HOST: env.DOCKER_HOST, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0'},
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });

/** The same, without blocking: the registry's token service (a lab server) runs in this process. */
const dockerAsync = (args: string[], input?: string) =>
  new Promise<string>((resolve, reject) => {
    const child = execFile(
      'docker',
      args,
      {env: {...process.env, DOCKER_HOST: env.DOCKER_HOST, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0'}, encoding: 'utf8'},
      (err, stdout, stderr) => (err ? reject(new Error(`${stdout}${stderr}`)) : resolve(stdout)),
    );
    child.stdin?.end(input ?? '');
  });

// With token authentication the registry asks a lab server for tokens.
let lab: TestLab | undefined;
beforeAll(async () => {
  if (env.LAB_TOKEN_KEY) lab = await startTestLab();
});
afterAll(async () => {
  rmSync(dockerConfig, {recursive: true, force: true});
  await lab?.close();
});

it('a second `up` finds everything running and returns quickly', () => {
  const started = performance.now();
  execFileSync('bash', [script, 'up'], {stdio: 'pipe', env: {...process.env}});
  const seconds = (performance.now() - started) / 1000;
  console.log(`lab-engine.sh up (second run): ${seconds.toFixed(2)} s`);
  expect(seconds).toBeLessThan(15);
  const status = execFileSync('bash', [script, 'status'], {encoding: 'utf8', stdio: 'pipe'});
  expect(status).toMatch(/^DOCKER_HOST=/m);
});

it('the engine builds a tiny image and the registry accepts its push and lists it', async () => {
  const registry = env.LAB_REGISTRY ?? 'localhost:5000';
  const repo = `${env.LAB_REGISTRY_USER ?? 'student'}/${uniqueName('script-check')}`;
  const ctx = mkdtempSync(path.join(tmpdir(), 'lab-ctx-'));
  try {
    writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo tiny > /tiny\n');
    docker(['build', '-q', '-t', `${registry}/${repo}:1`, ctx]);
    await expect(dockerAsync(['push', `${registry}/${repo}:1`])).rejects.toThrow(/no basic auth credentials|unauthorized|authentication required|denied/);
    await dockerAsync(['login', '-u', env.LAB_REGISTRY_USER ?? 'student', '--password-stdin', registry], env.LAB_REGISTRY_PASSWORD ?? 'docker-lab');
    await dockerAsync(['push', `${registry}/${repo}:1`]);
    const catalog = (await (await registryGet('/v2/_catalog?n=1000')).json()) as {repositories: string[]};
    expect(catalog.repositories).toContain(repo);
  } finally {
    rmSync(ctx, {recursive: true, force: true});
  }
});

it('the base images the lessons use exist locally', () => {
  expect(docker(['image', 'inspect', '-f', '{{.Id}}', 'busybox:latest']).trim()).toMatch(/^sha256:/);
  expect(docker(['image', 'inspect', '-f', '{{.Id}}', 'debian:bookworm-slim']).trim()).toMatch(/^sha256:/);
});

it('the docker CLI finds the buildx plugin through the DOCKER_CONFIG that `env` exports', () => {
  expect(env.DOCKER_CONFIG, 'lab-engine.sh env exports DOCKER_CONFIG').toBeTruthy();
  const version = execFileSync('docker', ['buildx', 'version'], {
    env: {...process.env, DOCKER_HOST: env.DOCKER_HOST, DOCKER_CONFIG: env.DOCKER_CONFIG},
    encoding: 'utf8',
  });
  expect(version).toMatch(/github\.com\/docker\/buildx v?0\.\d+/);
});

it.skipIf(env.LAB_ENGINE_KIND !== 'private')('the private engine is Docker 26 or newer', () => {
  const server = docker(['version', '-f', '{{.Server.Version}}']).trim();
  expect(Number(server.split('.')[0])).toBeGreaterThanOrEqual(26);
});

it.skipIf(env.LAB_ENGINE_KIND !== 'private')('the state folder, its logs and the registry\'s data are root\'s alone (issue 23)', () => {
  const state = env.LAB_STATE_DIR ?? path.join(ROOT, '.lab');
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
  expect(mode(state)).toBe('700');
  expect(mode(path.join(state, 'log'))).toBe('700');
  for (const f of readdirSync(path.join(state, 'log'))) expect(mode(path.join(state, 'log', f)), f).toBe('600');
  if (existsSync(path.join(state, 'registry/data'))) {
    expect(mode(path.join(state, 'registry'))).toBe('700');
    expect(mode(path.join(state, 'registry/data'))).toBe('700');
  }
});
