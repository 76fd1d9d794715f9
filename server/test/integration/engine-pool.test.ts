/**
 * Two real engines (the lab's own and a second private dockerd, scripts/lab-engine.sh up-engine):
 * readers are spread over both and stay where they are; a drained engine takes nobody new; when one
 * engine stops mid-session, its readers are told so and moved at their next command (what they
 * pushed is still in the shared registry and can be pulled back), while the other engine's readers
 * go on undisturbed, a build running through the stop included.
 */
import Docker from 'dockerode';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {dockerOptionsFor} from '../../src/engine/connection';
import type {EngineView, EnginesReply} from '../../../src/protocol/engines';
import {createReader, labEnv, registryGet, startTestLab, TestClient, uniqueReaderName, type TestLab, type TestReader} from './harness';
import {secondEngine, type SecondEngine} from './second-engine';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const tokenAuth = !!env.LAB_TOKEN_KEY;
const ADMIN = 'admin-token-for-the-pool-test';
const dockerfile = (who: string) => ({context: 'tiny', dockerfile: `FROM busybox\nCOPY hello.txt /hello.txt\nRUN echo ${who} > /who\n`});

async function admin(lab: TestLab, pathname: string, method = 'GET', token = ADMIN): Promise<{status: number; body: unknown}> {
  const res = await fetch(`http://127.0.0.1:${lab.lab.port}/companion/admin${pathname}`, {method, headers: {authorization: `Bearer ${token}`}});
  return {status: res.status, body: await res.json()};
}

async function engines(lab: TestLab): Promise<Record<string, EngineView>> {
  const {body} = await admin(lab, '/engines');
  return Object.fromEntries((body as EnginesReply).engines.map((e) => [e.name, e]));
}

async function login(c: TestClient, user: string, password: string): Promise<number> {
  const from = c.messages.length;
  c.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
  await c.waitForText(/Password: $/m, 30_000);
  c.send({t: 'input', data: `${password}\r`});
  return ((await c.waitFor((m) => m.t === 'command-end', 60_000, from)) as {exitCode: number}).exitCode;
}

interface Placed {
  reader: TestReader;
  client: TestClient;
  image: string;
}

// The second engine is a private dockerd: root on Linux, as scripts/lab-engine.sh needs.
describe.skipIf(!tokenAuth || process.getuid?.() !== 0)('a pool of two engines', () => {
  let second: SecondEngine;
  let lab: TestLab;
  const readers: Placed[] = [];
  let lateName = '';
  const on = (name: string, view: Record<string, EngineView>) => readers.filter((r) => view[name]!.readers.includes(r.reader.name));

  beforeAll(async () => {
    second = secondEngine();
    lab = await startTestLab({LAB_ENGINES: `one=${env.DOCKER_HOST},two=${second.host}`, LAB_ADMIN_TOKEN: ADMIN});
  }, 300_000);
  afterAll(async () => {
    for (const r of readers) r.client.close();
    expect(lab.logs.join('')).not.toContain(ADMIN);
    await lab?.close();
    second?.release();
  }, 300_000);

  it('spreads readers over both engines, keeps each on theirs, and a drained engine takes nobody new', async () => {
    expect((await admin(lab, '/engines', 'GET', 'wrong-token-wrong-token')).status).toBe(401);
    for (let i = 0; i < 4; i++) {
      const reader = await createReader(lab, uniqueReaderName('pool'));
      const client = await TestClient.connect(lab.url, {cookie: reader.cookie});
      const image = `${registry}/${reader.name}/hello`;
      const end = await client.run(`docker build -t ${image} .`, dockerfile(reader.name));
      expect(end.exitCode, client.text.slice(-1500)).toBe(0);
      readers.push({reader, client, image});
    }
    let view = await engines(lab);
    expect(view.one!.up && view.two!.up).toBe(true);
    expect(view.one!.readers.length).toBe(2);
    expect(view.two!.readers.length).toBe(2);
    expect(view.one!.active + view.two!.active).toBe(4);
    expect(view.two!.version).toMatch(/^26\./);

    // Each reader's image is on their engine and only there.
    const docker = {one: new Docker(dockerOptionsFor(env.DOCKER_HOST!)), two: new Docker(dockerOptionsFor(second.host))};
    for (const name of ['one', 'two'] as const) {
      const tags = (await docker[name].listImages()).flatMap((i) => i.RepoTags ?? []);
      for (const r of readers) expect(tags.includes(`${r.image}:latest`), `${r.reader.name} on ${name}`).toBe(view[name]!.readers.includes(r.reader.name));
    }

    // Sticky: another command of each reader runs where their image is.
    for (const r of readers) {
      const mark = r.client.output.length;
      expect((await r.client.type('docker images')).exitCode).toBe(0);
      expect(r.client.since(mark)).toContain(r.image);
    }

    // Drain one: a new reader goes to two even though two is as loaded; undrain: one takes readers again.
    expect((await admin(lab, '/engines/one/drain', 'POST')).body).toMatchObject({engine: {name: 'one', draining: true}});
    const late = await createReader(lab, uniqueReaderName('late'));
    lateName = late.name;
    const lateClient = await TestClient.connect(lab.url, {cookie: late.cookie});
    expect((await lateClient.type('docker images')).exitCode).toBe(0);
    view = await engines(lab);
    expect(view.two!.readers).toContain(late.name);
    expect(view.one!.readers.length).toBe(2); // nobody moved off the drained engine
    lateClient.close();
    expect((await admin(lab, '/engines/one/undrain', 'POST')).body).toMatchObject({engine: {name: 'one', draining: false}});
    expect((await admin(lab, '/engines/three/drain', 'POST')).status).toBe(404);
  });

  it('one engine stops mid-session: its readers are moved at their next command with a clear message; the other engine\'s readers are not disturbed', async () => {
    let view = await engines(lab);
    const [stay1, stay2] = on('one', view);
    const [gone1, gone2] = on('two', view);
    // A reader of two pushed their image before the engine went away.
    expect(await login(gone1!.client, gone1!.reader.name, gone1!.reader.password)).toBe(0);
    let mark = gone1!.client.output.length;
    expect((await gone1!.client.type(`docker push ${gone1!.image}`)).exitCode, gone1!.client.since(mark)).toBe(0);

    // A reader of one is building when two stops.
    const from = stay1!.client.messages.length;
    const stayMark = stay1!.client.output.length;
    stay1!.client.sendRun('long', `docker build --no-cache -t ${stay1!.image}:long .`, {
      context: 'tiny',
      dockerfile: `FROM busybox\nRUN echo waiting && sleep 6 && echo done # ${Date.now()}\n`,
    });
    await stay1!.client.waitForText(/waiting/);
    second.stop();
    for (let i = 0; i < 60 && view.two!.up; i++) {
      await new Promise((r) => setTimeout(r, 500));
      view = await engines(lab);
    }
    expect(view.two!.up).toBe(false);
    expect(view.one!.up).toBe(true);

    // The build on one went through; nothing on one heard of two.
    const end = await stay1!.client.waitFor((m) => m.t === 'command-end', 60_000, from);
    expect(end.t === 'command-end' && end.exitCode, stay1!.client.since(stayMark)).toBe(0);
    for (const r of [stay1!, stay2!]) {
      mark = r.client.output.length;
      expect((await r.client.type('docker images')).exitCode).toBe(0);
      expect(r.client.since(mark)).toContain(r.image);
      expect(r.client.text).not.toMatch(/stopped answering|Cannot connect/);
      expect(r.client.ws.readyState).toBe(r.client.ws.OPEN);
    }

    // Readers of two: told at their next command, which runs on one.
    for (const r of [gone1!, gone2!]) {
      mark = r.client.output.length;
      expect((await r.client.type('docker images')).exitCode).toBe(0);
      const said = r.client.since(mark);
      expect(said).toMatch(/The lab's engine "two" stopped answering, so your commands now run on engine "one"/);
      expect(said).toMatch(new RegExp(`pushed to the lab registry are safe: they are kept there \\(${registry}/${r.reader.name}/…\\) and can be pulled back`));
      expect(said).not.toContain(`${r.image} `); // the image built on two is not on one
      // Said once, not at every command.
      mark = r.client.output.length;
      expect((await r.client.run(`docker build -t ${r.image} .`, dockerfile(r.reader.name))).exitCode, r.client.since(mark)).toBe(0);
      expect(r.client.since(mark)).not.toMatch(/stopped answering/);
    }
    view = await engines(lab);
    expect(view.one!.readers.length).toBe(4);
    expect(view.two!.readers).toEqual([lateName]); // placed there, no command since: not moved yet

    // What gone1 pushed is still in the registry, and engine one pulls it back with their lab password.
    expect((await registryGet(`/v2/${gone1!.reader.name}/hello/tags/list`)).ok).toBe(true);
    const one = new Docker(dockerOptionsFor(env.DOCKER_HOST!));
    const stream = await one.pull(`${gone1!.image}:latest`, {authconfig: {username: gone1!.reader.name, password: gone1!.reader.password, serveraddress: registry}});
    await new Promise((resolve, reject) => one.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(null))));
    // Their login still works from one: the push goes through the shared registry.
    mark = gone1!.client.output.length;
    expect((await gone1!.client.type(`docker push ${gone1!.image}`)).exitCode, gone1!.client.since(mark)).toBe(0);

    // Two comes back: nobody is moved back (sticky), and two takes new readers again.
    second.start();
    for (let i = 0; i < 60 && !view.two!.up; i++) {
      await new Promise((r) => setTimeout(r, 500));
      view = await engines(lab);
    }
    expect(view.two!.up).toBe(true);
    expect(view.one!.readers.length).toBe(4);
    expect(view.two!.readers).toEqual([lateName]);
  });
});
