/**
 * Readers: a lab name (cookie) outlives tabs and reloads with its images and
 * login; logout ends the login for every tab; the disk limit holds; an idle
 * reader is removed with images and repositories; the admin API lists,
 * resets and removes; no password appears in any log line.
 */
import {existsSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {httpRequest} from '../../src/registry-auth/http-request';
import {createReader, labEnv, registryGet, startTestLab, TestClient, uniqueReaderName, type TestLab, type TestReader} from './harness';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const tokenAuth = !!env.LAB_TOKEN_KEY;
const TINY = {context: 'tiny', dockerfile: 'FROM busybox\nCOPY hello.txt /hello.txt\n'};
const ADMIN = 'admin-token-for-the-readers-test';
const passwords: string[] = [];

function origin(lab: TestLab): string {
  return `http://127.0.0.1:${lab.lab.port}`;
}

async function post(lab: TestLab, pathname: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${origin(lab)}${pathname}`, {
    method: 'POST',
    headers: {'content-type': 'application/json', origin: origin(lab), ...headers},
    body: JSON.stringify(body),
  });
  return {status: res.status, body: (await res.json()) as Record<string, unknown>, cookie: res.headers.get('set-cookie')};
}

async function login(c: TestClient, user: string, password: string): Promise<number> {
  const from = c.messages.length;
  c.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
  await c.waitForText(/Password: $/m, 30_000);
  c.send({t: 'input', data: `${password}\r`});
  return ((await c.waitFor((m) => m.t === 'command-end', 60_000, from)) as {exitCode: number}).exitCode;
}

async function tokenStatus(user: string, password: string): Promise<number> {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return (await httpRequest(`http://127.0.0.1:${env.LAB_TOKEN_PORT}/token?service=lab-registry&scope=repository:${user}/x:pull`, {headers: {authorization: auth}})).status;
}

async function catalog(): Promise<string[]> {
  return ((await (await registryGet('/v2/_catalog?n=1000')).json()) as {repositories: string[]}).repositories;
}

describe.skipIf(!tokenAuth)('readers', () => {
  let lab: TestLab;
  beforeAll(async () => {
    lab = await startTestLab({LAB_SESSION_GRACE_MS: '200', LAB_ADMIN_TOKEN: ADMIN});
  });
  afterAll(async () => {
    const all = lab.logs.join('');
    for (const p of passwords) expect(all).not.toContain(p);
    expect(all).not.toContain(ADMIN);
    await lab?.close();
  });

  it('a lab name follows the registry rules, is unique, and is refused with a clear message', async () => {
    let r = await post(lab, '/companion/reader', {name: 'A'});
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/2 to 30 characters/);
    r = await post(lab, '/companion/reader', {name: 'no spaces'});
    expect(r.body.error).toMatch(/lowercase letters, digits/);
    r = await post(lab, '/companion/reader', {name: env.LAB_REGISTRY_USER ?? 'student'});
    expect(r.body.error).toMatch(/reserved/);
    const name = uniqueReaderName('u');
    r = await post(lab, '/companion/reader', {name});
    expect(r.status).toBe(201);
    passwords.push(r.body.password as string);
    expect(r.cookie).toMatch(/^lab_reader=[0-9a-f]{16}\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
    r = await post(lab, '/companion/reader', {name: name.toUpperCase()});
    expect(r.status).toBe(409);
    expect(r.body.error).toMatch(/taken/);
    // Another site cannot make a name for the reader's browser.
    r = await post(lab, '/companion/reader', {name: uniqueReaderName('x')}, {origin: 'http://evil.example'});
    expect(r.status).toBe(403);
    // Nor a page that re-points its own name at 127.0.0.1 (DNS rebinding: Origin and Host agree).
    const port = lab.lab.port;
    // (node:http: fetch does not let a caller set Host.)
    const rebind = await httpRequest(`${origin(lab)}/companion/reader`, {
      method: 'POST',
      headers: {'content-type': 'application/json', origin: `http://rebind.example:${port}`, host: `rebind.example:${port}`},
      body: JSON.stringify({name: uniqueReaderName('x')}),
    });
    expect(rebind.status, rebind.body).toBe(403);
  });

  it('reload and a second tab keep images and login; logout ends the login in every tab', async () => {
    const a = await createReader(lab, uniqueReaderName('tab'));
    passwords.push(a.password);
    const image = `${registry}/${a.name}/hello`;
    const tab1 = await TestClient.connect(lab.url, {cookie: a.cookie});
    expect(tab1.session.reader?.name).toBe(a.name);
    expect((await tab1.run(`docker build -t ${image} .`, TINY)).exitCode).toBe(0);
    expect(tab1.session.reader?.disk.used).toBeGreaterThan(0);
    expect(await login(tab1, a.name, a.password)).toBe(0);
    tab1.close();
    await new Promise((r) => setTimeout(r, 600)); // the grace period ends the first session

    const tab2 = await TestClient.connect(lab.url, {cookie: a.cookie}); // a reload
    const tab3 = await TestClient.connect(lab.url, {cookie: a.cookie}); // a second tab
    expect(tab2.session.sessionId).not.toBe(tab1.session.sessionId);
    expect(tab2.session.logins[registry]).toBe(a.name);
    let mark = tab3.output.length;
    expect((await tab3.type('docker images')).exitCode).toBe(0);
    expect(tab3.since(mark)).toContain(`${registry}/${a.name}/hello`);
    mark = tab2.output.length;
    expect((await tab2.type(`docker push ${image}`)).exitCode, tab2.since(mark)).toBe(0);
    expect(await catalog()).toContain(`${a.name}/hello`);

    expect((await tab2.type(`docker logout ${registry}`)).exitCode).toBe(0);
    mark = tab3.output.length;
    expect((await tab3.type(`docker push ${image}`)).exitCode).not.toBe(0);
    expect(tab3.since(mark)).toMatch(/log in to the lab registry first/);
    tab2.close();
    tab3.close();
  });

  it('regenerating the lab password ends the old one', async () => {
    const a = await createReader(lab, uniqueReaderName('pw'));
    passwords.push(a.password);
    expect(await tokenStatus(a.name, a.password)).toBe(200);
    const r = await post(lab, '/companion/reader/password', {action: 'regenerate'}, {cookie: a.cookie});
    expect(r.status).toBe(200);
    const fresh = r.body.password as string;
    passwords.push(fresh);
    expect(fresh).not.toBe(a.password);
    expect(await tokenStatus(a.name, a.password)).toBe(401);
    expect(await tokenStatus(a.name, fresh)).toBe(200);
    const shown = await post(lab, '/companion/reader/password', {action: 'show'}, {cookie: a.cookie});
    expect(shown.body.password).toBe(fresh);
    // Without the cookie: nothing.
    expect((await post(lab, '/companion/reader/password', {action: 'show'})).status).toBe(401);
  });

  it('the admin API needs the token; it lists readers, resets a password and removes a reader with images and repositories', async () => {
    const a = await createReader(lab, uniqueReaderName('adm'));
    passwords.push(a.password);
    const c = await TestClient.connect(lab.url, {cookie: a.cookie});
    const image = `${registry}/${a.name}/gone`;
    expect((await c.run(`docker build -t ${image} .`, TINY)).exitCode).toBe(0);
    expect(await login(c, a.name, a.password)).toBe(0);
    expect((await c.type(`docker push ${image}`)).exitCode).toBe(0);
    expect(await catalog()).toContain(`${a.name}/gone`);

    const base = `${origin(lab)}/companion/admin/readers`;
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(base, {headers: {authorization: 'Bearer wrong-token-wrong-token'}})).status).toBe(401);
    const auth = {authorization: `Bearer ${ADMIN}`};
    const list = (await (await fetch(base, {headers: auth})).json()) as {readers: {name: string; diskBytes: number}[]};
    expect(list.readers.find((r) => r.name === a.name)?.diskBytes).toBeGreaterThan(0);

    const reset = (await (await fetch(`${base}/${a.name}/password`, {method: 'POST', headers: auth})).json()) as {password: string};
    passwords.push(reset.password);
    expect(await tokenStatus(a.name, a.password)).toBe(401);
    expect(await tokenStatus(a.name, reset.password)).toBe(200);

    const del = await fetch(`${base}/${a.name}`, {method: 'DELETE', headers: auth});
    expect(del.status).toBe(200);
    expect(await lab.lab.engine.inspectImage(image)).toBeNull();
    expect(await catalog()).not.toContain(`${a.name}/gone`);
    expect(await tokenStatus(a.name, reset.password)).toBe(401);
    const me = (await (await fetch(`${origin(lab)}/companion/reader`, {headers: {cookie: a.cookie}})).json()) as {reader: unknown};
    expect(me.reader).toBeNull();
    await c.waitFor((m) => m.t === 'error' && m.code === 'expired', 10_000).catch(() => undefined);
    c.close();
  });
});

describe.skipIf(!tokenAuth)('reader limits', () => {
  it('lab names and registry-page calls are bounded per client address, a trusted proxy\'s clients each on their own (issue 23)', async () => {
    const lab = await startTestLab({LAB_NAMES_PER_ADDRESS_PER_HOUR: '3', LAB_TRUSTED_PROXIES: 'loopback'});
    try {
      const from = (ip: string) => ({'x-forwarded-for': ip});
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await post(lab, '/companion/reader', {name: uniqueReaderName('rl')}, from('203.0.113.5'))).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const refused = await post(lab, '/companion/reader', {name: uniqueReaderName('rl')}, from('203.0.113.5'));
      expect(refused.body.error).toMatch(/too many lab names from your address in the last hour \(at most 3\)/);
      // Another reader behind the same proxy is not held back by the first one's names.
      const other = await post(lab, '/companion/reader', {name: uniqueReaderName('rl')}, from('203.0.113.6'));
      expect(other.status).toBe(201);
      // The registry page: a script in a loop gets 429 with Retry-After after its burst, one client only.
      const cookie = other.cookie!.split(';')[0]!;
      const page = (ip: string) => fetch(`${origin(lab)}/companion/registry`, {headers: {cookie, ...from(ip)}});
      let first429 = -1;
      for (let i = 0; i < 400 && first429 < 0; i++) if ((await page('203.0.113.6')).status === 429) first429 = i;
      expect(first429).toBeGreaterThanOrEqual(59); // a burst of 60 first

      const limited = await page('203.0.113.6');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await page('203.0.113.7')).status).not.toBe(429);
      // Logged once a minute per address, not once a request.
      expect(lab.logs.filter((l) => l.includes('registry-view-rate-limited'))).toHaveLength(1);
      expect(lab.logs.filter((l) => l.includes('names-rate-limited'))).toHaveLength(1);
    } finally {
      await lab.close();
    }
  });

  it('the disk limit stops builds; an idle reader is removed with images and repositories', async () => {
    const lab = await startTestLab({
      LAB_SESSION_GRACE_MS: '100',
      LAB_READER_IDLE_MS: '2000',
      LAB_READER_SWEEP_MS: '200',
      LAB_READER_DISK_BYTES: '1000',
    });
    let a: TestReader | undefined;
    try {
      a = await createReader(lab, uniqueReaderName('idle'));
      passwords.push(a.password);
      const c = await TestClient.connect(lab.url, {cookie: a.cookie});
      const image = `${registry}/${a.name}/hello`;
      expect((await c.run(`docker build -t ${image} .`, TINY)).exitCode).toBe(0);
      expect(await login(c, a.name, a.password)).toBe(0);
      expect((await c.type(`docker push ${image}`)).exitCode).toBe(0);
      const mark = c.output.length;
      expect((await c.run(`docker build -t ${image}:two .`, TINY)).exitCode).toBe(1);
      expect(c.since(mark)).toMatch(/the lab's limit per reader is 1\.00 kB/);
      c.close();
      const file = path.join(env.LAB_STATE_DIR!, 'readers', `${a.name}.json`);
      expect(existsSync(file)).toBe(true);
      await expect
        .poll(async () => (await lab.lab.engine.inspectImage(image)) === null && !existsSync(file), {timeout: 15_000, interval: 250})
        .toBe(true);
      expect(await catalog()).not.toContain(`${a.name}/hello`);
      expect(await tokenStatus(a.name, a.password)).toBe(401);
    } finally {
      const all = lab.logs.join('');
      for (const p of passwords) expect(all).not.toContain(p);
      await lab.close();
    }
  });
});
