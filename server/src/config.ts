import {readFileSync} from 'node:fs';
import path from 'node:path';
import {parseEngineList, type EngineSpec} from './engine/pool-config';
import {checkTrustedProxies} from './limits/client-key';
import {loadReadersConfig, type ReadersConfig} from './readers/config';

/** Every setting of the companion server, with its default. See docs/operators. */
export interface LabConfig {
  /** Address to bind. Anything but loopback requires `accessToken`. */
  host: string;
  port: number;
  /** Required for a non-loopback bind; readers pass it once as `?token=`. */
  accessToken?: string;
  /** Extra page origins allowed to open the WebSocket (the server's own origin always is). */
  allowedOrigins: string[];
  /** LAB_TRUSTED_PROXIES: peers whose X-Forwarded-For names the client (a reverse proxy, the Ingress). */
  trustedProxies: string[];
  /** The built site to serve (`npm run build` output); optional in development. */
  siteDir: string;
  /** Folder of lesson build contexts (`lessons/<name>/`). */
  lessonsDir: string;
  /** The engines readers are placed on (LAB_ENGINES; without it one: DOCKER_HOST, or the default socket). */
  engines: EngineSpec[];
  /** The embedded lab registry as the engine reaches it, e.g. `localhost:5000`. */
  labRegistry: string;
  /** Builder for `docker build`: BuildKit (like today's CLI) or the classic one. */
  builder: 'buildkit' | 'classic';
  /** Remove images left by sessions of an earlier run when the server starts (one server per engine). */
  cleanOnStart: boolean;
  /** Images a reader's Dockerfile may name in `# syntax=` (exact references); none by default. */
  dockerfileSyntaxImages: string[];
  limits: LabLimits;
  /** The sandbox of `docker run` containers (server/src/containers/sandbox.ts applies it). */
  run: RunSettings;
  /** Readers, the registry's token service, the admin API (server/src/readers/config.ts). */
  readers: ReadersConfig;
}

export interface LabLimits {
  /** Largest build context (lesson folder plus Dockerfile), bytes. */
  contextBytes: number;
  /** Most output one command may print before it is cut short, bytes. */
  outputBytesPerCommand: number;
  /**
   * Flow control window, bytes: at most this much output is sent and not yet acknowledged by the page,
   * and a command stops reading the engine while this much more is waiting to be sent.
   */
  unackedBytes: number;
  /** Longest value an ARG/ENV of a reader's Dockerfile may expand to, bytes. */
  expansionBytes: number;
  /**
   * Hard bound on one session's output held in memory (sent and unacknowledged plus waiting), bytes.
   * Past it the page is too far behind: its session ends with a reason the page shows.
   */
  sessionOutputBytes: number;
  /** A page that acknowledges nothing for this long while output waits for it is closed, ms. */
  ackTimeoutMs: number;
  /** Input frames (keystrokes, pastes) one connection may send a second; bursts of twice as many. */
  inputFramesPerSecond: number;
  /** Resize frames one connection may send a second; bursts of twice as many. */
  resizeFramesPerSecond: number;
  /** Wall-clock limit of a build, ms. */
  buildMs: number;
  /** Wall-clock limit of a push, ms. */
  pushMs: number;
  /** A session without a connection is kept this long (reconnect grace), ms. */
  detachedSessionMs: number;
  /** A session with no input for this long ends (a warning comes a minute before), ms. */
  idleSessionMs: number;
  /** Commands one session may start per minute. */
  commandsPerMinute: number;
  /** Sessions at once, in total. */
  sessions: number;
  /** Sessions at once from one client address. */
  sessionsPerClient: number;
  /**
   * Memory of build steps, bytes: per step with the classic builder; BuildKit ignores per-build
   * limits, so scripts/lab-engine.sh applies the same value to the engine's build cgroup (all steps together).
   */
  buildMemoryBytes: number;
  /** CPUs build steps may use (e.g. 1.5), applied like buildMemoryBytes. */
  buildCpus: number;
  /** No new build starts while the engine's data-root filesystem has less free space, bytes (0: no check). */
  minFreeDiskBytes: number;
}

export interface RunSettings {
  /** `none` (default): containers have no network. `build`: the lab's build network (the engine's bridge). */
  network: 'none' | 'build';
  /** Memory of one container, bytes (no swap on top). */
  memoryBytes: number;
  /** CPUs one container may use (e.g. 0.5). */
  cpus: number;
  /** Processes (and threads) one container may hold. */
  pids: number;
  /** A container's root filesystem is read-only (only the tmpfs folders are writable). */
  readOnly: boolean;
  /** Size of each tmpfs folder (/tmp, /var/tmp), bytes; it counts against the memory limit. */
  tmpfsBytes: number;
  /** Wall-clock limit of one container, ms. */
  timeoutMs: number;
  /** The reader is warned this long before the wall-clock limit, ms. */
  warningMs: number;
  /** Containers one reader (or reader-less session) may run at once. */
  perReader: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MB = 1024 * 1024;

function int(env: NodeJS.ProcessEnv, key: string, dflt: number, min = 0): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${key} must be an integer ≥ ${min} (got "${raw}")`);
  return n;
}

function num(env: NodeJS.ProcessEnv, key: string, dflt: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new ConfigError(`${key} must be a number ≥ 0 (got "${raw}")`);
  return n;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function engineList(env: NodeJS.ProcessEnv): EngineSpec[] {
  try {
    return parseEngineList(env.LAB_ENGINES, env.DOCKER_HOST || undefined);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): LabConfig {
  const host = env.LAB_HOST || '127.0.0.1';
  const accessToken = env.LAB_ACCESS_TOKEN || undefined;
  if (!isLoopback(host) && !accessToken) {
    throw new ConfigError(
      `refusing to bind ${host} without an access token: set LAB_ACCESS_TOKEN (at least 16 characters), or bind 127.0.0.1`,
    );
  }
  if (accessToken && accessToken.length < 16) {
    throw new ConfigError('LAB_ACCESS_TOKEN must be at least 16 characters');
  }
  const builder = (env.LAB_BUILDER || 'buildkit') as LabConfig['builder'];
  if (builder !== 'buildkit' && builder !== 'classic') {
    throw new ConfigError(`LAB_BUILDER must be "buildkit" or "classic" (got "${builder}")`);
  }
  const unackedBytes = int(env, 'LAB_UNACKED_BYTES', 2 * MB, 64 * 1024);
  const trustedProxies = (env.LAB_TRUSTED_PROXIES || '').split(',').map((s) => s.trim()).filter(Boolean);
  try {
    checkTrustedProxies(trustedProxies);
  } catch (err) {
    throw new ConfigError(`LAB_TRUSTED_PROXIES: ${(err as Error).message} (addresses, CIDRs, or loopback/linklocal/uniquelocal)`);
  }
  return {
    host,
    port: int(env, 'LAB_PORT', 3000, 0),
    accessToken,
    trustedProxies,
    allowedOrigins: (env.LAB_ALLOWED_ORIGINS || '').split(',').map((s) => s.trim()).filter(Boolean),
    siteDir: path.resolve(root, env.LAB_SITE_DIR || 'build'),
    lessonsDir: path.resolve(root, env.LAB_LESSONS_DIR || 'lessons'),
    engines: engineList(env),
    labRegistry: env.LAB_REGISTRY || 'localhost:5000',
    builder,
    cleanOnStart: (env.LAB_CLEAN_ON_START ?? 'true') !== 'false',
    dockerfileSyntaxImages: (env.LAB_DOCKERFILE_SYNTAX_IMAGES || '').split(',').map((s) => s.trim()).filter(Boolean),
    limits: {
      contextBytes: int(env, 'LAB_MAX_CONTEXT_BYTES', 50 * MB, 1),
      outputBytesPerCommand: int(env, 'LAB_MAX_OUTPUT_BYTES', 64 * MB, 1024),
      unackedBytes,
      sessionOutputBytes: int(env, 'LAB_SESSION_OUTPUT_BYTES', 4 * unackedBytes, 2 * unackedBytes),
      ackTimeoutMs: int(env, 'LAB_ACK_TIMEOUT_MS', 60_000, 1000),
      inputFramesPerSecond: int(env, 'LAB_INPUT_FRAMES_PER_SECOND', 100, 1),
      resizeFramesPerSecond: int(env, 'LAB_RESIZE_FRAMES_PER_SECOND', 10, 1),
      expansionBytes: int(env, 'LAB_MAX_EXPANSION_BYTES', 64 * 1024, 1024),
      buildMs: int(env, 'LAB_BUILD_TIMEOUT_MS', 30 * 60_000, 1000),
      pushMs: int(env, 'LAB_PUSH_TIMEOUT_MS', 30 * 60_000, 1000),
      detachedSessionMs: int(env, 'LAB_SESSION_GRACE_MS', 2 * 60_000, 0),
      idleSessionMs: int(env, 'LAB_SESSION_IDLE_MS', 30 * 60_000, 10_000),
      commandsPerMinute: int(env, 'LAB_COMMANDS_PER_MINUTE', 30, 1),
      sessions: int(env, 'LAB_MAX_SESSIONS', 200, 1),
      sessionsPerClient: int(env, 'LAB_MAX_SESSIONS_PER_CLIENT', 8, 1),
      buildMemoryBytes: int(env, 'LAB_BUILD_MEMORY_BYTES', 2 * 1024 * MB, 0),
      buildCpus: num(env, 'LAB_BUILD_CPUS', 1),
      minFreeDiskBytes: int(env, 'LAB_MIN_FREE_DISK_BYTES', 2 * 1024 * MB, 0),
    },
    run: loadRunSettings(env),
    readers: loadReadersConfig(env, root, (key, dflt, min) => int(env, key, dflt, min), (message) => {
      throw new ConfigError(message);
    }),
  };
}

function loadRunSettings(env: NodeJS.ProcessEnv): RunSettings {
  const network = env.LAB_RUN_NETWORK || 'none';
  if (network !== 'none' && network !== 'build') {
    throw new ConfigError(`LAB_RUN_NETWORK must be "none" or "build" (got "${network}")`);
  }
  if (network === 'build' && !bridgeTrafficFiltered()) {
    // The build network's rules (scripts/lab-build-network.sh) keep containers on the bridge from each
    // other and from the host only when bridged traffic passes iptables.
    throw new ConfigError(
      'LAB_RUN_NETWORK=build needs bridged traffic filtered by iptables (modprobe br_netfilter; sysctl net.bridge.bridge-nf-call-iptables=1) ' +
        "and the lab's private engine with its build-network rules (scripts/lab-engine.sh)",
    );
  }
  const cpus = num(env, 'LAB_RUN_CPUS', 1);
  if (cpus < 0.01) throw new ConfigError('LAB_RUN_CPUS must be at least 0.01');
  const timeoutMs = int(env, 'LAB_RUN_TIMEOUT_MS', 10 * 60_000, 1000);
  return {
    network,
    memoryBytes: int(env, 'LAB_RUN_MEMORY_BYTES', 512 * MB, 6 * MB),
    cpus,
    pids: int(env, 'LAB_RUN_PIDS', 256, 8),
    readOnly: (env.LAB_RUN_READ_ONLY ?? 'true') !== 'false',
    tmpfsBytes: int(env, 'LAB_RUN_TMPFS_BYTES', 64 * MB, MB),
    timeoutMs,
    warningMs: Math.min(int(env, 'LAB_RUN_WARNING_MS', 60_000, 0), Math.floor(timeoutMs / 2)),
    perReader: int(env, 'LAB_RUN_CONTAINERS_PER_READER', 2, 1),
  };
}

/** Whether this machine passes bridged traffic through iptables (what the build network's rules need). */
function bridgeTrafficFiltered(): boolean {
  try {
    return readFileSync('/proc/sys/net/bridge/bridge-nf-call-iptables', 'utf8').trim() === '1';
  } catch {
    return false;
  }
}
