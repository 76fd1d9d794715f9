/**
 * Onboarding progress against the real server, engine and registry: each
 * milestone is ticked only after its real event (checked against the engine and
 * the registry), a failing Run ticks nothing, a push typed by hand ticks
 * "pushed", every tab of the reader hears of a tick, a reload (GET
 * /companion/reader) still shows it; the cohort view refuses without the admin
 * token and lists 5 readers who work at once, as JSON, CSV and live events.
 */
import {request} from 'node:http';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {COHORT_CSV_PATH, COHORT_EVENTS_PATH, COHORT_PATH, type CohortSnapshot, type MilestoneId, type ReaderProgress} from '../../../src/protocol/progress';
import {createReader, labEnv, registryGet, startTestLab, TestClient, uniqueReaderName, type TestLab, type TestReader} from './harness';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const ADMIN = 'admin-token-for-the-progress-test';
const DOCKERFILE = 'FROM busybox\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n';
const HELLO = {context: 'tiny', dockerfile: DOCKERFILE};

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab({LAB_ADMIN_TOKEN: ADMIN, LAB_MAX_SESSIONS_PER_CLIENT: '20'});
});
afterAll(async () => {
  await lab?.close();
});

const origin = () => `http://127.0.0.1:${lab.lab.port}`;

/** The reader's progress as a reloaded page gets it. */
async function fromReload(reader: TestReader): Promise<ReaderProgress> {
  const res = await fetch(`${origin()}/companion/reader`, {headers: {cookie: reader.cookie}});
  return ((await res.json()) as {reader: {progress: ReaderProgress}}).reader.progress;
}

/** Wait until every event the reader's commands reported has been checked. */
async function settled(reader: TestReader): Promise<void> {
  const r = lab.lab.readers.store.get(reader.name)!;
  const hook = lab.lab.readers.progress as unknown as {settled(r: unknown): Promise<void>};
  await hook.settled(r);
}

async function done(reader: TestReader): Promise<MilestoneId[]> {
  await settled(reader);
  return (Object.keys((await fromReload(reader)).done) as MilestoneId[]).sort();
}

function login(c: TestClient, user: string, password: string): Promise<{exitCode: number}> {
  const from = c.messages.length;
  c.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
  return c.waitForText(/Password: $/m, 60_000).then(async () => {
    c.send({t: 'input', data: `${password}\r`});
    return (await c.waitFor((m) => m.t === 'command-end', 120_000, from)) as {exitCode: number};
  });
}

describe('a reader’s milestones', () => {
  it('tick only after their real event, reach every tab, and survive a reload', async () => {
    const reader = await createReader(lab, uniqueReaderName('pg'));
    const image = `${registry}/${reader.name}/hello`;
    const c = await TestClient.connect(lab.url, {cookie: reader.cookie});
    const second = await TestClient.connect(lab.url, {cookie: reader.cookie}); // another tab of the reader
    try {
      expect(c.session.reader?.progress?.done).toEqual({});
      // The page's own Dockerfile (sent when the block mounts) is not an edit.
      c.send({t: 'context', ...HELLO});
      await new Promise((r) => setTimeout(r, 300));
      expect(await done(reader)).toEqual([]);
      // The reader edits it: the server gets a different Dockerfile.
      const edited = {context: 'tiny', dockerfile: DOCKERFILE.replace('CMD', '# my own line\nCMD')};
      c.send({t: 'context', ...edited});
      await new Promise((r) => setTimeout(r, 300));
      expect(await done(reader)).toEqual(['dockerfile']);

      expect((await c.run(`docker build -t ${image} .`, edited, 300_000)).exitCode).toBe(0);
      expect(await done(reader)).toEqual(['built', 'dockerfile']);
      // The other tab was told, without asking.
      await second.waitFor((m) => m.t === 'status' && Boolean(m.session.reader?.progress?.done.built), 10_000);

      expect((await c.run(`docker build -t ${image} .`, edited, 300_000)).exitCode).toBe(0);
      expect(c.text).toMatch(/CACHED/);
      expect(await done(reader)).toEqual(['built', 'dockerfile', 'rebuilt']);

      expect((await c.run(`docker tag ${image} ${image}:v1`)).exitCode).toBe(0);
      expect(await done(reader)).toEqual(['built', 'dockerfile', 'rebuilt', 'tagged']);

      expect((await login(c, reader.name, reader.password)).exitCode).toBe(0);
      expect(await done(reader)).toEqual(['built', 'dockerfile', 'logged-in', 'rebuilt', 'tagged']);

      // Pushed by hand: typed at the prompt, not a block's Run.
      const typed = await c.type(`docker push ${image}`, 300_000);
      expect(typed.exitCode).toBe(0);
      expect(typed.blockId).toBeUndefined();
      expect(await done(reader)).toEqual(['built', 'dockerfile', 'logged-in', 'pushed', 'rebuilt', 'tagged']);
      // What "pushed" means, seen from outside: the registry holds <reader>/hello with the image's digest.
      const digest = /latest: digest: (sha256:[0-9a-f]{64})/.exec(c.text)![1]!;
      const manifest = await registryGet(`/v2/${reader.name}/hello/manifests/latest`, {
        accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      });
      expect(manifest.headers.get('docker-content-digest')).toBe(digest);

      expect((await c.run(`docker push ${image}:v1`, undefined, 300_000)).exitCode).toBe(0);
      await settled(reader);
      const all = await fromReload(reader);
      expect(Object.keys(all.done).sort()).toEqual(['built', 'dockerfile', 'logged-in', 'pushed', 'pushed-second-tag', 'rebuilt', 'tagged']);
      // In the order they happened.
      expect(all.done.built!).toBeLessThanOrEqual(all.done.rebuilt!);
      expect(all.done.pushed!).toBeLessThanOrEqual(all.done['pushed-second-tag']!);
      await second.waitFor((m) => m.t === 'status' && Boolean(m.session.reader?.progress?.done['pushed-second-tag']), 10_000);
    } finally {
      c.close();
      second.close();
    }
  }, 900_000);

  it('ticks nothing for Runs that fail', async () => {
    const reader = await createReader(lab, uniqueReaderName('pf'));
    const image = `${registry}/${reader.name}/hello`;
    const c = await TestClient.connect(lab.url, {cookie: reader.cookie});
    try {
      // The lesson's own Dockerfile fails to build; push, tag and login fail too.
      const failing = {context: 'tiny', dockerfile: 'FROM busybox\nRUN exit 3\n'};
      expect((await c.run(`docker build -t ${image} .`, failing, 300_000)).exitCode).not.toBe(0);
      expect((await c.run(`docker push ${image}`)).exitCode).not.toBe(0);
      expect((await c.run(`docker tag ${image} ${image}:v1`)).exitCode).not.toBe(0);
      expect((await login(c, reader.name, 'not-the-password')).exitCode).not.toBe(0);
      expect(await done(reader)).toEqual([]);
    } finally {
      c.close();
    }
  }, 600_000);
});

/** GET an admin path; `token` undefined sends no Authorization header. */
function adminGet(p: string, token?: string): Promise<{status: number; type: string; body: string}> {
  return fetch(`${origin()}${p}`, {headers: token === undefined ? {} : {authorization: `Bearer ${token}`}}).then(async (res) => ({
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    body: await res.text(),
  }));
}

describe('the cohort view', () => {
  it('refuses without the admin token', async () => {
    for (const p of [COHORT_PATH, COHORT_CSV_PATH, COHORT_EVENTS_PATH]) {
      const none = await adminGet(p);
      expect(none.status, p).toBe(401);
      expect(none.body).not.toContain('"readers"');
      const wrong = await adminGet(p, `${ADMIN}x`);
      expect(wrong.status, p).toBe(401);
    }
  });

  it('lists 5 readers working at once, with their milestones, as JSON, CSV and live events', async () => {
    const readers = await Promise.all(Array.from({length: 5}, (_, i) => createReader(lab, uniqueReaderName(`k${i}x`))));
    // A watcher of the live events, from before the readers start.
    const events: CohortSnapshot[] = [];
    const stream = request(`${origin()}${COHORT_EVENTS_PATH}`, {headers: {authorization: `Bearer ${ADMIN}`}});
    stream.end();
    const streamed = new Promise<void>((resolve, reject) => {
      stream.on('response', (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = /^data: (.*)$/m.exec(frame);
            if (/^event: cohort$/m.test(frame) && data) events.push(JSON.parse(data[1]!) as CohortSnapshot);
          }
        });
        resolve();
      });
      stream.on('error', reject);
    });
    await streamed;
    // Each reader goes as far as a different milestone: reader i does the first i+1 steps.
    const steps: Array<(c: TestClient, r: TestReader) => Promise<void>> = [
      async (c, r) => expect((await c.run(`docker build -t ${registry}/${r.name}/hello .`, HELLO, 300_000)).exitCode).toBe(0),
      async (c, r) => expect((await c.run(`docker build -t ${registry}/${r.name}/hello .`, HELLO, 300_000)).exitCode).toBe(0),
      async (c, r) => expect((await c.type(`docker tag ${registry}/${r.name}/hello ${registry}/${r.name}/hello:v1`)).exitCode).toBe(0),
      async (c, r) => expect((await login(c, r.name, r.password)).exitCode).toBe(0),
      async (c, r) => expect((await c.type(`docker push ${registry}/${r.name}/hello`, 300_000)).exitCode).toBe(0),
    ];
    const expected: MilestoneId[][] = [['built'], ['built', 'rebuilt'], ['built', 'rebuilt', 'tagged'], ['built', 'logged-in', 'rebuilt', 'tagged'], ['built', 'logged-in', 'pushed', 'rebuilt', 'tagged']];
    await Promise.all(
      readers.map(async (r, i) => {
        const c = await TestClient.connect(lab.url, {cookie: r.cookie});
        try {
          for (const step of steps.slice(0, i + 1)) await step(c, r);
          await settled(r);
        } finally {
          c.close();
        }
      }),
    );

    const res = await adminGet(COHORT_PATH, ADMIN);
    expect(res.status).toBe(200);
    const snap = JSON.parse(res.body) as CohortSnapshot;
    expect(snap.milestones.map((m) => m.id)).toContain('pushed-second-tag');
    readers.forEach((r, i) => {
      const row = snap.readers.find((x) => x.name === r.name);
      expect(row, r.name).toBeDefined();
      expect(Object.keys(row!.progress.done).sort(), r.name).toEqual(expected[i]);
      expect(row!.diskBytes, r.name).toBeGreaterThan(0);
      expect(row!.lastSeen).toBeGreaterThanOrEqual(row!.createdAt);
      for (const t of Object.values(row!.progress.done)) expect(t).toBeGreaterThanOrEqual(row!.createdAt);
    });

    const csv = await adminGet(COHORT_CSV_PATH, ADMIN);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    const head = lines[0]!.split(',');
    expect(head.slice(0, 3)).toEqual(['reader', 'started', 'last_activity']);
    readers.forEach((r, i) => {
      const cells = lines.find((l) => l.startsWith(`${r.name},`))!.split(',');
      const filled = head.filter((h, k) => k >= 7 && cells[k] !== '');
      expect(filled.sort(), r.name).toEqual(expected[i]);
      for (const h of filled) expect(cells[head.indexOf(h)]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    // The live stream sent the last reader's push without being asked again.
    await expect
      .poll(() => events.at(-1)?.readers.find((x) => x.name === readers[4]!.name)?.progress.done.pushed, {timeout: 10_000})
      .toBeTypeOf('number');
    stream.destroy();
  }, 900_000);
});
