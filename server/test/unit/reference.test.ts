import {describe, expect, it} from 'vitest';
import {
  DOCKER_HUB_AUTH_SERVER,
  DOCKER_HUB_DOMAIN,
  familiarName,
  fullName,
  isImageIdentifier,
  isValidTag,
  normalizeServerAddress,
  parseReference,
  registryAuthServer,
  repository,
  withDefaultTag,
  type ImageRef,
} from '../../src/images/reference';

const HEX64 = 'a'.repeat(64);
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseReference: valid', () => {
  it.each<[string, ImageRef]>([
    ['busybox', {domain: 'docker.io', path: 'library/busybox'}],
    ['busybox:latest', {domain: 'docker.io', path: 'library/busybox', tag: 'latest'}],
    ['busybox:Latest', {domain: 'docker.io', path: 'library/busybox', tag: 'Latest'}],
    ['library/busybox', {domain: 'docker.io', path: 'library/busybox'}],
    ['docker.io/busybox', {domain: 'docker.io', path: 'library/busybox'}],
    ['docker.io/library/busybox:1.36', {domain: 'docker.io', path: 'library/busybox', tag: '1.36'}],
    ['index.docker.io/busybox', {domain: 'docker.io', path: 'library/busybox'}],
    ['index.docker.io/u/x', {domain: 'docker.io', path: 'u/x'}],
    ['user/app:1', {domain: 'docker.io', path: 'user/app', tag: '1'}],
    ['a/b/c', {domain: 'docker.io', path: 'a/b/c'}],
    ['localhost/foo', {domain: 'localhost', path: 'foo'}],
    ['localhost:5000/u/x:1', {domain: 'localhost:5000', path: 'u/x', tag: '1'}],
    ['LOCALHOST:5000/u/x', {domain: 'LOCALHOST:5000', path: 'u/x'}],
    ['example.com/foo', {domain: 'example.com', path: 'foo'}],
    ['Example.COM:443/foo/bar:tag', {domain: 'Example.COM:443', path: 'foo/bar', tag: 'tag'}],
    ['127.0.0.1:5000/foo', {domain: '127.0.0.1:5000', path: 'foo'}],
    ['foo:5000/bar', {domain: 'foo:5000', path: 'bar'}],
    ['registry-1.docker.io/library/x', {domain: 'registry-1.docker.io', path: 'library/x'}],
    ['ghcr.io/owner/repo:v1.2.3', {domain: 'ghcr.io', path: 'owner/repo', tag: 'v1.2.3'}],
    // "foo:5000" with no slash is a name and a tag, not a domain.
    ['foo:5000', {domain: 'docker.io', path: 'library/foo', tag: '5000'}],
    ['a__b', {domain: 'docker.io', path: 'library/a__b'}],
    ['a---b', {domain: 'docker.io', path: 'library/a---b'}],
    ['foo.bar_baz-qux', {domain: 'docker.io', path: 'library/foo.bar_baz-qux'}],
    ['foo:_ok', {domain: 'docker.io', path: 'library/foo', tag: '_ok'}],
    ['foo:ok.-_', {domain: 'docker.io', path: 'library/foo', tag: 'ok.-_'}],
    ['foo:' + 'a'.repeat(128), {domain: 'docker.io', path: 'library/foo', tag: 'a'.repeat(128)}],
    [`foo@${DIGEST}`, {domain: 'docker.io', path: 'library/foo', digest: DIGEST}],
    [`foo:1@${DIGEST}`, {domain: 'docker.io', path: 'library/foo', tag: '1', digest: DIGEST}],
    [`foo@sha512:${'a'.repeat(128)}`, {domain: 'docker.io', path: 'library/foo', digest: `sha512:${'a'.repeat(128)}`}],
    // "sha256:<hex>" alone reads as repository "sha256" with a tag, as in the library.
    [`sha256:${HEX64}`, {domain: 'docker.io', path: 'library/sha256', tag: HEX64}],
    ['a'.repeat(63), {domain: 'docker.io', path: 'library/' + 'a'.repeat(63)}],
    // Longest allowed: "docker.io/library/" (18) + 237 = 255.
    ['a'.repeat(237), {domain: 'docker.io', path: 'library/' + 'a'.repeat(237)}],
  ])('%s', (s, ref) => {
    expect(parseReference(s)).toEqual({ok: true, ref});
  });
});

describe('parseReference: invalid (messages as docker prints them)', () => {
  const FORMAT = 'invalid reference format';
  it.each<[string, string]>([
    ['', FORMAT],
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['localhost:5000/U/x', 'invalid reference format: repository name (U/x) must be lowercase'],
    ['Foo/bar', 'invalid reference format: repository name (Foo/bar) must be lowercase'],
    ['foo/Bar', 'invalid reference format: repository name (foo/Bar) must be lowercase'],
    ['Localhost/foo', 'invalid reference format: repository name (Localhost/foo) must be lowercase'],
    ['Foo.com/Bar', 'invalid reference format: repository name (Bar) must be lowercase'],
    [`Foo@${DIGEST}`, 'invalid reference format: repository name (library/Foo@sha256) must be lowercase'],
    ['A'.repeat(64), `invalid reference format: repository name (library/${'A'.repeat(64)}) must be lowercase`],
    [HEX64, `invalid repository name (${HEX64}), cannot specify 64-byte hexadecimal strings`],
    ['a..b/c', FORMAT],
    ['-a/b', FORMAT],
    ['a-/b', FORMAT],
    ['a/-b', FORMAT],
    ['a/b-', FORMAT],
    ['a___b', FORMAT],
    ['a_.b', FORMAT],
    ['a/b//c', FORMAT],
    ['/a', FORMAT],
    ['a/', FORMAT],
    [':tag', FORMAT],
    ['foo:', FORMAT],
    ['foo:-bad', FORMAT],
    ['foo:.bad', FORMAT],
    ['foo:tag:tag', FORMAT],
    ['foo/bar:tag/x', FORMAT],
    ['foo bar', FORMAT],
    ['foo:' + 'a'.repeat(129), FORMAT],
    ['foo@', FORMAT],
    ['foo@sha256:abc', FORMAT],
    ['[::1]:5000/foo', FORMAT],
    ['localhost:abc/x', FORMAT],
    ['a:1:2/x', FORMAT],
    ['a-.com/x', FORMAT],
    ['héllo', FORMAT],
    ['日本', FORMAT],
    // Domain-like first components that are not valid hosts: the library would
    // read the whole name as a path with no domain; here that is refused.
    ['foo_bar.com/x', FORMAT],
    [`foo@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`foo@sha256:${HEX64}00`, 'invalid checksum digest length'],
    [`foo@md5:${HEX64}`, 'unsupported digest algorithm'],
    ['a'.repeat(238), 'repository name must not be more than 255 characters'],
    ['localhost:5000/' + 'b'.repeat(241), 'repository name must not be more than 255 characters'],
  ])('%j', (s, error) => {
    expect(parseReference(s)).toEqual({ok: false, error});
  });

  it('stays fast on long adversarial input', () => {
    const inputs = [
      'a'.repeat(5000),
      'a-'.repeat(2500),
      'a.'.repeat(2500) + '/x',
      'a.a-'.repeat(1200) + ':',
      'a/'.repeat(2500) + 'A',
      'a'.repeat(3000) + '!',
      'a_'.repeat(2500) + '_',
    ];
    const started = performance.now();
    for (const s of inputs) expect(parseReference(s).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('names', () => {
  const cases: Array<[string, string, string, string]> = [
    // input, fullName, familiarName, repository
    ['busybox', 'docker.io/library/busybox', 'busybox', 'busybox'],
    ['busybox:latest', 'docker.io/library/busybox:latest', 'busybox:latest', 'busybox'],
    ['docker.io/library/busybox:1', 'docker.io/library/busybox:1', 'busybox:1', 'busybox'],
    ['user/x:1', 'docker.io/user/x:1', 'user/x:1', 'user/x'],
    ['library/a/b', 'docker.io/library/a/b', 'library/a/b', 'library/a/b'],
    ['localhost:5000/u/x:1', 'localhost:5000/u/x:1', 'localhost:5000/u/x:1', 'localhost:5000/u/x'],
    ['localhost/x', 'localhost/x', 'localhost/x', 'localhost/x'],
    [`x:1@${DIGEST}`, `docker.io/library/x:1@${DIGEST}`, `x:1@${DIGEST}`, 'x'],
    [`ghcr.io/o/r@${DIGEST}`, `ghcr.io/o/r@${DIGEST}`, `ghcr.io/o/r@${DIGEST}`, 'ghcr.io/o/r'],
  ];
  it.each(cases)('%s', (input, full, familiar, repo) => {
    const r = parseReference(input);
    if (!r.ok) throw new Error(r.error);
    expect(fullName(r.ref)).toBe(full);
    expect(familiarName(r.ref)).toBe(familiar);
    expect(repository(r.ref)).toBe(repo);
    // Both forms parse back to the same reference.
    expect(parseReference(full)).toEqual(r);
    expect(parseReference(familiar)).toEqual(r);
  });

  it('withDefaultTag adds latest only when there is neither tag nor digest', () => {
    expect(withDefaultTag({domain: 'docker.io', path: 'library/x'})).toEqual({
      domain: 'docker.io',
      path: 'library/x',
      tag: 'latest',
    });
    const tagged = {domain: 'docker.io', path: 'library/x', tag: '1'};
    expect(withDefaultTag(tagged)).toEqual(tagged);
    const digested = {domain: 'docker.io', path: 'library/x', digest: DIGEST};
    expect(withDefaultTag(digested)).toEqual(digested);
  });

  it('registryAuthServer', () => {
    expect(DOCKER_HUB_DOMAIN).toBe('docker.io');
    expect(registryAuthServer({domain: 'docker.io', path: 'library/x'})).toBe(DOCKER_HUB_AUTH_SERVER);
    expect(registryAuthServer({domain: 'localhost:5000', path: 'u/x'})).toBe('localhost:5000');
    expect(registryAuthServer({domain: 'ghcr.io', path: 'o/r'})).toBe('ghcr.io');
  });

  it('isImageIdentifier and isValidTag', () => {
    expect(isImageIdentifier(HEX64)).toBe(true);
    expect(isImageIdentifier('A'.repeat(64))).toBe(false);
    expect(isImageIdentifier('a'.repeat(63))).toBe(false);
    expect(isValidTag('v1.0_rc-1')).toBe(true);
    expect(isValidTag('-x')).toBe(false);
    expect(isValidTag('a'.repeat(129))).toBe(false);
  });
});

describe('normalizeServerAddress', () => {
  it.each<[string, string]>([
    ['', DOCKER_HUB_AUTH_SERVER],
    ['docker.io', DOCKER_HUB_AUTH_SERVER],
    ['index.docker.io', DOCKER_HUB_AUTH_SERVER],
    ['registry-1.docker.io', DOCKER_HUB_AUTH_SERVER],
    ['https://index.docker.io/v1/', DOCKER_HUB_AUTH_SERVER],
    ['HTTPS://Docker.IO/', DOCKER_HUB_AUTH_SERVER],
    ['localhost:5000', 'localhost:5000'],
    ['localhost:5000/', 'localhost:5000'],
    ['http://localhost:5000/v2/', 'localhost:5000'],
    ['https://ghcr.io', 'ghcr.io'],
    ['  ghcr.io  ', 'ghcr.io'],
  ])('%j', (input, expected) => {
    expect(normalizeServerAddress(input)).toBe(expected);
  });
});
