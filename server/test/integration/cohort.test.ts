/**
 * A cohort: 30 readers at once on the default lab, each with their own lab
 * name, follow the whole path (build hello, tag v1, log in, push both tags,
 * docker images, docker history). All succeed under their own names, and the
 * registry's catalog shows 30 namespaces with the right tags and digests.
 */
import {afterAll, beforeAll, expect, it} from 'vitest';
import {createReader, labEnv, registryGet, startTestLab, TestClient, uniqueReaderName, type TestLab, type TestReader} from './harness';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const COHORT = Number(process.env.LAB_COHORT ?? 30);
const HELLO = {context: 'tiny', dockerfile: 'FROM busybox\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n'};

let lab: TestLab;
beforeAll(async () => {
  // All the test's clients come from 127.0.0.1: lift the per-address session limit for them.
  lab = await startTestLab({LAB_MAX_SESSIONS_PER_CLIENT: String(COHORT + 5)});
});
afterAll(async () => {
  await lab?.close();
});

interface Result {
  reader: TestReader;
  digests: Record<string, string>;
}

async function login(c: TestClient, user: string, password: string): Promise<number> {
  const from = c.messages.length;
  c.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
  await c.waitForText(/Password: $/m, 60_000);
  c.send({t: 'input', data: `${password}\r`});
  return ((await c.waitFor((m) => m.t === 'command-end', 120_000, from)) as {exitCode: number}).exitCode;
}

async function onePath(reader: TestReader): Promise<Result> {
  const c = await TestClient.connect(lab.url, {cookie: reader.cookie});
  const image = `${registry}/${reader.name}/hello`;
  const step = async (what: string, p: Promise<{exitCode: number}>) => {
    const mark = c.output.length;
    const end = await p;
    expect(end.exitCode, `${reader.name}: ${what}\n${c.since(mark).slice(-1500)}`).toBe(0);
    return c.since(mark);
  };
  try {
    expect(c.session.reader?.name).toBe(reader.name);
    await step('build', c.run(`docker build -t ${image} .`, HELLO, 600_000));
    await step('tag', c.type(`docker tag ${image} ${image}:v1`));
    expect(await login(c, reader.name, reader.password)).toBe(0);
    const digests: Record<string, string> = {};
    for (const tag of ['latest', 'v1']) {
      const out = await step(`push ${tag}`, c.type(`docker push ${image}:${tag}`, 600_000));
      const m = new RegExp(`${tag}: digest: (sha256:[0-9a-f]{64})`).exec(out);
      expect(m, out).not.toBeNull();
      digests[tag] = m![1]!;
    }
    const images = await step('images', c.type('docker images'));
    expect(images).toMatch(new RegExp(`${image.replace(/[.]/g, '\\.')}\\s+v1`));
    for (const line of images.split('\n').filter((l) => /\/hello\s/.test(l))) expect(line).toContain(`/${reader.name}/hello`); // nobody else's
    const history = await step('history', c.type(`docker history ${image}:v1`));
    expect(history).toMatch(/COPY hello.txt/);
    return {reader, digests};
  } finally {
    c.close();
  }
}

it(`${COHORT} readers at once each build, tag, log in, push both tags, list and inspect their own images`, async () => {
  const readers = await Promise.all(Array.from({length: COHORT}, (_, i) => createReader(lab, uniqueReaderName(`c${i}x`))));
  const results = await Promise.all(readers.map(onePath));
  const catalog = ((await (await registryGet('/v2/_catalog?n=1000')).json()) as {repositories: string[]}).repositories;
  for (const {reader, digests} of results) {
    const repos = catalog.filter((r) => r.startsWith(`${reader.name}/`));
    expect(repos).toEqual([`${reader.name}/hello`]);
    const tags = (await (await registryGet(`/v2/${reader.name}/hello/tags/list`)).json()) as {tags: string[]};
    expect(tags.tags.sort()).toEqual(['latest', 'v1']);
    for (const tag of ['latest', 'v1']) {
      const res = await registryGet(`/v2/${reader.name}/hello/manifests/${tag}`, {
        accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      });
      expect(res.headers.get('docker-content-digest')).toBe(digests[tag]);
    }
  }
  expect(new Set(results.map((r) => r.reader.name.split('/')[0])).size).toBe(COHORT);
  const all = lab.logs.join('');
  for (const r of readers) expect(all).not.toContain(r.password);
}, 900_000);
