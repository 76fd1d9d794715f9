/** The engine and registry that scripts/lab-engine.sh provides, as tests reach them. */
import {readFileSync} from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

/** The engine script's environment (DOCKER_HOST, LAB_REGISTRY, test user), from the process or the state folder's env file. */
export function labEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  try {
    const state = process.env.LAB_STATE_DIR || path.join(ROOT, '.lab');
    for (const line of readFileSync(path.join(state, 'env'), 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
  } catch {
    /* not started through the script: rely on the process environment */
  }
  for (const k of [
    'DOCKER_HOST',
    'DOCKER_CONFIG',
    'LAB_REGISTRY',
    'LAB_REGISTRY_USER',
    'LAB_REGISTRY_PASSWORD',
    'LAB_ENGINE_KIND',
    'LAB_REGISTRY_KIND',
    'LAB_ENGINE_CGROUP',
    'LAB_BUILD_CGROUP',
  ]) {
    if (process.env[k]) env[k] = process.env[k]!;
  }
  if (!env.DOCKER_HOST) throw new Error('no engine: run scripts/lab-engine.sh up (npm test does)');
  return env;
}

/** A unique, valid repository name for a test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** GET on the lab registry's API with the test user's credentials. */
export async function registryGet(pathname: string, headers: Record<string, string> = {}): Promise<Response> {
  const e = labEnv();
  const auth = Buffer.from(`${e.LAB_REGISTRY_USER ?? 'student'}:${e.LAB_REGISTRY_PASSWORD ?? 'docker-lab'}`).toString('base64');
  return fetch(`http://${e.LAB_REGISTRY ?? 'localhost:5000'}${pathname}`, {headers: {authorization: `Basic ${auth}`, ...headers}});
}
