/**
 * Dockerfiles that crash the engine. Docker 26.1's builder (BuildKit 0.13's
 * Dockerfile frontend, inside dockerd) panics, and dockerd exits, on a
 * Dockerfile with no stage: only ARG lines, or lines joined by a carriage
 * return alone (its parser ends lines at LF only: moby/moby#49858). One reader
 * would take the engine down for every reader, so the lab refuses such a file
 * before the engine sees it; the engine still answers afterwards.
 */
import Docker from 'dockerode';
import {describe, expect, it} from 'vitest';
import {fileTestLab, labEnv, TestClient} from './harness';

const t = fileTestLab();

const CRASHERS: Array<[string, string]> = [
  ['only an ARG', 'ARG X=1\n'],
  ['ARGs and comments', '# a comment\nARG A\nARG B=2\n'],
  ['a carriage return alone between ARG and FROM', 'ARG V=1\rFROM busybox\rRUN echo hi\n'],
];

async function engineAnswers(): Promise<boolean> {
  const host = labEnv().DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const docker = new Docker(host.startsWith('unix://') ? {socketPath: host.slice('unix://'.length)} : {host: new URL(host).hostname, port: Number(new URL(host).port)});
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

describe('a Dockerfile that would crash the engine', () => {
  for (const [what, dockerfile] of CRASHERS) {
    it(`is refused before the engine sees it: ${what}`, async () => {
      const client = await TestClient.connect(t.url);
      try {
        const mark = client.output.length;
        const end = await client.run('docker build -t lab/no-stage .', {context: 'tiny', dockerfile}, 60_000);
        const out = client.since(mark);
        expect(end.exitCode).not.toBe(0);
        expect(out).toMatch(/no FROM|carriage return/);
        expect(await engineAnswers()).toBe(true);
        // The engine still builds.
        const ok = await client.run('docker build -t lab/after-no-stage .', {context: 'tiny', dockerfile: 'FROM busybox\nRUN echo fine\n'});
        expect(ok.exitCode).toBe(0);
      } finally {
        client.close();
      }
    });
  }
});
