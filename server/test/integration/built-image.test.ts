/**
 * "The image you just built" against the real engine: after a build, the page gets the image's
 * layers bottom-up with the Dockerfile line of each, and the instructions marked by what the build
 * did; a rebuild after changing one RUN line keeps the lines above cached and rebuilds that line and
 * every step after it.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {BuiltImageMessage} from '../../../src/protocol';
import {createReader, labEnv, startTestLab, TestClient, uniqueReaderName, type TestLab} from './harness';

const registry = labEnv().LAB_REGISTRY ?? 'localhost:5000';

function dockerfile(message: string): string {
  return [
    '# the lesson',
    'FROM busybox',
    'LABEL maintainer="lab"',
    'COPY hello.txt /hello.txt',
    `RUN echo "${message}" > /message`,
    'RUN cat /message /hello.txt \\',
    '  > /both',
    'CMD ["cat", "/both"]',
    '',
  ].join('\n');
}

describe('the image you just built', () => {
  let lab: TestLab;
  let client: TestClient;
  beforeAll(async () => {
    lab = await startTestLab();
    const reader = await createReader(lab, uniqueReaderName('img'));
    client = await TestClient.connect(lab.url, {cookie: reader.cookie});
  });
  afterAll(async () => {
    client?.close();
    await lab?.close();
  });

  async function build(text: string): Promise<BuiltImageMessage['image']> {
    const from = client.messages.length;
    const reader = client.session.reader!.name;
    const end = await client.run(`docker build -t ${registry}/${reader}/layers .`, {context: 'tiny', dockerfile: text});
    expect(end.exitCode, client.text.slice(-2000)).toBe(0);
    const msg = (await client.waitFor((m) => m.t === 'built-image', 10_000, from)) as BuiltImageMessage;
    expect(msg.image.blockId).toBe(end.blockId);
    return msg.image;
  }

  it('marks exactly the changed RUN line and the steps after it as rebuilt', async () => {
    const unique = `first ${Date.now()} ${Math.random()}`;
    const first = await build(dockerfile(unique));
    expect(first.context).toBe('tiny');
    expect(first.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    // A message never built before: that step and the one after it ran.
    expect(first.marks.find((m) => m.start === 5)?.state).toBe('rebuilt');

    const second = await build(dockerfile(`${unique} changed`));
    expect(second.imageId).not.toBe(first.imageId);
    expect(second.marks.map((m) => [m.start, m.end, m.keyword, m.state])).toEqual([
      [2, 2, 'FROM', 'base'],
      [3, 3, 'LABEL', 'config'],
      [4, 4, 'COPY', 'cached'],
      [5, 5, 'RUN', 'rebuilt'],
      [6, 7, 'RUN', 'rebuilt'],
      [8, 8, 'CMD', 'config'],
    ]);

    // The same text again: every step comes from the cache.
    const third = await build(dockerfile(`${unique} changed`));
    expect(third.marks.filter((m) => m.keyword === 'RUN' || m.keyword === 'COPY').map((m) => m.state)).toEqual(['cached', 'cached', 'cached']);

    // Layers bottom-up: the base image's, then one per instruction after FROM, with its lines.
    const top = second.layers.slice(-5);
    expect(top.map((l) => [l.lines?.start, l.origin])).toEqual([
      [3, 'config'],
      [4, 'cached'],
      [5, 'rebuilt'],
      [6, 'rebuilt'],
      [8, 'config'],
    ]);
    expect(top[2]!.createdBy).toBe(`RUN echo "${unique} changed" > /message`);
    expect(top[1]!.size).toBeGreaterThan(0); // hello.txt
    const base = second.layers.slice(0, -5);
    expect(base.length).toBeGreaterThan(0);
    expect(base.every((l) => l.origin === 'base' && l.lines === null)).toBe(true);
    expect(second.size).toBe(second.layers.reduce((a, l) => a + l.size, 0));
  });
});
