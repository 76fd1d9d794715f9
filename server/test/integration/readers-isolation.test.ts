/**
 * Two readers A and B on one engine (issue 12): what B builds, A cannot read
 * through a Dockerfile; names cannot be squatted; no custom frontends; cache
 * mounts are per reader; the daemon fetches nothing from the host for a
 * reader; nested ARG/ENV expansion is refused before the engine sees it.
 */
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {labEnv, startTestLab, TestClient, uniqueName, type TestLab} from './harness';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const registryPort = registry.split(':')[1] ?? '5000';
const user = env.LAB_REGISTRY_USER ?? 'student';
const password = env.LAB_REGISTRY_PASSWORD ?? 'docker-lab';

let lab: TestLab;
let a: TestClient;
let b: TestClient;
/** B's image, with a secret file in it. */
let secretImage: string;
const SECRET = `SECRET-${Math.random().toString(36).slice(2, 10)}`;

const ctx = (dockerfile: string) => ({context: 'tiny', dockerfile});

beforeAll(async () => {
  lab = await startTestLab({LAB_SESSION_GRACE_MS: '300', LAB_COMMANDS_PER_MINUTE: '1000'});
  a = await TestClient.connect(lab.url);
  b = await TestClient.connect(lab.url);
  secretImage = `x/${uniqueName('app')}:1`;
  const end = await b.run(`docker build -t ${secretImage} .`, ctx(`FROM busybox\nRUN echo ${SECRET} > /secret.txt\n`));
  expect(end.exitCode, b.text.slice(-2000)).toBe(0);
});
afterAll(async () => {
  a?.close();
  b?.close();
  await lab?.close();
});

/** Build `dockerfile` as `who`; returns the exit code and what the build printed. */
async function build(who: TestClient, dockerfile: string, args = ''): Promise<{code: number; out: string}> {
  const mark = who.output.length;
  const end = await who.run(`docker build --no-cache ${args} .`.replace(/ +/g, ' '), ctx(dockerfile));
  return {code: end.exitCode ?? -1, out: who.since(mark)};
}

describe('1. a Dockerfile names only base images and the reader\'s own images', () => {
  const attacks: Array<[string, (img: string) => string, number]> = [
    ['FROM', (img) => `FROM ${img}\nRUN cat /secret.txt\n`, 1],
    ['FROM with ARG substitution', (img) => `ARG IMG=${img}\nFROM \${IMG}\nRUN cat /secret.txt\n`, 2],
    ['FROM an ARG default', (img) => `ARG IMG\nFROM \${IMG:-${img}}\nRUN cat /secret.txt\n`, 2],
    ['FROM through a stage', (img) => `FROM ${img} AS s\nFROM s\nRUN cat /secret.txt\n`, 1],
    ['COPY --from', (img) => `FROM busybox\nCOPY --from=${img} /secret.txt /s\nRUN cat /s\n`, 2],
    ['RUN --mount from=', (img) => `FROM busybox\nRUN --mount=type=bind,from=${img},target=/m cat /m/secret.txt\n`, 2],
    ['ONBUILD COPY --from', (img) => `FROM busybox\nONBUILD COPY --from=${img} /secret.txt /s\n`, 2],
  ];
  for (const [what, dockerfile, line] of attacks) {
    it(`refuses ${what}, naming the line`, async () => {
      const {code, out} = await build(a, dockerfile(secretImage));
      expect(out).not.toContain(SECRET);
      expect(code).not.toBe(0);
      expect(out).toMatch(new RegExp(`line ${line}\\b`));
      expect(out).toMatch(/only the lab's base images and your own images/);
    });
  }

  it('refuses B\'s image by its id, and says the same as for a name that does not exist', async () => {
    const id = (await lab.lab.engine.inspectImage(secretImage))!.Id;
    const byId = await build(a, `FROM ${id.slice(7, 19)}\nRUN cat /secret.txt\n`);
    expect(byId.code).not.toBe(0);
    expect(byId.out).not.toContain(SECRET);
    const missing = await build(a, `FROM x/${uniqueName('none')}:1\n`);
    const norm = (s: string) => (/ERROR: .*/.exec(s)?.[0] ?? s).replace(/"[^"]*"/g, '"…"');
    expect(norm(byId.out)).toBe(norm(missing.out));
  });

  it('lets A build FROM base images, its own images and its own stages', async () => {
    const mine = `lab/${uniqueName('mine')}`;
    expect((await build(a, 'FROM busybox\nRUN echo mine > /m.txt\n', `-t ${mine}`)).code).toBe(0);
    const ok = await build(
      a,
      `ARG BASE=busybox\nFROM \${BASE} AS one\nRUN echo one > /one.txt\nFROM ${mine}\nCOPY --from=one /one.txt /one.txt\n` +
        `COPY --from=debian:bookworm-slim /etc/debian_version /v\nRUN --mount=type=bind,from=one,target=/o cat /o/one.txt /m.txt\n`,
    );
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/\bone\b/);
    expect(ok.out).toMatch(/\bmine\b/);
  });
});

describe('2. names', () => {
  it('base image names and docker.io/library/* are reserved', async () => {
    const mine = `lab/${uniqueName('sq')}`;
    expect((await build(a, 'FROM busybox\nONBUILD RUN echo pwned\n', `-t ${mine}`)).code).toBe(0);
    for (const target of ['alpine:latest', 'alpine', 'docker.io/library/python:3', 'library/ubuntu', 'busybox:musl', 'debian:latest']) {
      const mark = a.output.length;
      expect((await a.type(`docker tag ${mine} ${target}`)).exitCode, target).not.toBe(0);
      expect(a.since(mark), target).toMatch(/reserved/);
    }
    expect(await lab.lab.engine.inspectImage('alpine:latest')).toBeNull();
    const built = await build(a, 'FROM busybox\n', '-t alpine:3');
    expect(built.code).not.toBe(0);
    expect(built.out).toMatch(/reserved/);
  });

  it('another reader\'s name is refused without saying that another reader has it', async () => {
    const mine = `lab/${uniqueName('mine')}`;
    expect((await build(a, 'FROM busybox\n', `-t ${mine}`)).code).toBe(0);
    const taken = await a.type(`docker tag ${mine} ${secretImage}`);
    expect(taken.exitCode).not.toBe(0);
    expect(a.text).not.toMatch(/another reader/);
    const built = await build(a, 'FROM busybox\n', `-t ${secretImage}`);
    expect(built.code).not.toBe(0);
    expect(built.out).not.toMatch(/another reader/);
    // B's image keeps its name (B's page is open).
    const label = (await lab.lab.engine.inspectImage(secretImage))?.Config?.Labels?.['org.dockerlab.session'];
    expect(label).toBeTruthy();
    const mark = a.output.length;
    await a.type(`docker images -q ${secretImage}`);
    expect(a.since(mark)).not.toMatch(/[0-9a-f]{12}/);
  });
});

describe('3. custom frontends', () => {
  it('refuses a # syntax directive', async () => {
    const {code, out} = await build(a, '# syntax=busybox\nFROM busybox\n');
    expect(code).not.toBe(0);
    expect(out).toMatch(/line 1\b.*syntax/);
  });
  it('refuses reader-supplied BUILDKIT_* build args', async () => {
    for (const arg of ['BUILDKIT_SYNTAX=busybox', 'BUILDKIT_CACHE_MOUNT_NS=x', 'buildkit_inline_cache=1']) {
      const {code, out} = await build(a, 'FROM busybox\n', `--build-arg ${arg}`);
      expect(code, arg).not.toBe(0);
      expect(out, arg).toMatch(/BUILDKIT_/i);
      expect(out, arg).toMatch(/reserved|not allowed/);
    }
  });
});

describe('4. cache mounts', () => {
  it('are not shared between readers', async () => {
    // While B's step holds its cache mount open, A's step mounts the same id (sharing=shared is the default):
    // without a namespace per reader it is the same directory.
    const id = uniqueName('cache');
    const mount = `--mount=type=cache,id=${id},target=/c`;
    const markB = b.output.length;
    const writing = b.run(
      'docker build --no-cache .',
      ctx(`FROM busybox\nRUN ${mount} sh -c 'echo ${SECRET}-cache > /c/f; echo written; sleep 12; cat /c/f'\n`),
    );
    await b.waitForText(/written/, 60_000);
    const read = await build(a, `FROM busybox\nRUN ${mount} sh -c 'cat /c/f || echo nothing-there'\n`);
    expect(read.code, read.out).toBe(0);
    expect(read.out).not.toContain(`${SECRET}-cache`);
    expect(read.out).toContain('nothing-there');
    expect((await writing).exitCode).toBe(0);
    expect(b.since(markB)).toContain(`${SECRET}-cache`);
  });
});

describe('5. daemon-side fetches', () => {
  it('refuses ADD of the lab registry on loopback (with credentials in the URL)', async () => {
    const url = `http://${user}:${password}@127.0.0.1:${registryPort}/v2/_catalog`;
    const {code, out} = await build(a, `FROM busybox\nADD ${url} /catalog\nRUN cat /catalog\n`);
    expect(out).not.toMatch(/"repositories"/);
    expect(code).not.toBe(0);
    expect(out).toMatch(/line 2\b/);
    expect(out).not.toContain(password);
  });
  it('refuses ADD of localhost, the bridge gateway and private or link-local literals (no traffic leaves)', async () => {
    for (const url of [
      `http://localhost:${registryPort}/v2/_catalog`,
      'http://172.17.0.1:3000/',
      'http://10.1.2.3/x',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:3000/',
      'http://0x7f000001/',
      'git@10.1.2.3:repo.git',
    ]) {
      const {code, out} = await build(a, `FROM busybox\nADD ${url} /x\n`);
      expect(code, url).not.toBe(0);
      expect(out, url).toMatch(/line 2\b.*(address|URL)/);
    }
  });
});

describe('issue 10: nested ARG/ENV expansion', () => {
  it('is refused before the engine sees it, with the line', async () => {
    const kb = 'x'.repeat(1024);
    const dockerfile =
      `FROM busybox\nENV a0=${kb}\n` + [1, 2, 3, 4, 5].map((i) => `ENV a${i}=$a${i - 1}$a${i - 1}$a${i - 1}$a${i - 1}`).join('\n') + '\n';
    const started = Date.now();
    const {code, out} = await build(a, dockerfile);
    expect(code).not.toBe(0);
    expect(out).toMatch(/line 6\b/);
    expect(out).toMatch(/64 KiB/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
  it('counts build args', async () => {
    const {code, out} = await build(a, `FROM busybox\nARG A\nENV B=${'$A'.repeat(25)}\n`, `--build-arg A=${'y'.repeat(3000)}`);
    expect(code).not.toBe(0);
    expect(out).toMatch(/line 3\b/);
  });
});

describe('10. build errors do not show host paths', () => {
  it('a runc mount error names no folder of the engine\'s state on the host', async () => {
    const info = (await import('node:child_process')).execFileSync('docker', ['info', '--format', '{{.DockerRootDir}}'], {
      env: {...process.env, DOCKER_HOST: env.DOCKER_HOST},
      encoding: 'utf8',
    });
    const root = info.trim();
    expect(root).toMatch(/^\//);
    const {code, out} = await build(a, 'FROM busybox\nRUN --mount=type=bind,from=busybox,source=/bin/sh,target=/proc/x true\n');
    expect(code).not.toBe(0);
    expect(out).toMatch(/cannot be mounted because it is inside \/proc/);
    expect(out).not.toContain(root);
    expect(out).not.toContain(path.dirname(root) + '/');
  });
});
