import {describe, expect, it} from 'vitest';
import {checkHost, refusedAddress} from '../../src/dockerfile/addresses';
import {expandedLength} from '../../src/dockerfile/expansion';
import {checkDockerfile, NOT_ALLOWED, type PolicyOptions} from '../../src/dockerfile/policy';
import {dockerfileMessages} from '../../../src/protocol/dockerfile-rules';

const allowed = new Set(['busybox', 'debian:bookworm-slim', 'me/app:1']);
const opts = (over: Partial<PolicyOptions> = {}): PolicyOptions => ({
  buildArgs: {},
  image: async (ref) => (allowed.has(ref) ? {env: ['PATH=/usr/bin:/bin']} : null),
  allowedSyntax: [],
  maxExpansionBytes: 64 * 1024,
  // No name is ever looked up on the network in these tests.
  resolve: async (host) => {
    if (host === 'internal.example') return ['10.9.8.7'];
    if (host === 'rebound.example') return ['93.184.216.34', '127.0.0.1'];
    if (host === 'public.example') return ['93.184.216.34'];
    throw new Error('ENOTFOUND');
  },
  ...over,
});
const check = (text: string, over?: Partial<PolicyOptions>) => checkDockerfile(text, opts(over));

describe('images a Dockerfile names', () => {
  it.each([
    ['FROM other/app', 1],
    ['ARG I=other/app\nFROM $I', 2],
    ['ARG I=other/app\nFROM ${I}', 2],
    ['ARG I\nFROM ${I:-other/app}', 2],
    ['ARG I=busybox\nFROM ${I:+other/app}', 2],
    ['FROM other/app AS s\nFROM s', 1],
    ['FROM busybox\nCOPY --from=other/app /a /b', 2],
    ['FROM busybox\ncopy --FROM=other/app /a /b', 2],
    ['FROM busybox\nADD --from=other/app /a /b', 2],
    ['FROM busybox\nCOPY --from=7 /a /b', 2],
    ['FROM busybox\nRUN --mount=type=bind,from=other/app,target=/m true', 2],
    ['FROM busybox\nRUN --mount=type=cache,FROM=other/app,target=/m true', 2],
    ['FROM busybox\nRUN --mount=from=other/app true', 2],
    ['FROM busybox\nONBUILD COPY --from=other/app /a /b', 2],
    ['FROM busybox\nONBUILD RUN --mount=type=bind,from=other/app,target=/m true', 2],
  ])('refuses %j at line %i', async (text, line) => {
    const r = await check(text);
    expect(r).toMatchObject({ok: false, line});
  });

  it('does not take a build arg for an ARG that was never declared', async () => {
    expect(await check('FROM ${I:-other/app}', {buildArgs: {I: 'busybox'}})).toMatchObject({ok: false, line: 1});
  });
  it('refuses ARG values it cannot read as image names rather than guessing', async () => {
    for (const text of ['ARG A=busy\nARG I=${A}box\nFROM $I', "ARG I='$x'\nFROM $I", 'ARG I=busybox\nFROM ${I/x/y}', 'FROM bus\\\nybox$']) {
      expect((await check(text)).ok, text).toBe(false);
    }
  });
  it('takes a build arg for a declared ARG and checks it', async () => {
    expect((await check('ARG I=busybox\nFROM $I', {buildArgs: {I: 'other/app'}})).ok).toBe(false);
    expect((await check('ARG I=other/app\nFROM $I', {buildArgs: {I: 'me/app:1'}})).ok).toBe(true);
  });
  it('allows base images, own images, stages (by name and index) and scratch', async () => {
    const text = [
      'ARG BASE=busybox',
      'ARG TAG',
      'FROM ${BASE} AS Build',
      'RUN --mount=type=cache,id=x,target=/c true',
      'FROM scratch AS empty',
      'FROM me/app:1',
      'COPY --from=build /a /b',
      'COPY --from=0 /a /b',
      'COPY --from=debian:bookworm-slim /etc/debian_version /v',
      'RUN --mount=type=bind,from=build,target=/m true',
      'FROM debian:${TAG:-bookworm-slim}',
    ].join('\n');
    expect(await check(text)).toEqual({ok: true});
  });
});

describe('frontends', () => {
  it('refuses # syntax unless the operator allows that image', async () => {
    expect(await check('# syntax=docker/dockerfile:1\nFROM busybox')).toMatchObject({ok: false, line: 1});
    expect(await check('#SYNTAX = me/app:1\nFROM busybox')).toMatchObject({ok: false, line: 1});
    expect(await check('# escape=`\n# syntax=x\nFROM busybox')).toMatchObject({ok: false, line: 2});
    expect((await check('# syntax=docker/dockerfile:1\nFROM busybox', {allowedSyntax: ['docker/dockerfile:1']})).ok).toBe(true);
    // A comment further down is not a directive.
    expect((await check('FROM busybox\n# syntax=x')).ok).toBe(true);
  });
  it('refuses BUILDKIT_* build args in any case', async () => {
    for (const k of ['BUILDKIT_SYNTAX', 'BuildKit_Cache_Mount_NS', 'BUILDKIT_INLINE_CACHE']) {
      const r = await check('FROM busybox', {buildArgs: {[k]: 'x'}});
      expect(r.ok, k).toBe(false);
      if (!r.ok) expect(r.message).toContain(k);
    }
  });
});

describe('ADD URLs', () => {
  it.each([
    'http://127.0.0.1:5000/v2/_catalog',
    'http://student:docker-lab@127.0.0.1:5000/v2/_catalog',
    'http://localhost:3000/',
    'http://app.localhost/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fe80::1]/',
    'http://10.1.2.3/',
    'http://172.17.0.1:3000/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://0.0.0.0:5000/',
    'https://internal.example/x',
    'https://rebound.example/x',
    'https://does-not-resolve.example/x',
    'git@10.1.2.3:repo.git',
    'git://127.0.0.1/repo.git',
    'ftp://public.example/x',
    'http://$H/x',
  ])('refuses %s', async (url) => {
    const r = await check(`FROM busybox\nADD ${url} /x`);
    expect(r).toMatchObject({ok: false, line: 2});
    if (!r.ok) expect(r.message).not.toContain('docker-lab');
  });
  it('refuses a variable that may expand to a URL', async () => {
    expect((await check('FROM busybox\nARG U=http://127.0.0.1/\nADD $U /x')).ok).toBe(false);
  });
  it('allows public hosts and files of the context', async () => {
    expect(await check('FROM busybox\nADD https://public.example/a.tgz /x\nADD hello.txt /y\nCOPY hello.txt /z')).toEqual({ok: true});
  });
  it('classifies addresses without sending anything', async () => {
    expect(refusedAddress('127.0.0.53')).toBeTruthy();
    expect(refusedAddress('93.184.216.34')).toBeNull();
    expect(refusedAddress('203.0.113.80', ['203.0.113.80'])).toBeTruthy();
    expect(await checkHost('public.example', async () => ['93.184.216.34'])).toBeNull();
  });
});

describe('expansion', () => {
  it('counts lengths without expanding', () => {
    const lens: Record<string, number> = {a: 10, b: 3};
    const len = (n: string) => lens[n] ?? 0;
    expect(expandedLength('$a$a', len)).toBe(20);
    expect(expandedLength('${a}x${b}', len)).toBe(14);
    expect(expandedLength('${c:-hello}', len)).toBe(5);
    expect(expandedLength('${a:+$b$b$b$b}', len)).toBe(12);
    expect(expandedLength('\\$a', len)).toBe(2);
    expect(expandedLength('$', len)).toBe(1);
    expect(expandedLength('${a:-'.repeat(50) + '}'.repeat(50), len)).toBe(Infinity);
  });
  it('refuses nested ENV expansion at the line that crosses the limit', async () => {
    const text = `FROM busybox\nENV a0=${'x'.repeat(1024)}\n` + [1, 2, 3, 4, 5].map((i) => `ENV a${i}=$a${i - 1}$a${i - 1}$a${i - 1}$a${i - 1}`).join('\n');
    const r = await check(text);
    expect(r).toMatchObject({ok: false, line: 6});
    if (!r.ok) expect(r.message).toMatch(/64 KiB/);
  });
  it('counts ARGs, build args, inherited ENV and other instructions', async () => {
    expect(await check(`ARG A\nFROM busybox\nARG A\nENV B=${'$A'.repeat(25)}`, {buildArgs: {A: 'y'.repeat(3000)}})).toMatchObject({ok: false, line: 4});
    expect(await check(`FROM busybox\nARG A=${'z'.repeat(3000)}\nLABEL x=${'$A'.repeat(25)}`)).toMatchObject({ok: false, line: 3});
    expect(await check(`FROM busybox AS s\nENV A=${'z'.repeat(3000)}\nFROM s\nENV B=${'$A'.repeat(25)}`)).toMatchObject({ok: false, line: 4});
    expect(await check(`FROM busybox\nENV P=${'$PATH'.repeat(1000)}\nENV Q=$P$P$P$P$P$P`)).toMatchObject({ok: false, line: 3});
    // Larger than any lesson's Dockerfile: refused before it is parsed.
    expect(await check(`FROM busybox\nRUN ${'x'.repeat(9000)}`)).toMatchObject({ok: false, line: 0});
    expect(await check(`FROM busybox\n${'RUN true\n'.repeat(200)}`)).toMatchObject({ok: false, line: 0});
    // RUN is expanded by the step's shell, not the builder; ordinary Dockerfiles pass.
    expect((await check('FROM busybox\nENV PATH=/x:$PATH\nRUN echo $PATH $PATH')).ok).toBe(true);
  });
});

describe('secrets written into the image', () => {
  it.each([
    ['FROM busybox\nENV PASSWORD=hunter2', 2, 'ENV PASSWORD'],
    ['FROM busybox\nARG GITHUB_TOKEN=ghp_x', 2, 'ARG GITHUB_TOKEN'],
    ['ARG DB_PASSWORD=x\nFROM busybox', 1, 'ARG DB_PASSWORD'],
    ['FROM busybox\nENV A=1 api_key="k"', 2, 'ENV api_key'],
  ])('refuses %j at line %i, in the words the page lints with', async (text, line, what) => {
    const r = await check(text);
    expect(r).toEqual({ok: false, line, message: dockerfileMessages.secret(what.split(' ')[0]!, what.split(' ')[1]!)});
  });
  it('allows a secret ARG declared without a value, and names that only look alike', async () => {
    expect(await check('FROM busybox\nARG TOKEN\nENV PATH=/x TOKENIZER_DIR=/t PASSWORDLESS=1')).toEqual({ok: true});
  });
  it('reports the earliest line when a shared rule and an image refusal both apply', async () => {
    expect(await check('FROM other/app\nENV TOKEN=x')).toMatchObject({ok: false, line: 1, message: `FROM "other/app": ${NOT_ALLOWED}`});
    expect(await check('ARG TOKEN=x\nFROM other/app')).toMatchObject({ok: false, line: 1, message: dockerfileMessages.secret('ARG', 'TOKEN')});
  });
  it('leaves the builder its own parse errors (it prints them with the line)', async () => {
    expect(await check('FROM busybox\nFROBNICATE now')).toEqual({ok: true});
  });
});
