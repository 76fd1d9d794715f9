/**
 * The guide's runnable PyTorch example, exactly as the page shows it, builds
 * through the lab (Debian's python3-torch on the local debian:bookworm-slim).
 * Slow (about 90 s unloaded and 265 MB from Debian's mirror); it runs in npm test and CI.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {expect, it} from 'vitest';
import {ROOT, startTestLab, TestClient} from './harness';

it('the PyTorch lesson\'s Dockerfile builds and its image runs Python with torch', async () => {
  const mdx = readFileSync(path.join(ROOT, 'docs/writing-a-dockerfile.mdx'), 'utf8');
  const block = /```dockerfile[^\n]*context="pytorch"[^\n]*\n([\s\S]*?)```/.exec(mdx);
  expect(block).not.toBeNull();
  const lab = await startTestLab({LAB_LESSONS_DIR: path.join(ROOT, 'lessons')});
  try {
    const client = await TestClient.connect(lab.url);
    const end = await client.run('docker build . -t lab/lesson-pytorch-check', {context: 'pytorch', dockerfile: block![1]!}, 900_000);
    expect(end.exitCode, client.text.slice(-3000)).toBe(0);
    expect(client.text).toMatch(/Setting up python3-torch/);
    client.close();
  } finally {
    await lab.close();
  }
}, 1_000_000);
