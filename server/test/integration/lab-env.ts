/** The engine and registry that scripts/lab-engine.sh provides, as tests reach them. */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {httpRequest, type PlainResponse} from '../../src/registry-auth/http-request';
import {TokenSigner} from '../../src/registry-auth/signer';

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
    ...TOKEN_KEYS,
  ]) {
    if (process.env[k]) env[k] = process.env[k]!;
  }
  if (!env.DOCKER_HOST) throw new Error('no engine: run scripts/lab-engine.sh up (npm test does)');
  return env;
}

/** The token service's settings and the state folder, as scripts/lab-engine.sh writes them. */
export const TOKEN_KEYS = ['LAB_STATE_DIR', 'LAB_TOKEN_PORT', 'LAB_TOKEN_KEY', 'LAB_TOKEN_CERT', 'LAB_TOKEN_SERVICE', 'LAB_TOKEN_ISSUER'];

/** A unique, valid repository name for a test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * GET on the lab registry's API. With token authentication (the private registry) the request
 * carries a token signed with the lab's key granting pull on every repository and the catalog;
 * otherwise the test user's credentials.
 */
export async function registryGet(pathname: string, headers: Record<string, string> = {}): Promise<{status: number; ok: boolean; json(): Promise<unknown>; headers: {get(name: string): string | null}}> {
  const e = labEnv();
  const base = `http://${(e.LAB_REGISTRY ?? 'localhost:5000').replace(/^localhost(?=:|$)/, '127.0.0.1')}`;
  if (e.LAB_TOKEN_KEY && e.LAB_TOKEN_CERT) {
    const signer = await TokenSigner.load({
      keyFile: e.LAB_TOKEN_KEY,
      certFile: e.LAB_TOKEN_CERT,
      issuer: e.LAB_TOKEN_ISSUER ?? 'docker-lab',
      service: e.LAB_TOKEN_SERVICE ?? 'lab-registry',
    });
    const repo = /^\/v2\/(.+?)\/(?:tags|manifests|blobs)\//.exec(pathname)?.[1];
    const access = repo
      ? [{type: 'repository', name: repo, actions: ['pull']}]
      : [{type: 'registry', name: 'catalog', actions: ['*']}];
    const {token} = await signer.sign('test', access, 60);
    return wrap(await httpRequest(`${base}${pathname}`, {headers: {authorization: `Bearer ${token}`, ...headers}}));
  }
  const auth = Buffer.from(`${e.LAB_REGISTRY_USER ?? 'student'}:${e.LAB_REGISTRY_PASSWORD ?? 'docker-lab'}`).toString('base64');
  return wrap(await httpRequest(`${base}${pathname}`, {headers: {authorization: `Basic ${auth}`, ...headers}}));
}

/** A fetch-like view of a node:http response (fetch refuses some ports, 5060 among them). */
function wrap(r: PlainResponse) {
  return {
    status: r.status,
    ok: r.status >= 200 && r.status < 300,
    json: async () => JSON.parse(r.body) as unknown,
    headers: {get: (name: string) => {
      const v = r.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    }},
  };
}
