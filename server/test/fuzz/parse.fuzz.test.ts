/**
 * Fuzz: parseCommandLine / parseArgv (server/src/cli/parse.ts) on arbitrary lines and on
 * docker-ish command lines (real subcommands and flags mixed with junk).
 * Never throws; a failure is a clean message with exit 1, 125 or 127; a success is a
 * well-formed Command whose every string comes from the line.
 */
import {performance} from 'node:perf_hooks';
import {describe, expect, it} from 'vitest';
import fc from 'fast-check';
import type {Command} from '../../src/cli/command-types';
import {splitArgv} from '../../src/cli/argv';
import {helpText, parseArgv, parseCommandLine, type ParseResult} from '../../src/cli/parse';
import {isImageIdentifier, parseReference} from '../../src/images/reference';
import {dockerLine, word} from './generators';
import {RUN_FLAGS} from '../../src/cli/container-commands';
import {ANY_CONTROL, anyString, runs, singleQuote} from './support';

/** The general help: a help topic that resolves to nothing would print this. */
const GENERAL_HELP = helpText();
const DIGEST_RE = /^(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

/** Exact key sets per kind: [required, optional]. */
const KEYS: Record<Command['kind'], [string[], string[]]> = {
  build: [['kind', 'tags', 'buildArgs', 'noCache', 'pull', 'quiet', 'progress', 'context'], ['file', 'target']],
  images: [['kind', 'all', 'quiet', 'noTrunc'], ['filter']],
  tag: [['kind', 'source', 'target'], []],
  rmi: [['kind', 'images', 'force'], []],
  history: [['kind', 'image', 'noTrunc', 'quiet', 'human'], []],
  inspect: [['kind', 'images'], []],
  login: [['kind'], ['server', 'username']],
  logout: [['kind'], ['server']],
  push: [['kind', 'name', 'quiet'], []],
  version: [['kind'], []],
  run: [['kind', 'image', 'args', 'interactive', 'tty', 'env'], ['workdir', 'entrypoint', 'name']],
  ps: [['kind', 'all', 'quiet', 'noTrunc'], []],
  stop: [['kind', 'containers'], ['time']],
  logs: [['kind', 'container', 'follow', 'timestamps'], ['tail']],
  help: [['kind'], ['topic']],
  clear: [['kind'], []],
  cd: [['kind'], ['lesson']],
  empty: [['kind'], []],
};

function fail(why: string): never {
  throw new Error(why);
}

/**
 * Checks one result of parsing `argv` (the words of the line). With `typed` the
 * argv came through splitArgv, so it holds no control characters but tab.
 */
function checkResult(argv: string[], r: ParseResult): void {
  if (typeof r !== 'object' || r === null) fail('not an object');
  if (!r.ok) {
    const keys = Object.keys(r).sort().join(',');
    if (keys !== 'exitCode,message,ok' && keys !== 'exitCode,message,ok,sensitive') fail(`failure keys ${keys}`);
    if (typeof r.message !== 'string' || r.message.trim() === '') fail('empty message');
    // "\n" separates lines; nothing else below U+0020.
    const stripped = r.message.replace(/\n/g, '');
    if (ANY_CONTROL.test(stripped)) fail(`message holds a control character: ${JSON.stringify(r.message)}`);
    if (r.message.endsWith('\n') || r.message.startsWith('\n')) fail('message starts or ends with a line break');
    if (![1, 125, 127].includes(r.exitCode)) fail(`exit code ${r.exitCode}`);
    if ('sensitive' in r && r.sensitive !== true) fail('sensitive is set but not true');
    return;
  }
  if (Object.keys(r).sort().join(',') !== 'command,ok') fail('success keys');
  const c = r.command;
  const spec = KEYS[c.kind];
  if (spec === undefined) fail(`unknown kind ${String(c.kind)}`);
  const [required, optional] = spec;
  for (const k of required) if (!(k in c)) fail(`${c.kind}: missing ${k}`);
  for (const k of Object.keys(c)) {
    if (!required.includes(k) && !optional.includes(k)) fail(`${c.kind}: extra key ${k}`);
    if (optional.includes(k) && (c as Record<string, unknown>)[k] === undefined) fail(`${c.kind}: ${k} present but undefined`);
  }
  if (c.kind === 'empty') {
    if (argv.length !== 0) fail('empty command from a non-empty argv');
    return;
  }
  if (!['docker', 'help', 'clear', 'cd'].includes(argv[0]!)) fail(`program ${argv[0]} accepted`);
  const fromArgv = (s: string, what: string) => {
    if (typeof s !== 'string') fail(`${c.kind}: ${what} is not a string`);
    if (!argv.some((a) => a.includes(s))) fail(`${c.kind}: ${what} ${JSON.stringify(s)} is not part of any word`);
  };
  const bool = (v: unknown, what: string) => {
    if (typeof v !== 'boolean') fail(`${c.kind}: ${what} is not a boolean`);
  };
  const positional = (s: string, what: string) => {
    if (!argv.includes(s)) fail(`${c.kind}: ${what} ${JSON.stringify(s)} is not a word of the line`);
  };
  switch (c.kind) {
    case 'build': {
      positional(c.context, 'context');
      if (!Array.isArray(c.tags)) fail('tags');
      for (const t of c.tags) {
        fromArgv(t, 'tag');
        if (!parseReference(t).ok) fail(`build tag ${JSON.stringify(t)} does not parse`);
      }
      if (typeof c.buildArgs !== 'object' || c.buildArgs === null || Array.isArray(c.buildArgs)) fail('buildArgs');
      for (const [k, v] of Object.entries(c.buildArgs)) {
        if (k === '') fail('empty build-arg name');
        if (typeof v !== 'string') fail('build-arg value');
        if (!argv.some((a) => a.includes(`${k}=${v}`))) fail(`build-arg ${k}=${v} is not from the line`);
      }
      bool(c.noCache, 'noCache');
      bool(c.pull, 'pull');
      bool(c.quiet, 'quiet');
      if (c.progress !== 'auto' && c.progress !== 'plain') fail(`progress ${c.progress}`);
      if (c.file !== undefined) fromArgv(c.file, 'file');
      if (c.target !== undefined) fromArgv(c.target, 'target');
      return;
    }
    case 'images':
      bool(c.all, 'all');
      bool(c.quiet, 'quiet');
      bool(c.noTrunc, 'noTrunc');
      if (c.filter !== undefined) positional(c.filter, 'filter');
      return;
    case 'tag': {
      positional(c.source, 'source');
      positional(c.target, 'target');
      if (!isImageIdentifier(c.source) && !DIGEST_RE.test(c.source) && !parseReference(c.source).ok) fail('tag source');
      const t = parseReference(c.target);
      if (!t.ok || t.ref.digest !== undefined) fail('tag target');
      return;
    }
    case 'rmi':
      if (!Array.isArray(c.images) || c.images.length === 0) fail('rmi without images');
      for (const i of c.images) positional(i, 'image');
      bool(c.force, 'force');
      return;
    case 'inspect':
      if (!Array.isArray(c.images) || c.images.length === 0) fail('inspect without images');
      for (const i of c.images) positional(i, 'image');
      return;
    case 'history':
      positional(c.image, 'image');
      bool(c.noTrunc, 'noTrunc');
      bool(c.quiet, 'quiet');
      bool(c.human, 'human');
      return;
    case 'login':
      if (c.server !== undefined) positional(c.server, 'server');
      if (c.username !== undefined) fromArgv(c.username, 'username');
      return;
    case 'logout':
      if (c.server !== undefined) positional(c.server, 'server');
      return;
    case 'push': {
      positional(c.name, 'name');
      bool(c.quiet, 'quiet');
      const p = parseReference(c.name);
      if (!p.ok || p.ref.digest !== undefined) fail(`push name ${JSON.stringify(c.name)}`);
      return;
    }
    case 'run': {
      positional(c.image, 'image');
      if (c.image === '') fail('run: empty image');
      // Everything after the image is the container's command, word for word.
      const at = argv.lastIndexOf(c.image, argv.length - 1 - c.args.length);
      if (at < 0 || JSON.stringify(argv.slice(at + 1)) !== JSON.stringify(c.args)) fail(`run: args ${JSON.stringify(c.args)} are not the words after the image`);
      bool(c.interactive, 'interactive');
      bool(c.tty, 'tty');
      for (const e of c.env) {
        fromArgv(e, 'env');
        if (!/^[^=\s]+=/.test(e)) fail(`run: env ${JSON.stringify(e)} without KEY=`);
      }
      if (c.workdir !== undefined) fromArgv(c.workdir, 'workdir');
      if (c.entrypoint !== undefined) fromArgv(c.entrypoint, 'entrypoint');
      if (c.name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$/.test(c.name)) fail(`run: name ${JSON.stringify(c.name)}`);
      // No sandbox flag ever ends up before the image as a flag of its own.
      const before = argv.slice(0, at);
      const sandboxFlag = before.findIndex((w, i) => /^--(privileged|cap-add|device|volume|mount|network|net|pid|ipc|userns|security-opt|publish)(=|$)/.test(w) && !/^(-[a-zA-Z]*[ewh]|--(env|workdir|entrypoint|name))$/.test(before[i - 1] ?? ''));
      if (sandboxFlag >= 0) fail(`run: accepted with ${before[sandboxFlag]} before the image`);
      return;
    }
    case 'ps':
      bool(c.all, 'all');
      bool(c.quiet, 'quiet');
      bool(c.noTrunc, 'noTrunc');
      return;
    case 'stop':
      if (c.containers.length === 0) fail('stop without containers');
      for (const x of c.containers) positional(x, 'container');
      if (c.time !== undefined && !(Number.isInteger(c.time) && c.time >= 0)) fail(`stop time ${c.time}`);
      return;
    case 'logs':
      positional(c.container, 'container');
      bool(c.follow, 'follow');
      bool(c.timestamps, 'timestamps');
      if (c.tail !== undefined && !(Number.isInteger(c.tail) && c.tail >= 0)) fail(`logs tail ${c.tail}`);
      return;
    case 'help':
      // A topic names a command (or `image`) that has its own help.
      if (c.topic !== undefined && (typeof c.topic !== 'string' || helpText(c.topic) === GENERAL_HELP)) fail(`help topic ${c.topic}`);
      if (typeof helpText(c.topic) !== 'string') fail('helpText');
      return;
    case 'version':
    case 'clear':
      return;
    case 'cd':
      if (c.lesson !== undefined) fromArgv(c.lesson, 'lesson');
      return;
  }
}

/** Parses a line and checks everything the line and its split imply. */
function checkLine(line: string): ParseResult {
  const r = parseCommandLine(line);
  const split = splitArgv(line);
  if (!split.ok) {
    if (r.ok || r.exitCode !== 1 || r.message !== split.error) fail('a refused split is not the parse failure');
    checkResult([], r);
  } else {
    checkResult(split.argv, r);
    // parseCommandLine is exactly parseArgv of the split.
    expect(r).toEqual(parseArgv(split.argv));
  }
  // Pure: the same line parses the same way again.
  expect(parseCommandLine(line)).toEqual(r);
  return r;
}

describe('parseCommandLine fuzz', () => {
  it('never throws; failures are clean, successes well-formed (arbitrary strings)', () => {
    fc.assert(
      fc.property(anyString(120), (line) => {
        checkLine(line);
      }),
      runs(8_000),
    );
  });

  it('never throws; failures are clean, successes well-formed (docker-ish lines)', () => {
    fc.assert(
      fc.property(dockerLine, (line) => {
        checkLine(line);
      }),
      runs(16_000),
    );
  });

  it('parseArgv: never throws on any argv, control characters included; messages stay clean', () => {
    const rawWord = fc.oneof({arbitrary: word, weight: 4}, {arbitrary: fc.string({unit: 'binary', maxLength: 12}), weight: 1}, {arbitrary: fc.constantFrom('\x1b[31m', '\x07', '\u0085', 'a\nb', '\x00'), weight: 1});
    const argv = fc.tuple(fc.constantFrom(['docker'], ['docker', 'image'], ['help'], [], ['\x1b]0;x\x07']), fc.array(rawWord, {maxLength: 6})).map(([h, r]) => [...h, ...r]);
    fc.assert(
      fc.property(argv, (a) => {
        const r = parseArgv(a);
        if (!r.ok) {
          if (ANY_CONTROL.test(r.message.replace(/\n/g, ''))) fail(`control character in ${JSON.stringify(r.message)}`);
          if (![1, 125, 127].includes(r.exitCode)) fail(`exit ${r.exitCode}`);
        } else {
          checkResult(a, r);
        }
      }),
      runs(4_000),
    );
  });

  it('a login line holding -p/--password is refused as sensitive and never echoes the secret', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{6,12}$/).map((s) => `Pw${s}`);
    const loginWord = fc.constantFrom('-u', 'me', '--username=me', 'localhost:5000', '--help', '-h', '--password-stdin', '--bogus', '-x', 'a', 'b');
    fc.assert(
      fc.property(
        fc.array(loginWord, {maxLength: 3}),
        fc.array(loginWord, {maxLength: 3}),
        secret,
        fc.constantFrom((s: string) => ['-p', s], (s: string) => ['--password', s], (s: string) => [`--password=${s}`], (s: string) => [`-p${s}`], (s: string) => [`-p=${s}`], (s: string) => ['-up', s]),
        fc.constantFrom([], ['-D'], ['--context', 'x'], ['image']),
        (before, after, pw, form, global) => {
          const argv = ['docker', ...global, 'login', ...before, ...form(pw), ...after];
          const r = parseCommandLine(argv.map(singleQuote).join(' '));
          checkResult(argv, r);
          if (!r.ok) {
            expect(r.sensitive).toBe(true);
            expect(r.message).not.toContain(pw);
          } else {
            // Only when something before it took "-p" as its value (pflag does the same): the
            // secret is then a positional or a value, never a password.
            expect(r.command.kind === 'login' || r.command.kind === 'help').toBe(true);
          }
        },
      ),
      runs(2_000),
    );
  });

  it('docker run: every refused flag, in every form, anywhere before the image, is refused (exit 125) and nothing runs', () => {
    const refusedFlags = RUN_FLAGS.filter((f) => f.refuse !== undefined);
    const forms = (f: (typeof RUN_FLAGS)[number]): string[][] => {
      const v = f.type === 'bool' ? [] : ['x'];
      const out = [[`--${f.long}`, ...v], [`--${f.long}=${f.type === 'bool' ? 'true' : 'x'}`]];
      if (f.short !== undefined) out.push([`-${f.short}`, ...v], [`-i${f.short}`, ...v], [`-${f.short}=${f.type === 'bool' ? '1' : 'x'}`]);
      return out;
    };
    // Accepted flags in forms that hold their own values, so the refused flag is never taken as a value.
    const accepted = fc.constantFrom(['-it'], ['-i'], ['-t'], ['--rm'], ['-e=K=V'], ['--env=A=b c'], ['-w=/tmp'], ['--entrypoint=sh'], ['--name=web'], ['--tty=false']);
    fc.assert(
      fc.property(
        fc.array(accepted, {maxLength: 3}),
        fc.constantFrom(...refusedFlags).chain((f) => fc.constantFrom(...forms(f))),
        fc.array(accepted, {maxLength: 3}),
        fc.constantFrom(['busybox'], ['busybox', 'echo', 'hi'], ['u/x:1', '--privileged']),
        (pre, bad, post, tail) => {
          const argv = ['docker', 'run', ...pre.flat(), ...bad, ...post.flat(), ...tail];
          const r = parseArgv(argv);
          checkResult(argv, r);
          if (r.ok) fail(`accepted ${JSON.stringify(argv)}`);
          expect(r.exitCode).toBe(125);
          expect(r.message).toMatch(/is not supported in this terminal/);
        },
      ),
      runs(4_000),
    );
    // After the image a flag is the container's own argument: `docker run busybox ls --privileged` runs ls with it.
    const r = parseArgv(['docker', 'run', '--rm', 'busybox', 'ls', '--privileged']);
    expect(r.ok && r.command.kind === 'run' && r.command.args).toEqual(['ls', '--privileged']);
  });

  it('parses a 4,096-character adversarial line in under 50 ms', () => {
    const n = 4096;
    const pad = (head: string, unit: string, tail = '') =>
      head + unit.repeat(Math.ceil((n - head.length - tail.length) / unit.length)).slice(0, n - head.length - tail.length) + tail;
    const lines = [
      pad('docker images -', 'q'),
      pad('docker images -', 'a'),
      pad('docker images -', 'q', 'x'),
      pad('docker push ', 'a-', '!'),
      pad('docker push ', 'a.', '/x!'),
      pad('docker push ', 'a', ':'),
      pad('docker push ', 'a_', '_!'),
      pad('docker push localhost:5000/', 'a/', 'A'),
      pad('docker push x@', 'a', ':0'),
      pad('docker push x@sha256:', '0'),
      pad('docker tag x ', 'ab.', ':1'),
      pad('docker build -t ', 'a-a.', ' .'),
      pad('docker build ', '--build-arg=K=V '),
      pad('docker build ', '-t x '),
      pad('docker rmi ', 'a '),
      pad('docker rmi ', '-f '),
      pad('docker ', '-- '),
      pad('docker image ', 'x'),
      pad('help ', 'image '),
      pad('docker ', "'a'"),
      pad('docker login -', 'u', ' -p x'),
      pad('docker build --build-arg ', 'K', '='),
      pad('docker run ', '-e K=V ', ' busybox'),
      pad('docker run -', 'it', ' busybox'),
      pad('docker run busybox ', 'a '),
    ];
    for (const line of lines) {
      expect(line.length).toBe(n);
      parseCommandLine(line); // warm up
      let best = Infinity;
      for (let k = 0; k < 5; k++) {
        const t0 = performance.now();
        parseCommandLine(line);
        best = Math.min(best, performance.now() - t0);
      }
      expect(best, line.slice(0, 30)).toBeLessThan(50);
    }
  });
});
