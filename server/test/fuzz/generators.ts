/**
 * Generators shared by the fuzz tests: docker-ish argv and command lines (real
 * subcommands and flags mixed with junk), and shell-ish lines.
 */
import fc from 'fast-check';
import {anyString, singleQuote, typeable} from './support';

export const reference = fc.constantFrom(
  'busybox', 'busybox:latest', 'busybox:1.36', 'u/x', 'u/x:1', 'localhost:5000/u/x:1', 'localhost:5000/x',
  'docker.io/library/busybox', 'index.docker.io/u/x', 'example.com:443/a/b/c:t', 'a.b-c_d__e', 'x:' + 'a'.repeat(128),
  'x:' + 'a'.repeat(129), 'UPPER', 'u/X', 'Localhost:5000/x', 'x@sha256:' + '0'.repeat(64), 'x:t@sha256:' + 'f'.repeat(64),
  'x@sha256:' + '0'.repeat(63), 'x@md5:' + '0'.repeat(32), 'sha256:' + 'a'.repeat(64), 'a'.repeat(64), 'A'.repeat(64),
  'a'.repeat(256), 'x/' + 'a'.repeat(260), '', ':', '/', 'x:', ':t', 'x//y', '-x', 'x-', '[::1]:5000/x', '1.2.3.4:5/x',
);
export const flag = fc.constantFrom(
  '-t', '--tag', '-t=x', '--tag=x:1', '-tx', '-f', '--file', '-f=Dockerfile', '--file=', '-q', '-qa', '-aq', '-a', '--all',
  '--all=false', '--all=1', '--all=maybe', '--no-trunc', '--no-trunc=false', '--no-trunc=T', '-H', '-H=false', '-H=0',
  '--human=0', '--human=yes', '--build-arg', '--build-arg=K=V', '--build-arg=K', '--build-arg==V', '--build-arg=__proto__=1',
  '--progress', '--progress=plain', '--progress=tty', '--progress=auto', '--progress=json', '--target', '--pull', '--no-cache',
  '-u', '--username', '-u=me', '-p', '--password', '--password=pw', '-p=pw', '-ppw', '--password-stdin', '--help', '-h',
  '--help=false', '-h=1', '--', '-', '---', '--=x', '-=', '--force', '--force=false', '-f', '--platform', '--platform=x',
  '-D', '--debug', '-H', '--host', '--host=x', '--context', '-c', '--config', '--tls', '--tlsverify', '--version', '-v',
  '--format', '--format={{.}}', '--filter', '--filter=a=b', '--digests', '--tree', '--no-prune', '-m', '--memory=1g',
  '--all-tags', '--disable-content-trust', '--kubeconfig', '--log-level', '-l', '-😀', '--😀', '-tq', '-qt', '-qH',
  '--rm', '--squash', '--secret', '--ssh', '-o', '--output=type=local', '-Hq',
  '-it', '-ti', '-i', '--interactive', '--tty=false', '-e', '--env', '-e=K=V', '-eK=V', '-w', '--workdir=/x', '--entrypoint',
  '--entrypoint=', '--name', '--name=web', '--name=-x', '--privileged', '--cap-add=ALL', '--device=/dev/kvm', '-v', '-v=/:/host',
  '--mount=type=bind,src=/,dst=/h', '--network=host', '--net=host', '--pid=host', '--ipc=host', '--userns=host',
  '--security-opt=seccomp=unconfined', '-p=80:80', '-P', '-d', '--detach', '-u=0', '--memory=10g', '--pids-limit=-1',
  '--follow', '--tail=3', '-n', '--time=1', '--timestamps',
);
export const subcommand = fc.constantFrom(
  'build', 'images', 'tag', 'rmi', 'history', 'push', 'login', 'logout', 'version', 'image', 'help',
  'ls', 'list', 'rm', 'remove', 'run', 'ps', 'pull', 'exec', 'compose', 'buildx', 'container', 'system', 'prune',
  'inspect', 'save', 'load', 'import', 'clear', 'Build', 'imagez', 'docker',
);
export const value = fc.oneof(
  {arbitrary: reference, weight: 4},
  {arbitrary: fc.constantFrom('.', './', '..', '-', 'ctx', 'https://github.com/x/y.git', 'K=V', 'K=', '=V', 'K', 'a=b=c', 'true', 'false', '0', '1'), weight: 3},
  {arbitrary: anyString(16), weight: 2},
);
export const word = fc.oneof({arbitrary: subcommand, weight: 3}, {arbitrary: flag, weight: 5}, {arbitrary: value, weight: 4});

/** Flags each supported command knows (and a few it refuses), to reach the commands' own checks. */
const FLAGS_FOR: Record<string, string[]> = {
  build: ['-t', '--tag', '-f', '--file', '--build-arg', '--no-cache', '--pull', '-q', '--quiet', '--progress', '--target', '--platform', '--rm'],
  images: ['-a', '--all', '-q', '--quiet', '--no-trunc', '-qa', '--digests', '-f'],
  tag: ['--help'],
  rmi: ['-f', '--force', '--no-prune'],
  history: ['-H', '--human', '--no-trunc', '-q', '--quiet', '-H=false', '--format'],
  inspect: ['-f', '--format', '--type', '-s'],
  push: ['-q', '--quiet', '-a', '--all-tags'],
  login: ['-u', '--username', '-p', '--password', '--password-stdin'],
  logout: [],
  version: ['-f', '--format'],
  run: ['-i', '-t', '-it', '--rm', '-e', '--env', '-w', '--workdir', '--entrypoint', '--name', '--privileged', '--cap-add', '-v', '--network', '-p', '-d', '--pid', '--security-opt', '--device', '--mount', '-h'],
  ps: ['-a', '--all', '-q', '--quiet', '--no-trunc', '-f', '--format', '-s'],
  stop: ['-t', '--time', '-s', '--signal'],
  logs: ['-f', '--follow', '-n', '--tail', '-t', '--timestamps', '--since'],
};
const SUPPORTED_SUBCOMMANDS = Object.keys(FLAGS_FOR);
const IMAGE_SUBCOMMANDS = ['build', 'history', 'inspect', 'ls', 'list', 'push', 'rm', 'rmi', 'remove', 'tag'];

/** `docker [image] SUB` followed by that command's flags and plausible arguments. */
export const structuredArgv: fc.Arbitrary<string[]> = fc
  .tuple(fc.boolean(), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.oneof({arbitrary: value, weight: 3}, {arbitrary: flag, weight: 1})), {maxLength: 5}))
  .map(([underImage, pick, items]) => {
    const sub = underImage ? IMAGE_SUBCOMMANDS[pick % IMAGE_SUBCOMMANDS.length]! : SUPPORTED_SUBCOMMANDS[pick % SUPPORTED_SUBCOMMANDS.length]!;
    const canonical = ({ls: 'images', list: 'images', rm: 'rmi', remove: 'rmi'} as Record<string, string>)[sub] ?? sub;
    const flags = FLAGS_FOR[canonical]!;
    const words = items.flatMap(([n, v]) => (flags.length > 0 && n % 3 === 0 ? [flags[n % flags.length]!] : [v]));
    return ['docker', ...(underImage ? ['image'] : []), sub, ...words];
  });

/** An argv: mostly a structured docker command, also word soup, help/clear and other programs. */
export const dockerArgv: fc.Arbitrary<string[]> = fc.oneof(
  {arbitrary: structuredArgv, weight: 6},
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(['docker'], ['docker'], ['help'], ['clear'], ['help', 'docker'], ['docker', 'image'], ['sudo', 'docker'], ['ls'], ['Docker']),
        fc.array(word, {maxLength: 7}),
      )
      .map(([head, rest]) => [...head, ...rest]),
    weight: 3,
  },
);

export const junkTail = fc.oneof(
  {arbitrary: fc.constant(''), weight: 8},
  {arbitrary: fc.constantFrom(' # comment', ' | grep x', '; ls', ' && docker ps', ' > out', ' $(id)', ' `id`', ' $HOME', "'", '"', '\\', '\t', '\n', '\r', '\x1b[A'), weight: 1},
);

/** A line for dockerArgv: words typed bare when safe, quoted otherwise; sometimes junk glued on. */
export const dockerLine: fc.Arbitrary<string> = fc
  .tuple(dockerArgv, fc.array(fc.boolean(), {minLength: 16, maxLength: 16}), junkTail)
  .map(([argv, bare, junk]) => {
    const words = argv.map((w, i) => (bare[i % 16] && /^[A-Za-z0-9._:/=@+,%-]+$/.test(w) ? w : singleQuote(typeable(w))));
    return words.join(' ') + junk;
  });

/** Pieces of shell-ish lines: words, quotes, escapes, operators, expansions, blanks, controls, Unicode. */
export const fragment: fc.Arbitrary<string> = fc.oneof(
  {arbitrary: fc.constantFrom('docker', 'build', '-t', 'x:1', '.', '--tag=a', 'a', 'b', '=', '-', '--', '~', '*', '{a,b}'), weight: 6},
  {arbitrary: fc.constantFrom(' ', '  ', '\t', ' \t '), weight: 6},
  {arbitrary: fc.constantFrom("'", '"', '\\', '\\\\', "\\'", '\\"', "''", '""', '\\ '), weight: 5},
  {arbitrary: fc.constantFrom('|', ';', '&', '<', '>', '`', '$', '#', '(', ')', '{', '}', '!'), weight: 4},
  {arbitrary: fc.constantFrom('||', '&&', '|&', '&>', '>>', '<<', '>&', '<&', '>|', '<>', '2>', '$(', '${', '${x}', '$HOME', '$1', '$?', '$$', '$-', '$ '), weight: 3},
  {arbitrary: fc.constantFrom('\x00', '\x07', '\n', '\r', '\x1b', '\x1b[A', '\x7f', '\x85', '\x9b', '\u2028', '\ufeff'), weight: 1},
  {arbitrary: fc.constantFrom('é', '€', '😀', '\u0301', '\ud800', '\udc00', '中文', '\u202e'), weight: 2},
  {arbitrary: anyString(8), weight: 2},
);
export const shellish: fc.Arbitrary<string> = fc.array(fragment, {maxLength: 24}).map((parts) => parts.join(''));
