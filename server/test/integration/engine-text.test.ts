/**
 * Terminal string sequences a reader's process prints (issue 23, finding 5) never reach the page:
 * an OSC 8 `javascript:` link and an OSC 52 clipboard request from a build step (BuildKit's log)
 * and from `docker run` (the container's output), against the real engine. What the page gets is
 * the raw output frames (before the terminal draws them): no `ESC ]` in them, the text around kept.
 */
import {afterAll, beforeAll, expect, it} from 'vitest';
import {startTestLab, TestClient, type TestLab} from './harness';

let lab: TestLab;
let c: TestClient;
const PRINT = String.raw`printf 'before \033]8;;javascript:alert(1)\033\\link\033]8;;\033\\ \033]52;c;cHduZWQ=\007after\n'`;

beforeAll(async () => {
  lab = await startTestLab({LAB_COMMANDS_PER_MINUTE: '1000'});
  c = await TestClient.connect(lab.url);
});
afterAll(async () => {
  c?.close();
  await lab?.close();
});

it('a build step\'s output reaches the page without string sequences', async () => {
  const mark = c.output.length;
  const end = await c.run('docker build --no-cache .', {context: 'tiny', dockerfile: `FROM busybox\nRUN ${PRINT}\n`});
  expect(end.exitCode, c.since(mark)).toBe(0);
  const raw = c.output.slice(mark);
  expect(raw).toMatch(/before link after/);
  expect(raw).not.toMatch(/\x1b\]|\x9d/);
});

it('a container\'s output reaches the page without string sequences', async () => {
  const mark = c.output.length;
  const end = await c.type(`docker run --rm busybox sh -c "${PRINT.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  expect(end.exitCode, c.since(mark)).toBe(0);
  const raw = c.output.slice(mark);
  expect(raw).toMatch(/before link after/);
  expect(raw).not.toMatch(/\x1b\]|\x9d/);
});
