/**
 * The registry's page for a reader's images, against the real registry: the digest it shows is the
 * one `docker push` printed and the one the registry's API gives; and it reads with the reader's
 * own rights, so another reader sees nothing of it, even when asking for the repository by name.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {REGISTRY_VIEW_PATH, type RegistryViewReply} from '../../../src/protocol/views';
import {createReader, labEnv, registryGet, startTestLab, TestClient, uniqueReaderName, type TestLab, type TestReader} from './harness';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const tokenAuth = !!env.LAB_TOKEN_KEY;
const TINY = {context: 'tiny', dockerfile: 'FROM busybox\nCOPY hello.txt /hello.txt\nRUN echo page > /page\n'};
const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json';

async function page(lab: TestLab, reader: TestReader, query = ''): Promise<{status: number; body: RegistryViewReply}> {
  const res = await fetch(`http://127.0.0.1:${lab.lab.port}${REGISTRY_VIEW_PATH}${query}`, {headers: {cookie: reader.cookie}});
  return {status: res.status, body: (await res.json()) as RegistryViewReply};
}

async function login(c: TestClient, user: string, password: string): Promise<number> {
  const from = c.messages.length;
  c.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
  await c.waitForText(/Password: $/m, 30_000);
  c.send({t: 'input', data: `${password}\r`});
  return ((await c.waitFor((m) => m.t === 'command-end', 60_000, from)) as {exitCode: number}).exitCode;
}

describe.skipIf(!tokenAuth)('the registry page', () => {
  let lab: TestLab;
  let alice: TestReader;
  let bob: TestReader;
  let pushedDigest = '';
  beforeAll(async () => {
    lab = await startTestLab();
    alice = await createReader(lab, uniqueReaderName('pa'));
    bob = await createReader(lab, uniqueReaderName('pb'));
    const c = await TestClient.connect(lab.url, {cookie: alice.cookie});
    const image = `${registry}/${alice.name}/page`;
    expect((await c.run(`docker build -t ${image}:v1 .`, TINY)).exitCode, c.text.slice(-1500)).toBe(0);
    expect(await login(c, alice.name, alice.password)).toBe(0);
    const mark = c.output.length;
    expect((await c.type(`docker push ${image}:v1`)).exitCode, c.since(mark)).toBe(0);
    pushedDigest = /v1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(c.since(mark))?.[1] ?? '';
    expect(pushedDigest).not.toBe('');
    c.close();
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it("shows the reader's tag with the digest push printed and the registry's API gives", async () => {
    const {status, body} = await page(lab, alice);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.repositories?.map((r) => r.name)).toEqual([`${alice.name}/page`]);
    const tag = body.repositories![0]!.tags.find((t) => t.tag === 'v1')!;
    expect(tag.digest).toBe(pushedDigest);
    const api = await registryGet(`/v2/${alice.name}/page/manifests/v1`, {accept: MANIFEST});
    expect(api.status).toBe(200);
    expect(api.headers.get('docker-content-digest')).toBe(tag.digest);
    expect(tag.platform).toMatch(/^linux\/(amd64|arm64)/);
    expect(tag.layers.length).toBeGreaterThanOrEqual(2);
    expect(tag.layers.every((l) => l.size > 0 && /^sha256:/.test(l.digest))).toBe(true);
    expect(tag.compressedSize).toBe(tag.layers.reduce((a, l) => a + l.size, 0));
    expect(tag.layers.at(-1)?.createdBy).toMatch(/echo page/);
    expect(tag.pull).toBe(`docker pull ${registry}/${alice.name}/page:v1`);
    expect(Date.now() - Date.parse(tag.pushedAt ?? '')).toBeLessThan(10 * 60_000);
  });

  it("another reader sees none of it, even asking for the repository by name", async () => {
    const list = await page(lab, bob);
    expect(list.status).toBe(200);
    expect(list.body.repositories).toEqual([]);
    const direct = await page(lab, bob, `?repo=${encodeURIComponent(`${alice.name}/page`)}`);
    expect(direct.status, JSON.stringify(direct.body)).toBe(403);
    expect(JSON.stringify(direct.body)).not.toContain(pushedDigest);
    // Without a lab name, nothing at all.
    const anon = await fetch(`http://127.0.0.1:${lab.lab.port}${REGISTRY_VIEW_PATH}`);
    expect(anon.status).toBe(401);
  });
});
