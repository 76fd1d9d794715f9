import path from 'node:path';
import {Secret} from '../secret';

/** Settings of readers, the token service and the admin API (part of LabConfig; see docs/operators). */
export interface ReadersConfig {
  /** Where readers (and the cookie key) are kept: LAB_STATE_DIR, as scripts/lab-engine.sh uses it. */
  stateDir: string;
  /** A reader unseen this long is removed with their images and repositories, ms (default 7 days). */
  idleMs: number;
  /** How often idle readers are looked for, ms. */
  sweepMs: number;
  /** Disk a reader's images may use, bytes (default 5 GB). */
  diskBytes: number;
  /** Lab names one client address may create an hour (a whole class behind one NAT address fits). */
  namesPerAddressPerHour: number;
  /** Bearer token of the admin API (/companion/admin/...); the API is off without it. */
  adminToken?: Secret;
  /** Token service: on when the key and certificate are given (the private registry uses token auth). */
  token?: {
    host: string;
    port: number;
    keyFile: string;
    certFile: string;
    service: string;
    issuer: string;
  };
  /** A shared demo account for scripts and the tests (pushes only under its own name), if set. */
  demo?: {user: string; password: Secret};
}

const DAY = 24 * 3600_000;

export function loadReadersConfig(
  env: NodeJS.ProcessEnv,
  root: string,
  int: (key: string, dflt: number, min?: number) => number,
  fail: (message: string) => never,
): ReadersConfig {
  const stateDir = path.resolve(root, env.LAB_STATE_DIR || '.lab');
  const admin = env.LAB_ADMIN_TOKEN || '';
  if (admin && admin.length < 16) fail('LAB_ADMIN_TOKEN must be at least 16 characters');
  return {
    stateDir,
    idleMs: int('LAB_READER_IDLE_MS', 7 * DAY, 1000),
    sweepMs: int('LAB_READER_SWEEP_MS', 60_000, 100),
    diskBytes: int('LAB_READER_DISK_BYTES', 5 * 1000 ** 3, 0),
    namesPerAddressPerHour: int('LAB_NAMES_PER_ADDRESS_PER_HOUR', 60, 1),
    adminToken: admin ? new Secret(admin) : undefined,
    token:
      env.LAB_TOKEN_KEY && env.LAB_TOKEN_CERT
        ? {
            host: env.LAB_TOKEN_HOST || '127.0.0.1',
            port: int('LAB_TOKEN_PORT', 5001, 1),
            keyFile: path.resolve(root, env.LAB_TOKEN_KEY),
            certFile: path.resolve(root, env.LAB_TOKEN_CERT),
            service: env.LAB_TOKEN_SERVICE || 'lab-registry',
            issuer: env.LAB_TOKEN_ISSUER || 'docker-lab',
          }
        : undefined,
    demo: env.LAB_REGISTRY_USER && env.LAB_REGISTRY_PASSWORD ? {user: env.LAB_REGISTRY_USER, password: new Secret(env.LAB_REGISTRY_PASSWORD)} : undefined,
  };
}
