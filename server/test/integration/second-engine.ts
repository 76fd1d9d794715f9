/**
 * A second private Docker engine for the engine-pool test and benchmark: `scripts/lab-engine.sh
 * up-engine` under its own state folder (own data and exec roots, socket, bridge, cgroups; busybox
 * only, no registry: the lab's one is shared). Idempotent: an engine already up there is used and
 * left up; one started here is stopped again by `release`.
 */
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {ROOT} from './lab-env';

const SCRIPT = path.join(ROOT, 'scripts/lab-engine.sh');
/** The first engine's settings that must not leak into the second's (bridge, cgroups, socket). */
const FIRST_ENGINE_KEYS = ['DOCKER_HOST', 'LAB_ENGINE_NAME', 'LAB_ENGINE_BRIDGE', 'LAB_ENGINE_SUBNET', 'LAB_ENGINE_CGROUP', 'LAB_BUILD_CGROUP', 'LAB_ENGINE_ONLY'];

export interface SecondEngine {
  /** unix:///…/docker.sock */
  host: string;
  stateDir: string;
  /** Stop its dockerd (as a crash would: `up-engine` brings it back). */
  stop(): void;
  /** Start it again after stop(). */
  start(): void;
  /** Leave things as found: stopped and cleaned up (bridge, cgroups) if started here, else running. */
  release(): void;
}

export function secondEngine(): SecondEngine {
  const firstState = process.env.LAB_STATE_DIR || path.join(ROOT, '.lab');
  const stateDir = process.env.LAB_ENGINE2_STATE_DIR || path.join(firstState, 'engine2');
  const env: NodeJS.ProcessEnv = {...process.env, LAB_STATE_DIR: stateDir, LAB_ENGINE_CACHE: process.env.LAB_ENGINE_CACHE || path.join(firstState, 'engine26')};
  for (const k of FIRST_ENGINE_KEYS) delete env[k];
  const run = (cmd: string) => execFileSync('bash', [SCRIPT, cmd], {stdio: 'pipe', env, timeout: 180_000});
  let wasUp = true;
  try {
    run('status');
  } catch {
    wasUp = false;
  }
  run('up-engine');
  const host = /^DOCKER_HOST=(.*)$/m.exec(readFileSync(path.join(stateDir, 'env'), 'utf8'))![1]!;
  return {
    host,
    stateDir,
    stop: () => void run('stop-engine'),
    start: () => void run('up-engine'),
    release: () => void (wasUp ? run('up-engine') : run('down')),
  };
}
