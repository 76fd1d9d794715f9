/**
 * `docker run`, `docker ps`, `docker stop`, `docker logs`: their flags
 * (accepted, or refused with a reason), argument counts and typed Commands.
 *
 * `docker run` accepts only what cannot change the lab's sandbox: -i, -t,
 * --rm (always on), -e, -w, --entrypoint, --name, and the command. Every
 * other flag of the docker 28 CLI's `run` is refused with a message, so a
 * reader learns it exists and why it is not here (the sandbox itself is
 * server/src/containers/sandbox.ts, enforced by the engine).
 */
import type {CommandSpec} from './command-table';
import type {Command} from './command-types';
import {type FlagDef, type FlagType, type FlagValues, boolValue, lastString, refused as refuse} from './flags';
import {goQuote, sanitize} from './quote';
import {EXIT_USAGE, type ParseResult, failure, success} from './result';

const SANDBOX = 'the lab runs every container in its own sandbox (no network, limited memory, CPU and processes), which this option would change';

const sandbox = (long: string, short?: string, type: FlagType = 'string') => refuse(long, short, type, SANDBOX);

/** Docker's rule for container names (daemon/names), with a length bound of the lab's. */
export const CONTAINER_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
export const CONTAINER_NAME_MAX = 64;

export function checkContainerName(value: string): string | undefined {
  if (value.length > CONTAINER_NAME_MAX) return `a container name has at most ${CONTAINER_NAME_MAX} characters here`;
  if (!CONTAINER_NAME_RE.test(value)) return `Invalid container name (${sanitize(value)}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`;
  return undefined;
}

export function checkEnv(value: string): string | undefined {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (key === '' || /\s/.test(key)) return `invalid environment variable: ${sanitize(value)}`;
  if (value.includes('\0')) return 'a NUL character cannot be passed to a container';
  if (eq < 0) {
    return `no value for ${sanitize(key)}: write -e ${sanitize(key)}=VALUE (this terminal has no environment to take it from)`;
  }
  return undefined;
}

function checkUint(value: string): string | undefined {
  return /^\d{1,9}$/.test(value) ? undefined : `strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`;
}

function checkTail(value: string): string | undefined {
  return value === 'all' || /^\d{1,9}$/.test(value) ? undefined : 'use a number of lines or "all"';
}

export const RUN_FLAGS: FlagDef[] = [
  {long: 'interactive', short: 'i', type: 'bool', usage: 'Keep STDIN open even if not attached'},
  {long: 'tty', short: 't', type: 'bool', usage: 'Allocate a pseudo-TTY'},
  {long: 'rm', type: 'bool', usage: 'Automatically remove the container and its associated anonymous volumes when it exits (always, here)'},
  {long: 'env', short: 'e', type: 'string', valueName: 'list', usage: 'Set environment variables', check: checkEnv},
  {long: 'workdir', short: 'w', type: 'string', valueName: 'string', usage: 'Working directory inside the container'},
  {long: 'entrypoint', type: 'string', valueName: 'string', usage: 'Overwrite the default ENTRYPOINT of the image'},
  {long: 'name', type: 'string', valueName: 'string', usage: 'Assign a name to the container', check: checkContainerName},
  refuse(
    'detach',
    'd',
    'bool',
    'containers run in the foreground here, one at a time per terminal (use docker ps, logs and stop from a second tab)',
  ),
  refuse('detach-keys'),
  refuse('attach', 'a'),
  refuse('sig-proxy', undefined, 'bool'),
  refuse('env-file', undefined, 'string', 'the terminal has no files to read: use -e KEY=VALUE'),
  refuse('label', 'l'),
  refuse('label-file'),
  refuse('cidfile'),
  refuse('pull'),
  refuse('platform'),
  refuse('quiet', 'q', 'bool'),
  refuse('disable-content-trust', undefined, 'bool'),
  refuse('annotation'),
  refuse('hostname', 'h'),
  refuse('domainname'),
  refuse('user', 'u'),
  refuse('group-add'),
  refuse('init', undefined, 'bool'),
  refuse('restart'),
  refuse('stop-signal'),
  refuse('stop-timeout'),
  refuse('health-cmd'),
  refuse('health-interval'),
  refuse('health-retries'),
  refuse('health-start-period'),
  refuse('health-start-interval'),
  refuse('health-timeout'),
  refuse('no-healthcheck', undefined, 'bool'),
  refuse('log-driver'),
  refuse('log-opt'),
  refuse('expose'),
  refuse('use-api-socket', undefined, 'bool'),
  refuse('gpus'),
  sandbox('privileged', undefined, 'bool'),
  sandbox('cap-add'),
  sandbox('cap-drop'),
  sandbox('device'),
  sandbox('device-cgroup-rule'),
  sandbox('device-read-bps'),
  sandbox('device-read-iops'),
  sandbox('device-write-bps'),
  sandbox('device-write-iops'),
  sandbox('volume', 'v'),
  sandbox('volume-driver'),
  sandbox('volumes-from'),
  sandbox('mount'),
  sandbox('tmpfs'),
  sandbox('read-only', undefined, 'bool'),
  sandbox('network'),
  sandbox('net'),
  sandbox('network-alias'),
  sandbox('net-alias'),
  sandbox('ip'),
  sandbox('ip6'),
  sandbox('link'),
  sandbox('link-local-ip'),
  sandbox('mac-address'),
  sandbox('dns'),
  sandbox('dns-option'),
  sandbox('dns-opt'),
  sandbox('dns-search'),
  sandbox('add-host'),
  sandbox('publish', 'p'),
  sandbox('publish-all', 'P', 'bool'),
  sandbox('pid'),
  sandbox('ipc'),
  sandbox('uts'),
  sandbox('userns'),
  sandbox('cgroupns'),
  sandbox('cgroup-parent'),
  sandbox('security-opt'),
  sandbox('sysctl'),
  sandbox('ulimit'),
  sandbox('runtime'),
  sandbox('isolation'),
  sandbox('storage-opt'),
  sandbox('shm-size'),
  sandbox('memory', 'm'),
  sandbox('memory-reservation'),
  sandbox('memory-swap'),
  sandbox('memory-swappiness'),
  sandbox('kernel-memory'),
  sandbox('oom-kill-disable', undefined, 'bool'),
  sandbox('oom-score-adj'),
  sandbox('pids-limit'),
  sandbox('cpus'),
  sandbox('cpu-shares', 'c'),
  sandbox('cpu-period'),
  sandbox('cpu-quota'),
  sandbox('cpu-rt-period'),
  sandbox('cpu-rt-runtime'),
  sandbox('cpuset-cpus'),
  sandbox('cpuset-mems'),
  sandbox('blkio-weight'),
  sandbox('blkio-weight-device'),
];

export function makeRun(v: FlagValues, args: string[]): ParseResult {
  const [image, ...rest] = args as [string, ...string[]];
  if (image === '') {
    return failure("docker: invalid reference format.\n\nRun 'docker run --help' for more information", EXIT_USAGE);
  }
  const command: Extract<Command, {kind: 'run'}> = {
    kind: 'run',
    image,
    args: rest,
    interactive: boolValue(v, 'interactive'),
    tty: boolValue(v, 'tty'),
    env: v.get('env') ?? [],
  };
  const workdir = lastString(v, 'workdir');
  if (workdir !== undefined) command.workdir = workdir;
  const entrypoint = lastString(v, 'entrypoint');
  if (entrypoint !== undefined) command.entrypoint = entrypoint;
  const name = lastString(v, 'name');
  if (name !== undefined) command.name = name;
  return success(command);
}

export const PS_FLAGS: FlagDef[] = [
  {long: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)'},
  {long: 'no-trunc', type: 'bool', usage: "Don't truncate output"},
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Only display container IDs'},
  refuse('filter', 'f'),
  refuse('format'),
  refuse('last', 'n'),
  refuse('latest', 'l', 'bool'),
  refuse('size', 's', 'bool'),
];

export const STOP_FLAGS: FlagDef[] = [
  {long: 'time', short: 't', type: 'string', valueName: 'int', usage: 'Seconds to wait before killing the container', check: checkUint},
  refuse('signal', 's'),
];

export const LOGS_FLAGS: FlagDef[] = [
  {long: 'follow', short: 'f', type: 'bool', usage: 'Follow log output'},
  {long: 'tail', short: 'n', type: 'string', valueName: 'string', usage: 'Number of lines to show from the end of the logs (default "all")', check: checkTail},
  {long: 'timestamps', short: 't', type: 'bool', usage: 'Show timestamps'},
  refuse('details', undefined, 'bool'),
  refuse('since'),
  refuse('until'),
];

export const CONTAINER_COMMANDS: Record<string, CommandSpec> = {
  run: {
    path: 'run',
    use: 'docker run [OPTIONS] IMAGE [COMMAND] [ARG...]',
    short: 'Create and run a new container from an image',
    long:
      'Create and run a new container from an image.\n' +
      'Here: your own images and the lab\'s base images, always removed when they end (--rm),\n' +
      'in the lab\'s sandbox (no network, limited memory, CPU, processes and time).',
    flags: RUN_FLAGS,
    args: {min: 1, max: Infinity},
    interspersed: false,
    make: makeRun,
  },
  ps: {
    path: 'ps',
    use: 'docker ps [OPTIONS]',
    short: 'List containers',
    flags: PS_FLAGS,
    args: {min: 0, max: 0},
    make: (v) =>
      success({kind: 'ps', all: boolValue(v, 'all'), quiet: boolValue(v, 'quiet'), noTrunc: boolValue(v, 'no-trunc')}),
  },
  stop: {
    path: 'stop',
    use: 'docker stop [OPTIONS] CONTAINER [CONTAINER...]',
    short: 'Stop one or more running containers',
    flags: STOP_FLAGS,
    // Each name is looked up on the engine: a bound keeps one line from costing thousands of engine calls.
    args: {min: 1, max: 16},
    make: (v, args) => {
      const time = lastString(v, 'time');
      return success({kind: 'stop', containers: args, ...(time !== undefined ? {time: Number(time)} : {})});
    },
  },
  logs: {
    path: 'logs',
    use: 'docker logs [OPTIONS] CONTAINER',
    short: 'Fetch the logs of a container',
    flags: LOGS_FLAGS,
    args: {min: 1, max: 1},
    make: (v, args) => {
      const tail = lastString(v, 'tail');
      return success({
        kind: 'logs',
        container: args[0]!,
        follow: boolValue(v, 'follow'),
        timestamps: boolValue(v, 'timestamps'),
        ...(tail !== undefined && tail !== 'all' ? {tail: Number(tail)} : {}),
      });
    },
  },
};
