/**
 * An interactive Python session in a container (issue 18): type an
 * expression, see the result, leave with Ctrl-D; the lab's prompt comes back
 * with status 0.
 *
 * CI: a tiny image with Debian's python3 (apt-get through the build network,
 * about 15 MB), and the PyTorch lesson's image, built
 * from the page's own Dockerfile, running the lesson's two commands (the
 * only test that builds it: a second one found its steps cached by this one).
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {ROOT, startTestLab, TestClient, uniqueName, type TestLab} from './harness';
import type {CommandEndMessage} from '../../../src/protocol';

let lab: TestLab;
let client: TestClient;

beforeAll(async () => {
  lab = await startTestLab({LAB_LESSONS_DIR: path.join(ROOT, 'lessons'), LAB_COMMANDS_PER_MINUTE: '1000'});
  client = await TestClient.connect(lab.url);
});
afterAll(async () => {
  client?.close();
  await lab?.close();
});

/** `docker run -it IMAGE python3`: 6*7 at the >>> prompt, then Ctrl-D. */
async function pythonSession(image: string, extra?: {line: string; expect: RegExp}): Promise<void> {
  const mark = client.messages.length;
  const out0 = client.output.length;
  const since = () => client.since(out0);
  const until = async (re: RegExp, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!re.test(since())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; output:\n${since().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  client.send({t: 'input', data: `docker run -it --rm ${image} python3\r`});
  await until(/>>> $/);
  client.send({t: 'input', data: '6*7\r'});
  await until(/^42\r?$/m);
  if (extra) {
    client.send({t: 'input', data: `${extra.line}\r`});
    await until(extra.expect, 120_000);
  }
  client.send({t: 'input', data: '\x04'});
  const end = (await client.waitFor((m) => m.t === 'command-end', 30_000, mark)) as CommandEndMessage;
  expect(end.exitCode, since().slice(-1000)).toBe(0);
  await until(/lab(:\S+)?\$ $/, 10_000); // the lab's prompt is back
}

it('an interactive python3 in a small Debian image: an expression, its result, Ctrl-D', async () => {
  const image = `lab/${uniqueName('py')}`;
  const dockerfile =
    'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends python3-minimal && rm -rf /var/lib/apt/lists/*\n';
  const built = await client.run(`docker build -t ${image} .`, {context: 'pytorch', dockerfile}, 600_000);
  expect(built.exitCode, client.text.slice(-3000)).toBe(0);
  await pythonSession(image);
}, 700_000);

it('the PyTorch lesson: its image runs torch.__version__ and an interactive python3 with torch', async () => {
  const mdx = readFileSync(path.join(ROOT, 'docs/writing-a-dockerfile.mdx'), 'utf8');
  const block = /```dockerfile[^\n]*context="pytorch"[^\n]*\n([\s\S]*?)```/.exec(mdx);
  expect(block).not.toBeNull();
  const image = `lab/${uniqueName('torch')}`;
  const built = await client.run(`docker build . -t ${image}`, {context: 'pytorch', dockerfile: block![1]!}, 900_000);
  expect(built.exitCode, client.text.slice(-3000)).toBe(0);
  // The lesson's commands, as its blocks say them.
  expect(mdx).toContain('docker run --rm <registry>/<username>/pytorch python3 -c "import torch; print(torch.__version__)"');
  const mark = client.output.length;
  const version = await client.run(`docker run --rm ${image} python3 -c "import torch; print(torch.__version__)"`, undefined, 300_000);
  expect(version.exitCode, client.since(mark)).toBe(0);
  expect(client.since(mark)).toMatch(/^1\.\d+\.\d+\S*\r?$/m);
  const check = await client.run(`docker run --rm ${image}`, undefined, 300_000);
  expect(check.exitCode).toBe(0);
  expect(client.since(mark)).toMatch(/x @ x\.T =/);
  await pythonSession(image, {line: 'import torch; print(torch.ones(2, 3).sum().item())', expect: /^6\.0\r?$/m});
}, 1_000_000);
