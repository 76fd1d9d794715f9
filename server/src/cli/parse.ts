/**
 * Turns a terminal line into a typed Command, or into the message and exit
 * code the docker CLI would give.
 *
 * Only an allow-list of docker commands is recognised (see SUPPORTED_COMMANDS);
 * every other program or docker subcommand is refused here, before anything
 * reaches the engine.
 *
 * Flags are scanned the way the docker CLI's flag library (spf13/pflag) does,
 * because readers type what the docker docs show: `-t x`, `-tx`, `-t=x`,
 * `--tag x`, `--tag=x`, grouped booleans (`-qa`), `--no-trunc=false`,
 * `-H=false`, `--` ending the options, flags after positionals. Node's
 * util.parseArgs differs from pflag on several of these (`-t=x` gives "=x",
 * `--human=false` is refused, `-H=false` is read as a group of letters) and
 * its errors are not the CLI's, so a small pflag-compatible scanner is used.
 *
 * Messages follow docker CLI 20.10 (`cli/required.go`, `cli/cobra.go`
 * FlagErrorFunc, pflag's errors), checked against the 20.10.24 binary:
 *   flag errors:      "<error>\nSee 'docker build --help'."                    exit 125
 *   argument counts:  "\"docker build\" requires exactly 1 argument.\nSee ...\n\nUsage:  ...\n\n<short>"  exit 1
 * Messages use "\n" line breaks, carry no trailing newline and never contain
 * control characters (user text is quoted Go-style), so the caller can colour
 * them and convert line breaks for the terminal.
 */
import type {Command} from './commands';
import {splitArgv} from './argv';
import {isImageIdentifier, parseReference} from './reference';

export type ParseResult =
  | {ok: true; command: Command}
  | {
      ok: false;
      message: string;
      exitCode: number;
      /**
       * Set when the line held a secret (`docker login -p ...`): the caller
       * should drop it from the line editor's history and from any logs.
       */
      sensitive?: true;
    };

/** Exit code of a flag error (cobra FlagErrorFunc). */
export const EXIT_USAGE = 125;
/** Exit code of an argument-count error and of most command failures. */
export const EXIT_FAILURE = 1;
/** Exit code for a program or docker subcommand this terminal does not run. */
export const EXIT_NOT_FOUND = 127;

/** What this terminal runs, for messages ("Supported here: ..."). */
export const SUPPORTED_COMMANDS: readonly string[] = [
  'docker build',
  'docker images',
  'docker tag',
  'docker rmi',
  'docker history',
  'docker inspect',
  'docker push',
  'docker login',
  'docker logout',
  'docker version',
  'help',
  'clear',
];

const SUPPORTED_LINE = `Supported here: ${SUPPORTED_COMMANDS.join(', ')}`;

// ------------------------------------------------------------------ entry points

export function parseCommandLine(line: string): ParseResult {
  const split = splitArgv(line);
  if (!split.ok) return failure(split.error, EXIT_FAILURE);
  return parseArgv(split.argv);
}

export function parseArgv(argv: string[]): ParseResult {
  const [program, ...rest] = argv;
  if (program === undefined) return success({kind: 'empty'});
  if (program === 'docker') {
    const r = parseDocker(rest);
    return !r.ok && !r.sensitive && mayHoldPassword(rest) ? {...r, sensitive: true} : r;
  }
  if (program === 'help') return parseHelpCommand(rest[0] === 'docker' ? rest.slice(1) : rest);
  if (program === 'clear') {
    if (rest.length > 0) return failure('clear: takes no arguments', EXIT_FAILURE);
    return success({kind: 'clear'});
  }
  return failure(
    `${quoteIfNeeded(program)}: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED_LINE}`,
    EXIT_NOT_FOUND,
  );
}

// ------------------------------------------------------------------ flag scanning

type FlagType = 'bool' | 'string';

interface FlagDef {
  long: string;
  short?: string;
  type: FlagType;
  /** Shown in help after the name ("string", "list"); booleans show none. */
  valueName?: string;
  usage: string;
  /** Validates a value when it is set; returns the error detail. */
  check?: (value: string) => string | undefined;
  /** The flag exists in the docker CLI but not here: using it is an error with this message. */
  refuse?: string;
  /** Refusing it means the line held a secret. */
  sensitive?: true;
}

interface Failure {
  message: string;
  exitCode: number;
  sensitive?: true;
}

/** Flag values by long name, in the order they were set (validated). */
type FlagValues = Map<string, string[]>;

interface Scan {
  values: FlagValues;
  positionals: string[];
}

const HELP_FLAG: FlagDef = {long: 'help', short: 'h', type: 'bool', usage: 'Print usage'};

/**
 * pflag's parse loop. With `interspersed` false (the root command) scanning
 * stops at the first positional and the rest is returned unparsed.
 */
function scanFlags(
  args: string[],
  flags: FlagDef[],
  commandPath: string,
  interspersed = true,
): Scan | Failure {
  const values: FlagValues = new Map();
  const positionals: string[] = [];
  const flagError = (msg: string): Failure => ({
    message: `${msg}\nSee '${commandPath} --help'.`,
    exitCode: EXIT_USAGE,
  });
  const set = (def: FlagDef, value: string): Failure | undefined => {
    if (def.refuse !== undefined) {
      const failure = flagError(def.refuse);
      if (def.sensitive) failure.sensitive = true;
      return failure;
    }
    let stored = value;
    if (def.type === 'bool') {
      const b = parseGoBool(value);
      if (b === undefined) {
        return flagError(
          `invalid argument ${goQuote(value)} for ${goQuote(flagDisplayName(def))} flag: strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`,
        );
      }
      stored = String(b);
    } else if (def.check) {
      const problem = def.check(value);
      if (problem !== undefined) {
        return flagError(`invalid argument ${goQuote(value)} for ${goQuote(flagDisplayName(def))} flag: ${problem}`);
      }
    }
    const list = values.get(def.long) ?? [];
    list.push(stored);
    values.set(def.long, list);
    return undefined;
  };

  let i = 0;
  while (i < args.length) {
    const s = args[i++]!;
    if (s === '--') {
      positionals.push(...args.slice(i));
      break;
    }
    if (s.length < 2 || s[0] !== '-') {
      positionals.push(s);
      if (!interspersed) {
        positionals.push(...args.slice(i));
        break;
      }
      continue;
    }
    if (s[1] === '-') {
      let name = s.slice(2);
      if (name.startsWith('-') || name.startsWith('=')) return flagError(`bad flag syntax: ${sanitize(s)}`);
      let inline: string | undefined;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const def = flags.find((f) => f.long === name);
      if (!def) return flagError(`unknown flag: --${sanitize(name)}`);
      let value: string;
      if (inline !== undefined) value = inline;
      else if (def.type === 'bool') value = 'true';
      else if (def.refuse !== undefined) value = '';
      else if (i < args.length) value = args[i++]!;
      else return flagError(`flag needs an argument: --${name}`);
      const err = set(def, value);
      if (err) return err;
      continue;
    }
    let shorthands = s.slice(1);
    while (shorthands.length > 0) {
      const c = String.fromCodePoint(shorthands.codePointAt(0)!);
      const def = flags.find((f) => f.short === c);
      if (!def) {
        return flagError(`unknown shorthand flag: ${goQuote(c, "'")} in -${sanitize(shorthands)}`);
      }
      let value: string;
      if (shorthands.length > 2 && shorthands[c.length] === '=') {
        value = shorthands.slice(c.length + 1);
        shorthands = '';
      } else if (def.type === 'bool') {
        value = 'true';
        shorthands = shorthands.slice(c.length);
      } else if (def.refuse !== undefined) {
        value = '';
        shorthands = '';
      } else if (shorthands.length > c.length) {
        value = shorthands.slice(c.length);
        shorthands = '';
      } else if (i < args.length) {
        value = args[i++]!;
        shorthands = '';
      } else {
        return flagError(`flag needs an argument: ${goQuote(c, "'")} in -${sanitize(shorthands)}`);
      }
      const err = set(def, value);
      if (err) return err;
    }
  }
  return {values, positionals};
}

function isFailure(x: Scan | Failure): x is Failure {
  return 'exitCode' in x;
}

function flagDisplayName(def: FlagDef): string {
  return def.short !== undefined ? `-${def.short}, --${def.long}` : `--${def.long}`;
}

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

function lastString(v: FlagValues, name: string): string | undefined {
  const list = v.get(name);
  return list === undefined ? undefined : list[list.length - 1];
}

function boolValue(v: FlagValues, name: string, dflt = false): boolean {
  const last = lastString(v, name);
  return last === undefined ? dflt : last === 'true';
}

// ------------------------------------------------------------------ commands

interface ArgsRule {
  min: number;
  max: number; // Infinity: no upper bound
}

interface CommandSpec {
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
  make(values: FlagValues, args: string[]): ParseResult;
}

const NOT_HERE = 'is not supported in this terminal';

function refused(long: string, short?: string, type: FlagType = 'string'): FlagDef {
  const name = short !== undefined ? `-${short}, --${long}` : `--${long}`;
  return {long, short, type, usage: '', refuse: `the ${name} option ${NOT_HERE}`};
}

function checkReference(value: string): string | undefined {
  const r = parseReference(value);
  return r.ok ? undefined : sanitize(r.error);
}

function checkBuildArg(value: string): string | undefined {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  if (key === '') return `invalid environment variable: ${sanitize(value)}`;
  if (eq < 0) {
    return `no value for ${sanitize(key)}: write --build-arg ${sanitize(key)}=VALUE (this terminal has no environment to take it from)`;
  }
  return undefined;
}

function checkProgress(value: string): string | undefined {
  if (value === 'auto' || value === 'plain') return undefined;
  if (value === 'tty') return 'tty progress is not available in this terminal: use auto or plain';
  return 'use auto or plain';
}

const BUILD_FLAGS: FlagDef[] = [
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

function makeBuild(v: FlagValues, args: string[]): ParseResult {
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

const IMAGES_FLAGS: FlagDef[] = [
  {long: 'all', short: 'a', type: 'bool', usage: 'Show all images (default hides intermediate images)'},
  {long: 'no-trunc', type: 'bool', usage: "Don't truncate output"},
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs'},
  refused('digests', undefined, 'bool'),
  refused('filter', 'f'),
  refused('format'),
  refused('tree', undefined, 'bool'),
];

function makeImages(v: FlagValues, args: string[]): ParseResult {
  const command: Command = {
    kind: 'images',
    all: boolValue(v, 'all'),
    quiet: boolValue(v, 'quiet'),
    noTrunc: boolValue(v, 'no-trunc'),
  };
  if (args[0] !== undefined) command.filter = args[0];
  return success(command);
}

const DIGEST_RE = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

function makeTag(_v: FlagValues, args: string[]): ParseResult {
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

const RMI_FLAGS: FlagDef[] = [
  {long: 'force', short: 'f', type: 'bool', usage: 'Force removal of the image'},
  refused('no-prune', undefined, 'bool'),
  refused('platform'),
];

const HISTORY_FLAGS: FlagDef[] = [
  {long: 'human', short: 'H', type: 'bool', usage: 'Print sizes and dates in human readable format (default true)'},
  {long: 'no-trunc', type: 'bool', usage: "Don't truncate output"},
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs'},
  refused('format'),
  refused('platform'),
];

const PUSH_FLAGS: FlagDef[] = [
  {long: 'quiet', short: 'q', type: 'bool', usage: 'Suppress verbose output'},
  {
    long: 'all-tags',
    short: 'a',
    type: 'bool',
    usage: '',
    refuse: `the -a, --all-tags option ${NOT_HERE}: push one tag at a time, e.g. docker push NAME:TAG`,
  },
  refused('disable-content-trust', undefined, 'bool'),
  refused('platform'),
];

function makePush(v: FlagValues, args: string[]): ParseResult {
  const name = args[0]!;
  // The CLI's own checks before it contacts the engine (push.go, client ImagePush).
  const r = parseReference(name);
  if (!r.ok) return failure(sanitize(r.error), EXIT_FAILURE);
  if (r.ref.digest !== undefined) return failure('cannot push a digest reference', EXIT_FAILURE);
  return success({kind: 'push', name, quiet: boolValue(v, 'quiet')});
}

const LOGIN_FLAGS: FlagDef[] = [
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

function makeLogin(v: FlagValues, args: string[]): ParseResult {
  const command: Command = {kind: 'login'};
  if (args[0] !== undefined) command.server = args[0];
  const username = lastString(v, 'username');
  if (username !== undefined) command.username = username;
  return success(command);
}

const VERSION_FLAGS: FlagDef[] = [refused('format', 'f'), refused('kubeconfig')];

const imageLsSpec = (path: string, aliases?: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] [REPOSITORY[:TAG]]`,
  short: 'List images',
  aliases,
  flags: IMAGES_FLAGS,
  args: {min: 0, max: 1},
  make: makeImages,
});

const buildSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] PATH | URL | -`,
  short: 'Build an image from a Dockerfile',
  flags: BUILD_FLAGS,
  args: {min: 1, max: 1},
  make: makeBuild,
});

const tagSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]`,
  short: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: {min: 2, max: 2},
  make: makeTag,
});

const rmiSpec = (path: string, aliases?: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] IMAGE [IMAGE...]`,
  short: 'Remove one or more images',
  aliases,
  flags: RMI_FLAGS,
  args: {min: 1, max: Infinity},
  make: (v, args) => success({kind: 'rmi', images: args, force: boolValue(v, 'force')}),
});

const historySpec = (path: string): CommandSpec => ({
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

const inspectSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} IMAGE [IMAGE...]`,
  short: 'Display detailed information on one or more images',
  flags: [],
  args: {min: 1, max: Infinity},
  make: (_v, args) => success({kind: 'inspect', images: args}),
});

const pushSpec = (path: string): CommandSpec => ({
  path,
  use: `docker ${path} [OPTIONS] NAME[:TAG]`,
  short: 'Push an image or a repository to a registry',
  flags: PUSH_FLAGS,
  args: {min: 1, max: 1},
  make: makePush,
});

/** Top-level commands, by the name typed after "docker". */
const TOP_LEVEL = new Map<string, CommandSpec>(Object.entries({
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
}));

const IMAGE_LS = imageLsSpec('image ls', 'ls, list');
const IMAGE_RM = rmiSpec('image rm', 'rm, rmi, remove');

/** `docker image <sub>` commands, by every name cobra accepts. */
const IMAGE_SUBCOMMANDS = new Map<string, CommandSpec>([
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
const KNOWN_UNSUPPORTED = new Set([
  'attach', 'builder', 'buildx', 'checkpoint', 'commit', 'compose', 'config', 'container', 'context', 'cp',
  'create', 'debug', 'diff', 'events', 'exec', 'export', 'import', 'info', 'init', 'kill', 'load',
  'logs', 'manifest', 'network', 'node', 'pause', 'plugin', 'port', 'ps', 'pull', 'rename', 'restart', 'rm',
  'run', 'sbom', 'save', 'scan', 'scout', 'search', 'secret', 'service', 'stack', 'start', 'stats', 'stop',
  'swarm', 'system', 'top', 'trust', 'unpause', 'update', 'volume', 'wait', 'completion',
]);
const KNOWN_UNSUPPORTED_IMAGE = new Set(['import', 'load', 'prune', 'pull', 'save']);

const ROOT_FLAGS: FlagDef[] = [
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

function globalRefused(long: string, short?: string, type: FlagType = 'string'): FlagDef {
  const name = short !== undefined ? `-${short}, --${long}` : `--${long}`;
  return {long, short, type, usage: '', refuse: `the global option ${name} ${NOT_HERE}`};
}

const IMAGE_FLAGS: FlagDef[] = [HELP_FLAG];

// ------------------------------------------------------------------ dispatch

function parseDocker(args: string[]): ParseResult {
  const root = scanFlags(args, ROOT_FLAGS, 'docker', false);
  if (isFailure(root)) return failure(root.message, root.exitCode, root.sensitive);
  if (boolValue(root.values, 'help')) return success({kind: 'help'});
  // `docker --version` prints a one-line client version in the real CLI; the
  // nearest command here is `docker version`.
  if (boolValue(root.values, 'version')) return success({kind: 'version'});
  const [name, ...rest] = root.positionals;
  if (name === undefined) return success({kind: 'help'});
  if (name === 'help') return parseHelpCommand(rest);
  if (name === 'image') return parseImage(rest);
  const spec = TOP_LEVEL.get(name);
  if (spec) return runSpec(spec, rest);
  if (KNOWN_UNSUPPORTED.has(name)) return unsupported(`docker ${name}`);
  return unknownCommand(name);
}

function parseImage(args: string[]): ParseResult {
  const scan = scanFlags(args, IMAGE_FLAGS, 'docker image', false);
  if (isFailure(scan)) return failure(scan.message, scan.exitCode);
  const [name, ...rest] = scan.positionals;
  if (boolValue(scan.values, 'help') || name === undefined) return success({kind: 'help', topic: 'image'});
  const spec = IMAGE_SUBCOMMANDS.get(name);
  if (spec) return runSpec(spec, rest);
  if (KNOWN_UNSUPPORTED_IMAGE.has(name)) return unsupported(`docker image ${name}`);
  return failure(`docker: unknown command: docker image ${sanitize(name)}\nSee 'docker image --help'.`, EXIT_FAILURE);
}

/** cobra's order: parse flags, then --help, then the argument count, then the command's own checks. */
function runSpec(spec: CommandSpec, args: string[]): ParseResult {
  const commandPath = `docker ${spec.path}`;
  const scan = scanFlags(args, [HELP_FLAG, ...spec.flags], commandPath);
  if (isFailure(scan)) return failure(scan.message, scan.exitCode, scan.sensitive);
  if (boolValue(scan.values, 'help')) return success({kind: 'help', topic: spec.path});
  const n = scan.positionals.length;
  const {min, max} = spec.args;
  if (n < min || n > max) {
    let requirement: string;
    if (max === 0) requirement = 'accepts no arguments';
    else if (min === max) requirement = `requires exactly ${plural(min)}`;
    else if (n < min) requirement = `requires at least ${plural(min)}`;
    else requirement = `requires at most ${plural(max)}`;
    return failure(
      `"${commandPath}" ${requirement}.\nSee '${commandPath} --help'.\n\nUsage:  ${spec.use}\n\n${spec.short}`,
      EXIT_FAILURE,
    );
  }
  return spec.make(scan.values, scan.positionals);
}

/**
 * True when a `docker ... login ...` argv may hold a password (`-p`, `--password`),
 * whichever error stopped the parse first. Errs on the side of yes.
 */
function mayHoldPassword(args: string[]): boolean {
  return args.includes('login') && args.some((a) => /^--password(?:=|$)/.test(a) || /^-[^-]*p/.test(a));
}

function plural(n: number): string {
  return n === 1 ? '1 argument' : `${n} arguments`;
}

/** `help [TOPIC...]` and `docker help [TOPIC...]`. */
function parseHelpCommand(words: string[]): ParseResult {
  const [first, second] = words;
  if (first === undefined || first === 'help' || first === 'clear') return success({kind: 'help'});
  if (first === 'image') {
    if (second === undefined) return success({kind: 'help', topic: 'image'});
    const spec = IMAGE_SUBCOMMANDS.get(second);
    if (spec) return success({kind: 'help', topic: spec.path});
    if (KNOWN_UNSUPPORTED_IMAGE.has(second)) return unsupported(`docker image ${second}`);
    return failure(`docker: unknown command: docker image ${sanitize(second)}\nSee 'docker image --help'.`, EXIT_FAILURE);
  }
  const spec = TOP_LEVEL.get(first);
  if (spec) return success({kind: 'help', topic: spec.path});
  if (KNOWN_UNSUPPORTED.has(first)) return unsupported(`docker ${first}`);
  return unknownCommand(first);
}

function unsupported(what: string): ParseResult {
  return failure(`'${what}' ${NOT_HERE}.\n${SUPPORTED_LINE}`, EXIT_NOT_FOUND);
}

function unknownCommand(name: string): ParseResult {
  // The CLI's own wording (exit 1), plus what this terminal offers.
  return failure(`docker: '${sanitize(name)}' is not a docker command.\nSee 'docker --help'\n${SUPPORTED_LINE}`, EXIT_FAILURE);
}

function success(command: Command): ParseResult {
  return {ok: true, command};
}

function failure(message: string, exitCode: number, sensitive?: true): ParseResult {
  return sensitive ? {ok: false, message, exitCode, sensitive} : {ok: false, message, exitCode};
}

// ------------------------------------------------------------------ quoting

/** Replaces control characters with visible escapes (messages must not carry ANSI codes). */
function sanitize(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

/** Go's %q for the strings that reach messages: quotes, escapes and control characters escaped. */
function goQuote(s: string, quote: '"' | "'" = '"'): string {
  const body = s.replace(/\\/g, '\\\\').replace(quote === '"' ? /"/g : /'/g, `\\${quote}`);
  return quote + sanitize(body) + quote;
}

/** A program name for "X: command not found": as typed unless it needs escaping. */
function quoteIfNeeded(s: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(s) ? goQuote(s) : s;
}

// ------------------------------------------------------------------ help

/**
 * Help text for a topic from a `help` command (undefined: the general help).
 * Lists only what this terminal supports. "\n" line breaks; unlike the
 * messages in ParseResult it ends with a newline, as printed output does.
 */
export function helpText(topic?: string): string {
  return helpBody(topic) + '\n';
}

function helpBody(topic?: string): string {
  if (topic === 'image') return imageHelp();
  if (topic !== undefined) {
    const spec = findSpec(topic);
    if (spec) return commandHelp(spec);
  }
  return generalHelp();
}

function findSpec(topic: string): CommandSpec | undefined {
  const words = topic.trim().split(/\s+/);
  if (words[0] === 'docker') words.shift();
  if (words.length === 1) return TOP_LEVEL.get(words[0]!);
  if (words.length === 2 && words[0] === 'image') return IMAGE_SUBCOMMANDS.get(words[1]!);
  return undefined;
}

/** Help's width, as the CLI wraps for an 80-column terminal. */
const HELP_WIDTH = 80;

/** A command listing as cobra prints it: names padded to 12 columns. */
function listing(rows: Array<[string, string]>): string[] {
  return rows.map(([name, text]) => `  ${name.padEnd(11)} ${text}`);
}

/** `left` then `text` wrapped at HELP_WIDTH, continuation lines aligned under the text (pflag's layout). */
function wrapped(left: string, text: string): string[] {
  const indent = left.length;
  const lines: string[] = [];
  let line = left;
  for (const word of text.split(' ')) {
    if (line.length > indent && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else {
      line += (line.length > indent ? ' ' : '') + word;
    }
  }
  lines.push(line);
  return lines;
}

function generalHelp(): string {
  const commands: Array<[string, string]> = [...TOP_LEVEL]
    .map(([name, spec]): [string, string] => [name, spec.short])
    .sort(([a], [b]) => a.localeCompare(b));
  return [
    'Usage:  docker [OPTIONS] COMMAND',
    '',
    'This terminal runs one docker command at a time; it is not a shell.',
    'Pipes, redirections, variables and other programs are not available.',
    '',
    'Management Commands:',
    ...listing([['image', 'Manage images']]),
    '',
    'Commands:',
    ...listing(commands),
    '',
    'Terminal:',
    ...listing([
      ['clear', 'Clear the screen (or press Ctrl-L)'],
      ['help', 'Show this help'],
    ]),
    '',
    "Run 'docker COMMAND --help' for more information on a command.",
  ].join('\n');
}

function imageHelp(): string {
  const seen = new Set<CommandSpec>();
  const rows: Array<[string, string]> = [];
  for (const [name, spec] of IMAGE_SUBCOMMANDS) {
    if (seen.has(spec)) continue;
    seen.add(spec);
    rows.push([name, spec.short]);
  }
  rows.sort(([a], [b]) => a.localeCompare(b));
  return [
    'Usage:  docker image COMMAND',
    '',
    'Manage images',
    '',
    'Commands:',
    ...listing(rows),
    '',
    "Run 'docker image COMMAND --help' for more information on a command.",
  ].join('\n');
}

function commandHelp(spec: CommandSpec): string {
  const lines = ['Usage:  ' + spec.use, '', spec.long ?? spec.short];
  if (spec.aliases !== undefined) lines.push('', 'Aliases:', '  ' + spec.aliases);
  const shown = spec.flags.filter((f) => f.refuse === undefined);
  if (shown.length > 0) {
    const rows = shown
      .slice()
      .sort((a, b) => a.long.localeCompare(b.long))
      .map((f): [string, string] => {
        const names = f.short !== undefined ? `-${f.short}, --${f.long}` : `    --${f.long}`;
        return [f.valueName !== undefined ? `${names} ${f.valueName}` : names, f.usage];
      });
    const width = Math.max(...rows.map(([left]) => left.length));
    lines.push('', 'Options:', ...rows.flatMap(([left, text]) => wrapped(`  ${left.padEnd(width + 3)}`, text)));
  }
  return lines.join('\n');
}
