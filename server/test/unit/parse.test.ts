import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import type {Command} from '../../src/cli/command-types';
import {SUPPORTED_COMMANDS, helpText, parseArgv, parseCommandLine} from '../../src/cli/parse';
import {closestCommand, editDistance} from '../../src/cli/suggest';

const SUPPORTED = `Supported here: ${SUPPORTED_COMMANDS.join(', ')}`;
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const HEX64 = 'a'.repeat(64);

const build = (over: Partial<Extract<Command, {kind: 'build'}>> = {}): Command => ({
  kind: 'build',
  tags: [],
  buildArgs: {},
  noCache: false,
  pull: false,
  quiet: false,
  progress: 'auto',
  context: '.',
  ...over,
});
const images = (over: Partial<Extract<Command, {kind: 'images'}>> = {}): Command => ({
  kind: 'images',
  all: false,
  quiet: false,
  noTrunc: false,
  ...over,
});
const history = (over: Partial<Extract<Command, {kind: 'history'}>> = {}): Command => ({
  kind: 'history',
  image: 'x',
  noTrunc: false,
  quiet: false,
  human: true,
  ...over,
});

describe('parseCommandLine: commands', () => {
  it.each<[string, Command]>([
    // empty lines
    ['', {kind: 'empty'}],
    ['   ', {kind: 'empty'}],
    ['# a comment', {kind: 'empty'}],
    // terminal builtins and help
    ['clear', {kind: 'clear'}],
    ['help', {kind: 'help'}],
    ['help build', {kind: 'help', topic: 'build'}],
    ['help docker build', {kind: 'help', topic: 'build'}],
    ['help image list', {kind: 'help', topic: 'image ls'}],
    ['docker', {kind: 'help'}],
    ['docker --help', {kind: 'help'}],
    ['docker -h', {kind: 'help'}],
    ['docker help', {kind: 'help'}],
    ['docker help push', {kind: 'help', topic: 'push'}],
    ['docker help image', {kind: 'help', topic: 'image'}],
    ['docker image', {kind: 'help', topic: 'image'}],
    ['docker image --help', {kind: 'help', topic: 'image'}],
    ['docker build --help', {kind: 'help', topic: 'build'}],
    ['docker build -h', {kind: 'help', topic: 'build'}],
    ['docker build --help . extra args', {kind: 'help', topic: 'build'}],
    ['docker images --help', {kind: 'help', topic: 'images'}],
    ['docker image ls --help', {kind: 'help', topic: 'image ls'}],
    ['docker image list -h', {kind: 'help', topic: 'image ls'}],
    ['docker image remove --help', {kind: 'help', topic: 'image rm'}],
    ['docker login --help', {kind: 'help', topic: 'login'}],
    ['docker build --help=false .', build()],
    // build
    ['docker build .', build()],
    ['docker image build .', build()],
    ['docker build -t app .', build({tags: ['app']})],
    ['docker build -tapp .', build({tags: ['app']})],
    ['docker build -t=app .', build({tags: ['app']})],
    ['docker build --tag app .', build({tags: ['app']})],
    ['docker build --tag=app .', build({tags: ['app']})],
    ['docker build . -t app', build({tags: ['app']})],
    ['docker build -t a:1 -t localhost:5000/u/a:1 --tag b .', build({tags: ['a:1', 'localhost:5000/u/a:1', 'b']})],
    [`docker build -t a@${DIGEST} .`, build({tags: [`a@${DIGEST}`]})],
    ['docker build -f Dockerfile.dev .', build({file: 'Dockerfile.dev'})],
    ['docker build --file=a --file b .', build({file: 'b'})],
    [
      'docker build --build-arg A=1 --build-arg "MSG=hello world" --build-arg A=2 --build-arg E= --build-arg U=a=b .',
      build({buildArgs: {A: '2', MSG: 'hello world', E: '', U: 'a=b'}}),
    ],
    ['docker build --no-cache --pull -q .', build({noCache: true, pull: true, quiet: true})],
    ['docker build --no-cache=false --pull=1 --quiet=T .', build({pull: true, quiet: true})],
    ['docker build -qt app .', build({quiet: true, tags: ['app']})],
    ['docker build --target runtime .', build({target: 'runtime'})],
    ['docker build --progress plain .', build({progress: 'plain'})],
    ['docker build --progress=auto .', build()],
    ['docker build -', build({context: '-'})],
    ['docker build -- -dir', build({context: '-dir'})],
    ['docker build https://example.com/repo.git', build({context: 'https://example.com/repo.git'})],
    ['docker build lessons/../x', build({context: 'lessons/../x'})],
    // images
    ['docker images', images()],
    ['docker image ls', images()],
    ['docker image list', images()],
    ['docker images -a -q --no-trunc', images({all: true, quiet: true, noTrunc: true})],
    ['docker images -aq', images({all: true, quiet: true})],
    ['docker images --all=false -q=true', images({quiet: true})],
    ['docker images busybox', images({filter: 'busybox'})],
    ['docker image ls localhost:5000/u/x:1', images({filter: 'localhost:5000/u/x:1'})],
    // tag
    ['docker tag app localhost:5000/u/app:1', {kind: 'tag', source: 'app', target: 'localhost:5000/u/app:1'}],
    ['docker image tag app:1 app:2', {kind: 'tag', source: 'app:1', target: 'app:2'}],
    [`docker tag ${HEX64} app`, {kind: 'tag', source: HEX64, target: 'app'}],
    [`docker tag ${DIGEST} app`, {kind: 'tag', source: DIGEST, target: 'app'}],
    [`docker tag app@${DIGEST} app:1`, {kind: 'tag', source: `app@${DIGEST}`, target: 'app:1'}],
    ['docker tag abc123 app', {kind: 'tag', source: 'abc123', target: 'app'}],
    // rmi
    ['docker rmi app', {kind: 'rmi', images: ['app'], force: false}],
    ['docker rmi -f a b c', {kind: 'rmi', images: ['a', 'b', 'c'], force: true}],
    ['docker image rm a --force', {kind: 'rmi', images: ['a'], force: true}],
    ['docker image remove a', {kind: 'rmi', images: ['a'], force: false}],
    ['docker image rmi a', {kind: 'rmi', images: ['a'], force: false}],
    // history
    ['docker history x', history()],
    ['docker image history x', history()],
    ['docker history --no-trunc -q x', history({noTrunc: true, quiet: true})],
    ['docker history --human=false x', history({human: false})],
    ['docker history -H=false x', history({human: false})],
    ['docker history -H x', history()],
    // login / logout
    ['docker login', {kind: 'login'}],
    ['docker login localhost:5000', {kind: 'login', server: 'localhost:5000'}],
    ['docker login -u bob', {kind: 'login', username: 'bob'}],
    ['docker login --username=bob https://index.docker.io/v1/', {kind: 'login', username: 'bob', server: 'https://index.docker.io/v1/'}],
    ['docker logout', {kind: 'logout'}],
    ['docker logout localhost:5000', {kind: 'logout', server: 'localhost:5000'}],
    // push
    ['docker push localhost:5000/u/app:1', {kind: 'push', name: 'localhost:5000/u/app:1', quiet: false}],
    ['docker push -q app', {kind: 'push', name: 'app', quiet: true}],
    ['docker image push app', {kind: 'push', name: 'app', quiet: false}],
    // version
    ['docker version', {kind: 'version'}],
    ['docker --version', {kind: 'version'}],
    ['docker -v', {kind: 'version'}],
  ])('%s', (line, command) => {
    expect(parseCommandLine(line)).toEqual({ok: true, command});
  });
});

describe('parseCommandLine: errors', () => {
  const usage = (path: string, requirement: string, use: string, short: string) =>
    `"docker ${path}" ${requirement}.\nSee 'docker ${path} --help'.\n\nUsage:  ${use}\n\n${short}`;
  const flagError = (path: string, msg: string) => `${msg}\nSee 'docker ${path} --help'.`;

  it.each<[string, string, number]>([
    // argument counts (docker CLI 20.10 cli/required.go), exit 1
    ['docker build', usage('build', 'requires exactly 1 argument', 'docker build [OPTIONS] PATH | URL | -', 'Build an image from a Dockerfile'), 1],
    ['docker build . x', usage('build', 'requires exactly 1 argument', 'docker build [OPTIONS] PATH | URL | -', 'Build an image from a Dockerfile'), 1],
    ['docker tag a', usage('tag', 'requires exactly 2 arguments', 'docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'), 1],
    ['docker rmi', usage('rmi', 'requires at least 1 argument', 'docker rmi [OPTIONS] IMAGE [IMAGE...]', 'Remove one or more images'), 1],
    ['docker image remove', usage('image rm', 'requires at least 1 argument', 'docker image rm [OPTIONS] IMAGE [IMAGE...]', 'Remove one or more images'), 1],
    ['docker history a b', usage('history', 'requires exactly 1 argument', 'docker history [OPTIONS] IMAGE', 'Show the history of an image'), 1],
    ['docker images a b', usage('images', 'requires at most 1 argument', 'docker images [OPTIONS] [REPOSITORY[:TAG]]', 'List images'), 1],
    ['docker image list a b', usage('image ls', 'requires at most 1 argument', 'docker image ls [OPTIONS] [REPOSITORY[:TAG]]', 'List images'), 1],
    ['docker login a b', usage('login', 'requires at most 1 argument', 'docker login [OPTIONS] [SERVER]', 'Log in to a Docker registry'), 1],
    ['docker logout a b', usage('logout', 'requires at most 1 argument', 'docker logout [SERVER]', 'Log out from a Docker registry'), 1],
    ['docker push', usage('push', 'requires exactly 1 argument', 'docker push [OPTIONS] NAME[:TAG]', 'Push an image or a repository to a registry'), 1],
    ['docker version x', usage('version', 'accepts no arguments', 'docker version [OPTIONS]', 'Show the Docker version information'), 1],
    // flag errors (pflag + cobra FlagErrorFunc), exit 125
    ['docker build --foo .', flagError('build', 'unknown flag: --foo'), 125],
    ['docker build -x .', flagError('build', "unknown shorthand flag: 'x' in -x"), 125],
    ['docker images -zq', flagError('images', "unknown shorthand flag: 'z' in -zq"), 125],
    ['docker images -qz', flagError('images', "unknown shorthand flag: 'z' in -z"), 125],
    ['docker build --tag', flagError('build', 'flag needs an argument: --tag'), 125],
    ['docker build -t', flagError('build', "flag needs an argument: 't' in -t"), 125],
    ['docker build -qt', flagError('build', "flag needs an argument: 't' in -t"), 125],
    ['docker build --=x .', flagError('build', 'bad flag syntax: --=x'), 125],
    ['docker build ---x .', flagError('build', 'bad flag syntax: ---x'), 125],
    ['docker images --all=2', flagError('images', 'invalid argument "2" for "-a, --all" flag: strconv.ParseBool: parsing "2": invalid syntax'), 125],
    ['docker images --no-trunc=maybe', flagError('images', 'invalid argument "maybe" for "--no-trunc" flag: strconv.ParseBool: parsing "maybe": invalid syntax'), 125],
    ['docker history -H=foo x', flagError('history', 'invalid argument "foo" for "-H, --human" flag: strconv.ParseBool: parsing "foo": invalid syntax'), 125],
    ['docker build -t Foo .', flagError('build', 'invalid argument "Foo" for "-t, --tag" flag: invalid reference format: repository name (library/Foo) must be lowercase'), 125],
    ['docker build -t foo:bad:tag .', flagError('build', 'invalid argument "foo:bad:tag" for "-t, --tag" flag: invalid reference format'), 125],
    ['docker build --tag==d .', flagError('build', 'invalid argument "=d" for "-t, --tag" flag: invalid reference format'), 125],
    [`docker build -t ${HEX64} .`, flagError('build', `invalid argument "${HEX64}" for "-t, --tag" flag: invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`), 125],
    // the first error in argument order wins, as pflag sets values while scanning
    ['docker build -t Foo --bogus .', flagError('build', 'invalid argument "Foo" for "-t, --tag" flag: invalid reference format: repository name (library/Foo) must be lowercase'), 125],
    ['docker build --bogus -t Foo .', flagError('build', 'unknown flag: --bogus'), 125],
    ['docker build --foo', flagError('build', 'unknown flag: --foo'), 125],
    ['docker build --build-arg =x .', flagError('build', 'invalid argument "=x" for "--build-arg" flag: invalid environment variable: =x'), 125],
    ['docker build --build-arg K .', flagError('build', 'invalid argument "K" for "--build-arg" flag: no value for K: write --build-arg K=VALUE (this terminal has no environment to take it from)'), 125],
    ['docker build --progress=tty .', flagError('build', 'invalid argument "tty" for "--progress" flag: tty progress is not available in this terminal: use auto or plain'), 125],
    ['docker build --progress rawjson .', flagError('build', 'invalid argument "rawjson" for "--progress" flag: use auto or plain'), 125],
    ['docker build --platform linux/amd64 .', flagError('build', 'the --platform option is not supported in this terminal'), 125],
    ['docker build -m 1g .', flagError('build', 'the -m, --memory option is not supported in this terminal'), 125],
    ['docker images --filter dangling=true', flagError('images', 'the -f, --filter option is not supported in this terminal'), 125],
    ['docker images --format json', flagError('images', 'the --format option is not supported in this terminal'), 125],
    ['docker rmi --no-prune x', flagError('rmi', 'the --no-prune option is not supported in this terminal'), 125],
    ['docker version -f x', flagError('version', 'the -f, --format option is not supported in this terminal'), 125],
    ['docker push -a app', flagError('push', 'the -a, --all-tags option is not supported in this terminal: push one tag at a time, e.g. docker push NAME:TAG'), 125],
    ['docker push --all-tags app', flagError('push', 'the -a, --all-tags option is not supported in this terminal: push one tag at a time, e.g. docker push NAME:TAG'), 125],
    ['docker login --password-stdin', flagError('login', 'the --password-stdin option is not available here (there is no stdin to read): type the password at the prompt'), 125],
    ['docker --bogus build .', "unknown flag: --bogus\nSee 'docker --help'.", 125],
    ['docker -H tcp://1.2.3.4 images', "the global option -H, --host is not supported in this terminal\nSee 'docker --help'.", 125],
    ['docker --debug images', "the global option -D, --debug is not supported in this terminal\nSee 'docker --help'.", 125],
    ['docker image --bogus', "unknown flag: --bogus\nSee 'docker image --help'.", 125],
    // the CLI's own reference checks, exit 1
    ['docker tag Foo bar', 'Error parsing reference: "Foo" is not a valid repository/tag: invalid reference format: repository name (library/Foo) must be lowercase', 1],
    ['docker tag a:b:c bar', 'Error parsing reference: "a:b:c" is not a valid repository/tag: invalid reference format', 1],
    ['docker tag x Bar', 'Error parsing reference: "Bar" is not a valid repository/tag: invalid reference format: repository name (library/Bar) must be lowercase', 1],
    [`docker tag x ${HEX64}`, `Error parsing reference: "${HEX64}" is not a valid repository/tag: invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`, 1],
    [`docker tag x y@${DIGEST}`, 'refusing to create a tag with a digest reference', 1],
    ['docker push Foo', 'invalid reference format: repository name (library/Foo) must be lowercase', 1],
    ['docker push a:b:c', 'invalid reference format', 1],
    [`docker push localhost:5000/foo@${DIGEST}`, 'cannot push a digest reference', 1],
    // commands this terminal does not run
    ['docker exec -it web sh', `'docker exec' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker pull busybox', `'docker pull' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker rm web', `'docker rm' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker compose up', `'docker compose' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker system prune -af', `'docker system' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker buildx build .', `'docker buildx' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker image pull x', `'docker image pull' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker image prune', `'docker image prune' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker help exec', `'docker exec' is not supported in this terminal.\n${SUPPORTED}`, 127],
    ['docker foo', `docker: 'foo' is not a docker command.\nSee 'docker --help'\n${SUPPORTED}`, 1],
    ['docker image foo', "docker: unknown command: docker image foo\nSee 'docker image --help'.", 1],
    // other programs
    ['ls', `ls: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED}`, 127],
    ['ls -la /', `ls: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED}`, 127],
    ['sudo docker build .', `sudo: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED}`, 127],
    ['bash', `bash: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED}`, 127],
    ['Docker images', `Docker: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED}`, 127],
    ['/usr/bin/docker images', `/usr/bin/docker: command not found\nThis terminal runs docker commands only, one at a time. ${SUPPORTED}`, 127],
    ['clear now', 'clear: takes no arguments', 1],
    // shell syntax is refused by the splitter
    ['docker images | grep app', 'pipes (|) are not supported: this terminal is not a shell; run one docker command at a time', 1],
    ['docker push $IMAGE', 'variables are not expanded here ($IMAGE): type the value instead', 1],
  ])('%s', (line, message, exitCode) => {
    expect(parseCommandLine(line)).toEqual({ok: false, message, exitCode});
  });

  it('marks lines that held a password as sensitive', () => {
    for (const line of [
      'docker login -p hunter2',
      'docker login -u bob -p hunter2 localhost:5000',
      'docker login --password=hunter2',
      'docker login -phunter2',
      'docker login -uphunter2 x y', // -u takes "phunter2": still flagged, to be safe
      'docker login --bogus --password hunter2',
      'docker -D login -p hunter2',
    ]) {
      const r = parseCommandLine(line);
      expect(r).toMatchObject({ok: false, sensitive: true});
    }
    expect(parseCommandLine('docker login -p x')).toEqual({
      ok: false,
      message:
        "the -p, --password option is not accepted here: run docker login without it and type the password at the prompt, so it never shows in the terminal or its history\nSee 'docker login --help'.",
      exitCode: 125,
      sensitive: true,
    });
    expect(parseCommandLine('docker login -u bob a b')).not.toHaveProperty('sensitive');
  });

  it('never echoes control characters from argv into messages', () => {
    const r = parseArgv(['\x1b[31mls\x1b[0m']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^"\\x1b\[31mls\\x1b\[0m": command not found/);
    const r2 = parseArgv(['docker', 'build', '--\x1b[2J', '.']);
    expect(r2).toMatchObject({ok: false, message: "unknown flag: --\\x1b[2J\nSee 'docker build --help'."});
  });
});

describe('helpText', () => {
  it('general help lists exactly what is supported', () => {
    const text = helpText();
    for (const name of ['build', 'images', 'tag', 'rmi', 'history', 'push', 'login', 'logout', 'version', 'clear', 'help']) {
      expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    expect(text).not.toMatch(/\bpull\b|\bexec\b/);
    expect(text).toContain('not a shell');
  });

  it('command help follows the CLI layout', () => {
    expect(helpText('images')).toBe(
      [
        'Usage:  docker images [OPTIONS] [REPOSITORY[:TAG]]',
        '',
        'List images',
        '',
        'Options:',
        '  -a, --all        Show all images (default hides intermediate images)',
        "      --no-trunc   Don't truncate output",
        '  -q, --quiet      Only show image IDs',
        '',
      ].join('\n'),
    );
    expect(helpText('tag')).toBe(
      'Usage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\nCreate a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n',
    );
    expect(helpText('image rm')).toContain('Aliases:\n  rm, rmi, remove');
    expect(helpText('login')).toContain('Log in to a Docker registry.\nIf no server is specified, the default is defined by the daemon.');
    expect(helpText('login')).not.toContain('--password');
    expect(helpText('push')).not.toContain('--all-tags');
    expect(helpText('build')).toContain("  -t, --tag list          Name and optionally a tag in the 'name:tag' format");
  });

  it('every help topic that parsing produces has its own text, within 80 columns', () => {
    const topics = new Set<string | undefined>();
    for (const line of [
      'help', 'docker image --help', 'docker build --help', 'docker image build --help', 'docker images --help',
      'docker image ls --help', 'docker tag --help', 'docker image tag --help', 'docker rmi --help', 'docker image rm --help',
      'docker history --help', 'docker image history --help', 'docker login --help', 'docker logout --help',
      'docker push --help', 'docker image push --help', 'docker version --help',
    ]) {
      const r = parseCommandLine(line);
      if (!r.ok || r.command.kind !== 'help') throw new Error(`not help: ${line}`);
      topics.add(r.command.topic);
    }
    const texts = new Set([...topics].map((t) => helpText(t)));
    expect(texts.size).toBe(topics.size);
    for (const text of texts) {
      for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    }
    expect(helpText('no such topic')).toBe(helpText());
  });
});

describe('flag forms', () => {
  it('every spelling of a string flag gives the same command', () => {
    const spellings = ['-t app', '-tapp', '-t=app', '--tag app', '--tag=app'];
    for (const s of spellings) {
      for (const order of [`docker build ${s} .`, `docker build . ${s}`]) {
        expect(parseCommandLine(order)).toEqual({ok: true, command: build({tags: ['app']})});
      }
    }
  });
});

/** Characters a line may hold, weighted towards the ones the parsers care about. */
const lineChar = fc.oneof(
  fc.constantFrom(...' -=\t\'"\\$|#:/@.\x1b\x00'.split('')),
  fc.string({unit: 'grapheme-ascii', minLength: 1, maxLength: 1}),
  fc.integer({min: 0x80, max: 0x10ffff}).map((c) => String.fromCodePoint(c)),
);
const token = fc.oneof(
  fc.constantFrom(
    'docker', 'image', 'build', 'images', 'ls', 'tag', 'rmi', 'rm', 'history', 'login', 'logout', 'push', 'version',
    'help', 'clear', 'run', '-t', '--tag', '-f', '-q', '-a', '-H', '--human=false', '-p', '--help', '--', '-', '.',
    'app', 'Foo', 'localhost:5000/u/x:1', '--build-arg', 'K=V', '--progress', 'plain',
  ),
  fc.string({unit: lineChar, maxLength: 12}),
);

function checkWellFormed(r: ReturnType<typeof parseCommandLine>): void {
  if (r.ok) {
    expect(typeof r.command.kind).toBe('string');
    if (r.command.kind === 'help') expect(typeof helpText(r.command.topic)).toBe('string');
  } else {
    expect(r.message.length).toBeGreaterThan(0);
    expect([1, 125, 127]).toContain(r.exitCode);
    expect(r.message).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  }
}

describe('parse: properties', () => {
  it('any line: never throws, returns a well-formed result', () => {
    fc.assert(
      fc.property(fc.string({unit: lineChar, maxLength: 120}), (line) => checkWellFormed(parseCommandLine(line))),
      {numRuns: 1000},
    );
  });

  it('docker-shaped lines: never throw, return a well-formed result', () => {
    fc.assert(
      fc.property(fc.array(token, {maxLength: 8}), (tokens) => {
        checkWellFormed(parseArgv(['docker', ...tokens]));
        checkWellFormed(parseArgv(tokens));
      }),
      {numRuns: 1000},
    );
  });
});

describe('did you mean (issue 19 point 12)', () => {
  it.each([
    ['docker biuld .', 'biuld', 'docker build'],
    ['docker imgaes', 'imgaes', 'docker images'],
    ['docker pussh x', 'pussh', 'docker push'],
    ['docker lgoin', 'lgoin', 'docker login'],
    ['docker Build .', 'Build', 'docker build'],
  ])('%s → %s', (line, typed, near) => {
    expect(parseCommandLine(line)).toEqual({
      ok: false,
      message: `docker: '${typed}' is not a docker command.\nSee 'docker --help'\nDid you mean \`${near}\`?\n${SUPPORTED}`,
      exitCode: 1,
    });
  });

  it('docker image lss → docker image ls', () => {
    expect(parseCommandLine('docker image lss')).toEqual({
      ok: false,
      message: "docker: unknown command: docker image lss\nSee 'docker image --help'.\nDid you mean `docker image ls`?",
      exitCode: 1,
    });
  });

  it('suggests nothing for words far from every command', () => {
    for (const word of ['foo', 'x', 'kubectl', 'a'.repeat(40)]) {
      const r = parseCommandLine(`docker ${word}`);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).not.toContain('Did you mean');
    }
  });

  it('edit distance counts a swap of two letters as one edit', () => {
    expect(editDistance('biuld', 'build')).toBe(1);
    expect(editDistance('build', 'build')).toBe(0);
    expect(editDistance('', 'tag')).toBe(3);
    expect(editDistance('imgs', 'images')).toBe(2);
    expect(closestCommand('tga', ['tag', 'push'])).toBe('tag');
    expect(closestCommand('ps', ['push'])).toBeUndefined();
  });
});

describe('cd', () => {
  it('parses cd LESSON, cd alone, and folder-like spellings', () => {
    expect(parseCommandLine('cd')).toEqual({ok: true, command: {kind: 'cd'}});
    expect(parseCommandLine('cd hello')).toEqual({ok: true, command: {kind: 'cd', lesson: 'hello'}});
    expect(parseCommandLine('cd ./pytorch/')).toEqual({ok: true, command: {kind: 'cd', lesson: 'pytorch'}});
    expect(parseCommandLine('cd ..')).toEqual({ok: true, command: {kind: 'cd', lesson: '..'}});
  });

  it('refuses more than one argument', () => {
    const r = parseCommandLine('cd a b');
    expect(r).toEqual({ok: false, message: 'cd: too many arguments\nUsage: cd LESSON (or cd alone to list the lessons)', exitCode: 1});
  });

  it('is listed in help', () => {
    expect(helpText()).toContain('  cd          Switch the lesson docker build . builds');
  });
});
