/**
 * The lab registry enforces namespaces itself (token authentication, the lab
 * server as token service): reader A, logged in with A's lab name and lab
 * password, cannot push into reader B's namespace — not through the lab's
 * terminal, not through the engine's API, not through the real docker CLI —
 * whatever the registry address is spelled like.
 */
import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {httpRequest} from '../../src/registry-auth/http-request';
import {Secret} from '../../src/secret';
import {createReader, labEnv, registryGet, startTestLab, TestClient, uniqueReaderName, type TestLab, type TestReader} from './harness';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const port = registry.split(':')[1] ?? '5000';
const tokenAuth = !!env.LAB_TOKEN_KEY;
const DOCKER = '/usr/local/bin/docker';
/** A name /etc/hosts gives 127.0.0.1 besides localhost (this machine has such aliases), if any. */
function hostsAlias(): string | null {
  try {
    for (const line of readFileSync('/etc/hosts', 'utf8').split('\n')) {
      const [ip, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (ip !== '127.0.0.1') continue;
      const alias = names.find((n) => n && n !== 'localhost' && /^[a-z0-9][a-z0-9.-]*$/.test(n));
      if (alias) return alias;
    }
  } catch {
    // no /etc/hosts: no alias to try
  }
  return null;
}
const alias = hostsAlias();
/** Every way of writing the lab registry's address that reaches it (or an alias of it). */
const SPELLINGS = [
  `localhost:${port}`,
  `localhost:0${port}`,
  `127.0.0.1:${port}`,
  `127.0.0.2:${port}`,
  ...(alias ? [`${alias}:${port}`] : []),
];

let lab: TestLab;
let a: TestReader;
let b: TestReader;
const dockerConfig = mkdtempSync(path.join(tmpdir(), 'lab-readers-docker-'));
const image = `readers-ns-${Date.now().toString(36)}`;
const tagged: string[] = [];

/** The real docker CLI, asynchronously: the token service answering it runs in this very process. */
const docker = (args: string[], input?: string): Promise<{ok: boolean; out: string}> =>
  new Promise((resolve) => {
    const child = execFile(
      DOCKER,
      args,
      {
        env: {PATH: process.env.PATH, HOME: dockerConfig, DOCKER_HOST: env.DOCKER_HOST, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0'},
        encoding: 'utf8',
        timeout: 90_000,
      },
      (err, stdout, stderr) => resolve({ok: !err, out: `${stdout}${stderr}`}),
    );
    child.stdin?.end(input ?? '');
  });

async function catalog(): Promise<string[]> {
  return ((await (await registryGet('/v2/_catalog?n=1000')).json()) as {repositories: string[]}).repositories;
}

beforeAll(async () => {
  lab = await startTestLab();
  a = await createReader(lab, uniqueReaderName('ra'));
  b = await createReader(lab, uniqueReaderName('rb'));
  const ctx = mkdtempSync(path.join(tmpdir(), 'lab-readers-ctx-'));
  writeFileSync(path.join(ctx, 'Dockerfile'), `FROM busybox\nLABEL org.dockerlab.test=${image}\nRUN echo ${image} > /id\n`);
  const built = await docker(['build', '-q', '-t', `${image}:1`, ctx]);
  rmSync(ctx, {recursive: true, force: true});
  if (!built.ok) throw new Error(built.out);
});

afterAll(async () => {
  for (const t of [...tagged, `${image}:1`]) await docker(['rmi', t]);
  rmSync(dockerConfig, {recursive: true, force: true});
  await lab?.close();
});

describe.skipIf(!tokenAuth)('registry token authentication', () => {
  it('the token service grants a reader push and pull on <name>/* only', async () => {
    const auth = `Basic ${Buffer.from(`${a.name}:${a.password}`).toString('base64')}`;
    const url = `http://127.0.0.1:${env.LAB_TOKEN_PORT}/token?service=lab-registry&scope=repository:${a.name}/x:push,pull&scope=repository:${b.name}/x:push,pull&scope=registry:catalog:*`;
    const res = await httpRequest(url, {headers: {authorization: auth}});
    expect(res.status).toBe(200);
    const {token} = JSON.parse(res.body) as {token: string};
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {sub: string; access: unknown};
    expect(claims.sub).toBe(a.name);
    expect(claims.access).toEqual([{type: 'repository', name: `${a.name}/x`, actions: ['push', 'pull']}]);
    const wrong = await httpRequest(url, {headers: {authorization: `Basic ${Buffer.from(`${a.name}:${b.password}`).toString('base64')}`}});
    expect(wrong.status).toBe(401);
  });

  it('the real docker CLI with A\'s lab credentials pushes under A and is denied under B, whatever the spelling', async () => {
    // Wrong password: refused.
    expect((await docker(['login', '-u', a.name, '--password-stdin', registry], b.password)).ok).toBe(false);
    for (const addr of SPELLINGS) {
      const login = await docker(['login', '-u', a.name, '--password-stdin', addr], a.password);
      const reachable = !/connection refused|dial tcp/i.test(login.out);
      if (reachable) expect(login.ok, login.out).toBe(true);
      const theirs = `${addr}/${b.name}/stolen:1`;
      await docker(['tag', `${image}:1`, theirs]);
      tagged.push(theirs);
      const pushed = await docker(['push', theirs]);
      expect(pushed.ok, `${addr}: ${pushed.out}`).toBe(false);
      if (reachable) expect(pushed.out).toMatch(/denied|unauthorized|insufficient_scope/i);
    }
    const mine = `${registry}/${a.name}/cli:1`;
    await docker(['tag', `${image}:1`, mine]);
    tagged.push(mine);
    const ok = await docker(['push', mine]);
    expect(ok.ok, ok.out).toBe(true);
    const repos = await catalog();
    expect(repos).toContain(`${a.name}/cli`);
    expect(repos.filter((r) => r.startsWith(`${b.name}/`))).toEqual([]);
  });

  it('the engine API (what the lab calls) with A\'s credentials is denied under B', async () => {
    for (const addr of SPELLINGS.slice(0, 3)) {
      const theirs = `${addr}/${b.name}/engine`;
      await docker(['tag', `${image}:1`, `${theirs}:1`]);
      tagged.push(`${theirs}:1`);
      const stream = await lab.lab.engine.push(theirs, '1', {username: a.name, password: new Secret(a.password), serveraddress: addr}, AbortSignal.timeout(60_000));
      let text = '';
      for await (const chunk of stream as AsyncIterable<Buffer>) text += chunk.toString();
      expect(text, addr).toMatch(/"error(Detail)?"/);
      expect(text).toMatch(/denied|unauthorized|insufficient_scope/i);
      expect(text).not.toMatch(/"aux"/);
    }
    expect((await catalog()).filter((r) => r.startsWith(`${b.name}/`))).toEqual([]);
  });

  it('through the lab\'s terminal, A cannot push into B\'s namespace with any spelling', async () => {
    const client = await TestClient.connect(lab.url, {cookie: a.cookie});
    const ctx = {context: 'tiny', dockerfile: `FROM busybox\nCOPY hello.txt /hello.txt\nLABEL org.dockerlab.test=${image}\n`};
    try {
      expect(client.session.reader?.name).toBe(a.name);
      for (const addr of SPELLINGS) {
        const theirs = `${addr}/${b.name}/lab`;
        // The lab refuses the name itself (next test); the registry must hold even if a name got past that:
        // A's own image, tagged under B's name on the engine directly.
        const mine = `${addr}/${a.name}/lab`;
        const built = await client.run(`docker build -t ${mine} .`, ctx);
        expect(built.exitCode, client.text.slice(-1500)).toBe(0);
        await lab.lab.engine.tagImage(mine, theirs, 'latest');
        tagged.push(theirs, mine);
        const from = client.messages.length;
        client.send({t: 'input', data: `docker login -u ${a.name} ${addr}\r`});
        await client.waitForText(/Password: $/m, 30_000);
        client.send({t: 'input', data: `${a.password}\r`});
        await client.waitFor((m) => m.t === 'command-end', 60_000, from);
        const mark = client.output.length;
        const pushed = await client.type(`docker push ${theirs}`);
        expect(pushed.exitCode, `${addr}: ${client.since(mark)}`).not.toBe(0);
      }
    } finally {
      client.close();
    }
    expect((await catalog()).filter((r) => r.startsWith(`${b.name}/`))).toEqual([]);
  });

  it('A cannot name an image under B\'s namespace (build -t, tag), with push\'s words; B then can (issue 23)', async () => {
    const client = await TestClient.connect(lab.url, {cookie: a.cookie});
    const anonymous = await TestClient.connect(lab.url);
    const owner = await TestClient.connect(lab.url, {cookie: b.cookie});
    const ctx = {context: 'tiny', dockerfile: `FROM busybox\nLABEL org.dockerlab.test=${image}\n`};
    try {
      const mine = `${registry}/${a.name}/own`;
      expect((await client.run(`docker build -t ${mine} .`, ctx)).exitCode).toBe(0);
      const anonMine = `anon/${Date.now().toString(36)}`;
      expect((await anonymous.run(`docker build -t ${anonMine} .`, ctx)).exitCode).toBe(0);
      tagged.push(mine, anonMine);
      for (const addr of [`localhost:${port}`, `LOCALHOST:${port}`, `127.0.0.1:${port}`, `127.0.0.2:${port}`]) {
        const theirs = `${addr}/${b.name}/squat`;
        for (const [who, line] of [
          [client, `docker build -t ${theirs} .`],
          [client, `docker tag ${mine} ${theirs}`],
          [anonymous, `docker tag ${anonMine} ${theirs}`],
        ] as const) {
          const mark = who.output.length;
          const end = line.startsWith('docker build') ? await who.run(line, ctx) : await who.type(line);
          expect(end.exitCode, line).not.toBe(0);
          expect(who.since(mark), line).toMatch(/on the lab registry your images go under your own name/);
        }
        expect(await lab.lab.engine.inspectImage(theirs), theirs).toBeNull();
      }
      const hub = await client.type(`docker tag ${mine} DOCKER.IO/library/busybox:squat`);
      expect(hub.exitCode).not.toBe(0);
      expect(client.text).toMatch(/reserved/);
      // The suggestion is a name the reader may use, not a template (issue 27: it printed <registry>/<your user name>/app).
      expect(client.text).toContain(`such as ${registry}/${a.name}/app`);
      // B's own build of the name A tried is B's.
      const theirs = `${registry}/${b.name}/squat`;
      expect((await owner.run(`docker build -t ${theirs} .`, ctx)).exitCode, owner.text.slice(-1500)).toBe(0);
      tagged.push(theirs);
    } finally {
      client.close();
      anonymous.close();
      owner.close();
    }
  });
});
