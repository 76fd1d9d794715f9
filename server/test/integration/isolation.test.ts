/**
 * Isolation between sessions on one engine and one registry: B cannot list,
 * tag, remove, inspect or push A's image, nor take A's names, nor push into
 * another reader's namespace; base images are read-only; a session's images
 * go when it ends.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {labEnv, startTestLab, TestClient, uniqueName, type TestLab} from './harness';

const TINY = {context: 'tiny', dockerfile: 'FROM busybox\nCOPY hello.txt /hello.txt\n'};
const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const user = env.LAB_REGISTRY_USER ?? 'student';
const password = env.LAB_REGISTRY_PASSWORD ?? 'docker-lab';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab({LAB_SESSION_GRACE_MS: '300'});
});
afterAll(async () => {
  await lab?.close();
});

async function login(c: TestClient): Promise<void> {
  const from = c.messages.length;
  c.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
  await c.waitForText(/Password: $/m);
  c.send({t: 'input', data: `${password}\r`});
  const end = (await c.waitFor((m) => m.t === 'command-end', 30_000, from)) as {exitCode: number};
  expect(end.exitCode).toBe(0);
}

describe('two sessions', () => {
  it('B cannot see or touch A\'s image, nor take its name', async () => {
    const a = await TestClient.connect(lab.url);
    const b = await TestClient.connect(lab.url);
    const name = `${registry}/${user}/${uniqueName('iso-a')}`;
    expect((await a.run(`docker build -t ${name} .`, TINY)).exitCode).toBe(0);

    let mark = b.output.length;
    expect((await b.type('docker images')).exitCode).toBe(0);
    expect(b.since(mark)).not.toContain(name);
    mark = a.output.length;
    await a.type('docker images');
    expect(a.since(mark)).toContain(name);

    for (const cmd of [`docker tag ${name} stolen`, `docker rmi ${name}`, `docker history ${name}`, `docker inspect ${name}`]) {
      mark = b.output.length;
      const end = await b.type(cmd);
      expect(end.exitCode, cmd).not.toBe(0);
      expect(b.since(mark), cmd).toMatch(/No such (image|object)/);
    }
    mark = a.output.length;
    expect((await a.type(`docker inspect ${name}`)).exitCode).toBe(0);
    expect(a.since(mark)).toMatch(/"RepoTags"/);
    mark = b.output.length;
    await login(b);
    expect((await b.type(`docker push ${name}`)).exitCode).not.toBe(0);
    expect(b.since(mark)).toMatch(/does not exist locally/);
    expect(await lab.lab.engine.inspectImage(name)).not.toBeNull();

    // B building under A's name while A's page is open is refused, and A's image keeps the name.
    mark = b.output.length;
    expect((await b.run(`docker build -t ${name} .`, TINY)).exitCode).not.toBe(0);
    expect(b.since(mark)).toMatch(/reserved/);
    mark = a.output.length;
    await a.type(`docker history -q ${name}`);
    expect(a.since(mark)).toMatch(/[0-9a-f]{12}/);
    a.close();
    b.close();
  });

  it('pushes to the lab registry go only under the reader\'s own name, however the registry is spelled', async () => {
    const b = await TestClient.connect(lab.url);
    await login(b);
    const other = `${registry}/someone-else/${uniqueName('iso-ns')}`;
    expect((await b.run(`docker build -t ${other} .`, TINY)).exitCode).toBe(0);
    const mark = b.output.length;
    expect((await b.type(`docker push ${other}`)).exitCode).not.toBe(0);
    expect(b.since(mark)).toMatch(/under your own name/);
    // 127.0.0.1 is the same registry as localhost: the rule holds there too.
    const port = registry.split(':')[1];
    const spelled = `127.0.0.1:${port}/someone-else/${uniqueName('iso-ns')}`;
    expect((await b.run(`docker build -t ${spelled} .`, TINY)).exitCode).toBe(0);
    const from = b.messages.length;
    b.send({t: 'input', data: `docker login -u ${user} 127.0.0.1:${port}\r`});
    await b.waitForText(/Password: $/m);
    b.send({t: 'input', data: `${password}\r`});
    await b.waitFor((m) => m.t === 'command-end', 30_000, from);
    const mark2 = b.output.length;
    expect((await b.type(`docker push ${spelled}`)).exitCode).not.toBe(0);
    expect(b.since(mark2)).toMatch(/under your own name/);
    b.close();
  });

  it('base images are read-only for every session', async () => {
    const c = await TestClient.connect(lab.url);
    for (const cmd of ['docker tag busybox mine', 'docker rmi busybox']) {
      const mark = c.output.length;
      expect((await c.type(cmd)).exitCode, cmd).not.toBe(0);
      expect(c.since(mark), cmd).toMatch(/base images/);
    }
    const mark = c.output.length;
    expect((await c.run('docker build -t busybox .', TINY)).exitCode).not.toBe(0);
    expect(c.since(mark)).toMatch(/base images/);
    expect(await lab.lab.engine.inspectImage('busybox:latest')).not.toBeNull();
    // Reading a base image's history is fine.
    expect((await c.type('docker history busybox')).exitCode).toBe(0);
    c.close();
  });

  it('a session\'s images are removed when it ends', async () => {
    const a = await TestClient.connect(lab.url);
    const name = `lab/${uniqueName('iso-gone')}`;
    expect((await a.run(`docker build -t ${name} .`, TINY)).exitCode).toBe(0);
    expect(await lab.lab.engine.inspectImage(name)).not.toBeNull();
    a.close();
    let gone = false;
    for (let i = 0; i < 40 && !gone; i++) {
      await new Promise((r) => setTimeout(r, 250));
      gone = (await lab.lab.engine.inspectImage(name)) === null;
    }
    expect(gone).toBe(true);
  });
});
