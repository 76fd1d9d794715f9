/**
 * The command table: every docker command this terminal runs, its flags
 * (accepted, refused with a reason), argument counts and how its flag values
 * become a typed Command.
 */
import type {Command} from './command-types';
import {type FlagDef, type FlagType, type FlagValues, HELP_FLAG, NOT_HERE, boolValue, lastString, refused} from './flags';
import {goQuote, sanitize} from './quote';
import {isImageIdentifier, parseReference} from '../images/reference';
import {EXIT_FAILURE, type ParseResult, failure, success} from './result';
import {CONTAINER_COMMANDS} from './container-commands';

export interface ArgsRule {
  min: number;
  max: number; // Infinity: no upper bound
}

export interface CommandSpec {
  /** Path under "docker" with aliases resolved: "build", "image ls". */
  path: string;
  /** cobra's UseLine. */
  use: string;
  short: string;
  /** Longer description for help, when the CLI has one. */
  long?: string;
  /** "Aliases:" line in help. */
  aliases?: string;
  flags: FlagDef[];
  args: ArgsRule;
  /** false: flags end at the first positional (`docker run IMAGE ls -l`: `-l` is the command's). */
  interspersed?: boolean;
  make(values: FlagValues, args: string[]): ParseResult;
}


export function checkReference(value: string): string | undefined {
  const r = parseReference(value);
  return r.ok ? undefined : sanitize(r.error);
}

export function checkBuildArg(value: string): string | undefined {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (key === '') return `invalid environment variable: ${sanitize(value)}`;
  if (eq < 0) {
    return `no value for ${sanitize(key)}: write --build-arg ${sanitize(key)}=VALUE (this terminal has no environment to take it from)`;
  }
  return undefined;
}

export function checkProgress(value: string): string | undefined {
  if (value === 'auto' || value === 'plain') return undefined;
  if (value === 'tty') return 'tty progress is not available in this terminal: use auto or plain';
  return 'use auto or plain';
}

export const BUILD_FLAGS: FlagDef[] = [
  {long: 'build-arg', type: 'string', valueName: 'list', usage: 'Set build-time variables', check: checkBuildArg},
  {long: 'file', short: 'f', type: 'string', valueName: 'string', usage: "Name of the Dockerfile (Default is 'PATH/Dockerfile')"},
  {long: 'no-cache', type: 'bool', usage: 'Do not use cache when building the image'},
  {
    long: 'progress',
    type: 'string',
    valueName: 'string',
    usage: 'Set type of progress output (auto, plain). Use plain to show container output (default "auto")',
    check: checkProgress,
  },
  {long: 'pull', type: 'bool', usage: 'Always attempt to pull a newer version of the image'},
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the build output and print image ID on success'},
  {long: 'tag', short: 't', type: 'string', valueName: 'list', usage: "Name and optionally a tag in the 'name:tag' format", check: checkReference},
  {long: 'target', type: 'string', valueName: 'string', usage: 'Set the target build stage to build.'},
  refused('add-host'),
  refused('allow'),
  refused('build-context'),
  refused('builder'),
  refused('cache-from'),
  refused('cache-to'),
  refused('cgroup-parent'),
  refused('compress', undefined, 'bool'),
  refused('cpu-period'),
  refused('cpu-quota'),
  refused('cpu-shares', 'c'),
  refused('cpuset-cpus'),
  refused('cpuset-mems'),
  refused('disable-content-trust', undefined, 'bool'),
  refused('force-rm', undefined, 'bool'),
  refused('iidfile'),
  refused('isolation'),
  refused('label'),
  refused('load', undefined, 'bool'),
  refused('memory', 'm'),
  refused('memory-swap'),
  refused('network'),
  refused('output', 'o'),
  refused('platform'),
  refused('push', undefined, 'bool'),
  refused('rm', undefined, 'bool'),
  refused('secret'),
  refused('security-opt'),
  refused('shm-size'),
  refused('squash', undefined, 'bool'),
  refused('ssh'),
  refused('ulimit'),
];

export function makeBuild(v: FlagValues, args: string[]): ParseResult {
  const argMap = new Map<string, string>();
  for (const kv of v.get('build-arg') ?? []) {
    const eq = kv.indexOf('=');
    argMap.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  // fromEntries defines own properties, so even "__proto__" is kept as a plain key.
  const buildArgs: Record<string, string> = Object.fromEntries(argMap);
  const command: Command = {
    kind: 'build',
    tags: v.get('tag') ?? [],
    buildArgs,
    noCache: boolValue(v, 'no-cache'),
    pull: boolValue(v, 'pull'),
    quiet: boolValue(v, 'quiet'),
    progress: lastString(v, 'progress') === 'plain' ? 'plain' : 'auto',
    context: args[0]!,
  };
  const file = lastString(v, 'file');
  if (file !== undefined) command.file = file;
  const target = lastString(v, 'target');
  if (target !== undefined) command.target = target;
  return success(command);
}

export const IMAGES_FLAGS: FlagDef[] = [
  {long: 'all', short: 'a', type: 'bool', usage: 'Show all images (default hides intermediate images)'},
  {long: 'no-trunc', type: 'bool', usage: "Don't truncate output"},
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs'},
  refused('digests', undefined, 'bool'),
  refused('filter', 'f'),
  refused('format'),
  refused('tree', undefined, 'bool'),
];

export function makeImages(v: FlagValues, args: string[]): ParseResult {
  const command: Command = {
    kind: 'images',
    all: boolValue(v, 'all'),
    quiet: boolValue(v, 'quiet'),
    noTrunc: boolValue(v, 'no-trunc'),
  };
  if (args[0] !== undefined) command.filter = args[0];
  return success(command);
}

export const DIGEST_RE = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

export function makeTag(_v: FlagValues, args: string[]): ParseResult {
  const [source, target] = args as [string, string];
  // The engine client's checks (ImageTag): the source may also be an image ID or digest.
  if (!isImageIdentifier(source) && !DIGEST_RE.test(source)) {
    const r = parseReference(source);
    if (!r.ok) return failure(`Error parsing reference: ${goQuote(source)} is not a valid repository/tag: ${sanitize(r.error)}`, EXIT_FAILURE);
  }
  const t = parseReference(target);
  if (!t.ok) return failure(`Error parsing reference: ${goQuote(target)} is not a valid repository/tag: ${sanitize(t.error)}`, EXIT_FAILURE);
  if (t.ref.digest !== undefined) return failure('refusing to create a tag with a digest reference', EXIT_FAILURE);
  return success({kind: 'tag', source, target});
}

export const RMI_FLAGS: FlagDef[] = [
  {long: 'force', short: 'f', type: 'bool', usage: 'Force removal of the image'},
  refused('no-prune', undefined, 'bool'),
  refused('platform'),
];

export const HISTORY_FLAGS: FlagDef[] = [
  {long: 'human', short: 'H', type: 'bool', usage: 'Print sizes and dates in human readable format (default true)'},
  {long: 'no-trunc', type: 'bool', usage: "Don't truncate output"},
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs'},
  refused('format'),
  refused('platform'),
];

export const PUSH_FLAGS: FlagDef[] = [
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Suppress verbose output'},
  refused('all-tags', 'a', 'bool', 'push one tag at a time, e.g. docker push NAME:TAG'),
  refused('disable-content-trust', undefined, 'bool'),
  refused('platform'),
];

export function makePush(v: FlagValues, args: string[]): ParseResult {
  const name = args[0]!;
  // The CLI's own checks before it contacts the engine (push.go, client ImagePush).
  const r = parseReference(name);
  if (!r.ok) return failure(sanitize(r.error), EXIT_FAILURE);
  if (r.ref.digest !== undefined) return failure('cannot push a digest reference', EXIT_FAILURE);
  return success({kind: 'push', name, quiet: boolValue(v, 'quiet')});
}

export const LOGIN_FLAGS: FlagDef[] = [
  {long: 'username', short: 'u', type: 'string', valueName: 'string', usage: 'Username'},
  {
    long: 'password',
    short: 'p',
    type: 'string',
    usage: '',
    refuse:
      'the -p, --password option is not accepted here: run docker login without it and type the password at the prompt, so it never shows in the terminal or its history',
    sensitive: true,
  },
  {
    long: 'password-stdin',
    type: 'bool',
    usage: '',
    refuse: 'the --password-stdin option is not available here (there is no stdin to read): type the password at the prompt',
  },
];

export function makeLogin(v: FlagValues, args: string[]): ParseResult {
  const command: Command = {kind: 'login'};
  if (args[0] !== undefined) command.server = args[0];
  const username = lastString(v, 'username');
  if (username !== undefined) command.username = username;
  return success(command);
}

export const VERSION_FLAGS: FlagDef[] = [refused('format', 'f'), refused('kubeconfig')];

export const imageLsSpec = (path: string, aliases?: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] [REPOSITORY[:TAG]]`,
  short: 'List images',
  aliases,
  flags: IMAGES_FLAGS,
  args: {min: 0, max: 1},
  make: makeImages,
});

export const buildSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] PATH | URL | -`,
  short: 'Build an image from a Dockerfile',
  flags: BUILD_FLAGS,
  args: {min: 1, max: 1},
  make: makeBuild,
});

export const tagSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`,
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: {min: 2, max: 2},
  make: makeTag,
});

export const rmiSpec = (path: string, aliases?: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] IMAGE [IMAGE...]`,
  short: 'Remove one or more images',
  aliases,
  flags: RMI_FLAGS,
  args: {min: 1, max: Infinity},
  make: (v, args) => success({kind: 'rmi', images: args, force: boolValue(v, 'force')}),
});

export const historySpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] IMAGE`,
  short: 'Show the history of an image',
  flags: HISTORY_FLAGS,
  args: {min: 1, max: 1},
  make: (v, args) =>
    success({
      kind: 'history',
      image: args[0]!,
      noTrunc: boolValue(v, 'no-trunc'),
      quiet: boolValue(v, 'quiet'),
      human: boolValue(v, 'human', true),
    }),
});

export const inspectSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} IMAGE [IMAGE...]`,
  short: 'Display detailed information on one or more images',
  flags: [],
  args: {min: 1, max: Infinity},
  make: (_v, args) => success({kind: 'inspect', images: args}),
});

export const pushSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] NAME[:TAG]`,
  short: 'Push an image or a repository to a registry',
  flags: PUSH_FLAGS,
  args: {min: 1, max: 1},
  make: makePush,
});

/** Top-level commands, by the name typed after "docker". */
export const TOP_LEVEL = new Map<string, CommandSpec>(Object.entries({
  build: buildSpec('build'),
  images: imageLsSpec('images'),
  tag: tagSpec('tag'),
  rmi: rmiSpec('rmi'),
  history: historySpec('history'),
  inspect: inspectSpec('inspect'),
  push: pushSpec('push'),
  login: {
    path: 'login',
    use: 'docker login [OPTIONS] [SERVER]',
    short: 'Log in to a Docker registry',
    long: 'Log in to a Docker registry.\nIf no server is specified, the default is defined by the daemon.',
    flags: LOGIN_FLAGS,
    args: {min: 0, max: 1},
    make: makeLogin,
  },
  logout: {
    path: 'logout',
    use: 'docker logout [SERVER]',
    short: 'Log out from a Docker registry',
    long: 'Log out from a Docker registry.\nIf no server is specified, the default is defined by the daemon.',
    flags: [],
    args: {min: 0, max: 1},
    make: (_v, args) => success(args[0] !== undefined ? {kind: 'logout', server: args[0]} : {kind: 'logout'}),
  },
  version: {
    path: 'version',
    use: 'docker version [OPTIONS]',
    short: 'Show the Docker version information',
    flags: VERSION_FLAGS,
    args: {min: 0, max: 0},
    make: () => success({kind: 'version'}),
  },
  ...CONTAINER_COMMANDS,
}));

export const IMAGE_LS = imageLsSpec('image ls', 'ls, list');
export const IMAGE_RM = rmiSpec('image rm', 'rm, rmi, remove');

/** `docker image <sub>` commands, by every name cobra accepts. */
export const IMAGE_SUBCOMMANDS = new Map<string, CommandSpec>([
  ['build', buildSpec('image build')],
  ['history', historySpec('image history')],
  ['inspect', inspectSpec('image inspect')],
  ['ls', IMAGE_LS],
  ['list', IMAGE_LS],
  ['push', pushSpec('image push')],
  ['rm', IMAGE_RM],
  ['rmi', IMAGE_RM],
  ['remove', IMAGE_RM],
  ['tag', tagSpec('image tag')],
]);

/** docker CLI commands that exist but are not run here (so they get "not supported", not "unknown"). */
export const KNOWN_UNSUPPORTED = new Set([
  'attach', 'builder', 'buildx', 'checkpoint', 'commit', 'compose', 'config', 'container', 'context', 'cp',
  'create', 'debug', 'diff', 'events', 'exec', 'export', 'import', 'info', 'init', 'kill', 'load',
  'manifest', 'network', 'node', 'pause', 'plugin', 'port', 'pull', 'rename', 'restart', 'rm',
  'sbom', 'save', 'scan', 'scout', 'search', 'secret', 'service', 'stack', 'start', 'stats',
  'swarm', 'system', 'top', 'trust', 'unpause', 'update', 'volume', 'wait', 'completion',
]);
export const KNOWN_UNSUPPORTED_IMAGE = new Set(['import', 'load', 'prune', 'pull', 'save']);

export const ROOT_FLAGS: FlagDef[] = [
  HELP_FLAG,
  {long: 'version', short: 'v', type: 'bool', usage: 'Print version information and quit'},
  globalRefused('config'),
  globalRefused('context', 'c'),
  globalRefused('debug', 'D', 'bool'),
  globalRefused('host', 'H'),
  globalRefused('log-level', 'l'),
  globalRefused('tls', undefined, 'bool'),
  globalRefused('tlscacert'),
  globalRefused('tlscert'),
  globalRefused('tlskey'),
  globalRefused('tlsverify', undefined, 'bool'),
];

export function globalRefused(long: string, short?: string, type: FlagType = 'string'): FlagDef {
  const name = short !== undefined ? `-${short}, --${long}` : `--${long}`;
  return {long, short, type, usage: '', refuse: `the global option ${name} ${NOT_HERE}`};
}

export const IMAGE_FLAGS: FlagDef[] = [HELP_FLAG];
