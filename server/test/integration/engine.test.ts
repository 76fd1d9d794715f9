/**
 * The engine the lab drives: its version is logged at start, a Dockerfile
 * cannot delete a file on the engine's host (BuildKit CVE-2024-23652, fixed
 * in Docker 25), and the disk watermark refuses builds before the engine
 * sees them.
 */
import {existsSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {labEnv, startTestLab, TestClient, uniqueName, type TestLab} from './harness';

const env = labEnv();
/** The CVE test needs the engine's host to be this machine: its files are what a build must not touch. */
const engineIsLocal = env.DOCKER_HOST!.startsWith('unix://');

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  await lab?.close();
});

it('logs the engine\'s version at start', async () => {
  await expect.poll(() => lab.logs.some((l) => l.includes('"event":"engine-version"')), {timeout: 10_000}).toBe(true);
  const line = JSON.parse(lab.logs.find((l) => l.includes('"event":"engine-version"'))!) as {version: string; apiVersion: string; msg: string};
  const v = await lab.lab.engine.version();
  expect(line.version).toBe(v.Version);
  expect(line.apiVersion).toBe(v.ApiVersion);
  expect(line.msg).toContain(v.Version);
});

describe.skipIf(!engineIsLocal)('a Dockerfile cannot reach the engine\'s host', () => {
  it('CVE-2024-23652: a tmpfs mount swapped for a symlink leaves the host file in place', async () => {
    // A host folder with an empty file: BuildKit before Docker 25 removed <target>/victim through
    // the symlink when it cleaned up the mount point after the step.
    const hostDir = mkdtempSync(path.join(tmpdir(), 'lab-cve-2024-23652-'));
    const victim = path.join(hostDir, 'victim');
    writeFileSync(victim, '');
    try {
      const client = await TestClient.connect(lab.url);
      const end = await client.run(`docker build --no-cache -t lab/${uniqueName('cve-23652')} .`, {
        context: 'tiny',
        dockerfile:
          'FROM busybox\n' +
          `RUN --mount=type=tmpfs,target=/x/y/victim sh -c 'mv /x/y /x/old && ln -s ${hostDir} /x/y' # ${Date.now()}\n`,
      });
      // The build itself may succeed or fail: what matters is the host file.
      expect(end.exitCode === 0 || /ERROR/.test(client.text), client.text.slice(-1500)).toBe(true);
      expect(client.text).toMatch(/RUN --mount=type=tmpfs/);
      expect(existsSync(victim)).toBe(true);
      expect(statSync(victim).isFile()).toBe(true);
      client.close();
    } finally {
      rmSync(hostDir, {recursive: true, force: true});
    }
  });
});

describe('the disk watermark', () => {
  // A remote engine's free space cannot be read: the check is skipped there.
  it.skipIf(!engineIsLocal)('refuses a build while the engine\'s disk has less free space than the setting; nothing reaches the engine', async () => {
    const full = await startTestLab({LAB_MIN_FREE_DISK_BYTES: String(2 ** 52)}); // 4 PiB: never free
    try {
      const client = await TestClient.connect(full.url);
      const name = `lab/${uniqueName('disk-full')}`;
      const end = await client.run(`docker build -t ${name} .`, {context: 'tiny', dockerfile: 'FROM busybox\nRUN echo built\n'});
      expect(end.exitCode).toBe(1);
      expect(client.text).toMatch(/low on disk space \([\d.]+ [KMGTP]?i?B free; the lab starts builds only with at least 4\.0 PiB free\)/);
      expect(client.text).toMatch(/nothing was sent to the engine/);
      expect(client.text).not.toMatch(/#\d+ |load build definition|Step 1/);
      expect(await full.lab.engine.inspectImage(name)).toBeNull();
      // Other commands still work.
      expect((await client.type('docker images -q')).exitCode).toBe(0);
      client.close();
    } finally {
      await full.close();
    }
  });

  it('lets builds through above the watermark', async () => {
    const client = await TestClient.connect(lab.url);
    const end = await client.run(`docker build -t lab/${uniqueName('disk-ok')} .`, {context: 'tiny', dockerfile: 'FROM busybox\n'});
    expect(end.exitCode, client.text.slice(-1000)).toBe(0);
    client.close();
  });
});
