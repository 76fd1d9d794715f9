/**
 * BuildOutput.cachedSteps: how many Dockerfile steps the engine took from its
 * cache, from recorded engine streams (provenance: server/test/fixtures/engine-streams.md).
 * The progress tracker's "rebuilt with the cache" milestone rests on it.
 */
import {describe, expect, it} from 'vitest';
import type {JSONMessage} from '../../src/render/jsonmessage';
import {BuildOutput} from '../../src/render/build';
import {messages} from './recorded';

function cached(msgs: JSONMessage[], builder: 'buildkit' | 'classic'): number {
  const out = new BuildOutput({builder, cols: 120});
  for (const m of msgs) out.write(m);
  return out.cachedSteps;
}

describe('BuildOutput.cachedSteps', () => {
  it('counts the steps a cached BuildKit build reused', () => {
    expect(cached(messages('bk26-cached.ndjson'), 'buildkit')).toBe(2);
  });

  it('does not count FROM (a present base image shows CACHED on a first build) nor [internal] steps', () => {
    expect(cached(messages('bk26-copy.ndjson'), 'buildkit')).toBe(0);
  });

  it('counts the classic builder\'s "Using cache" steps', () => {
    expect(cached(messages('classic-ok.ndjson'), 'classic')).toBe(0);
    const rebuilt: JSONMessage[] = [
      {stream: 'Step 1/3 : FROM busybox\n'},
      {stream: ' ---> 3f57d9401f8d\n'},
      {stream: 'Step 2/3 : COPY hello.txt /hello.txt\n'},
      {stream: ' ---> Using cache\n'},
      {stream: ' ---> 1b5d4c6a2f3e\n'},
      {stream: 'Step 3/3 : CMD ["cat", "/hello.txt"]\n'},
      {stream: ' ---> Using cache\n'},
      {stream: ' ---> 9c8d7e6f5a4b\n'},
    ];
    expect(cached(rebuilt, 'classic')).toBe(2);
  });
});
