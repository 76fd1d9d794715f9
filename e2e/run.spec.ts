/**
 * docker run in the browser (issue 18): the Writing lesson's hello image runs
 * from its block and prints its three lines; `docker run -it` attaches the
 * docked terminal to a shell in a container: typing, the result, `stty size`
 * following the terminal's size, Ctrl-D bringing the lab's prompt back.
 */
import {expect, test} from '@playwright/test';
import {block, haveReader, runBlock, terminalText, typeInTerminal, waitForTerminal} from './lab';

test.beforeEach(async ({page, baseURL}) => {
  await haveReader(page, baseURL!, 'run');
});

test('the Writing lesson builds the hello image, then its Run block prints the three lines', async ({page}) => {
  await page.goto('/docs/writing-a-dockerfile');
  await runBlock(block(page, 'docker build', {context: 'hello', lang: 'bash'}), 'ok');
  const run = block(page, /docker run --rm \S+\/hello\b/, {lang: 'bash'});
  await runBlock(run, 'ok', 60_000);
  const text = await waitForTerminal(page, /^Hello from inside a container!$/m, 30_000);
  expect(text).toMatch(/^Hello from inside a container!\s*\nThis image was built on .+\.\s*\nKernel: .+ \(the host's kernel: containers share it\)/m);
});

test('docker run -it: keys reach the shell, stty size follows the terminal, Ctrl-D brings the prompt back', async ({page}) => {
  await page.goto('/docs/writing-a-dockerfile');
  // Open the dock with a harmless command, then type as a reader does.
  await runBlock(block(page, 'docker build', {context: 'hello', lang: 'bash'}), 'ok');
  await typeInTerminal(page, 'docker run -it --rm busybox sh\n');
  await expect.poll(async () => (await terminalText(page)).trimEnd().endsWith('#'), {timeout: 30_000}).toBe(true);
  await page.keyboard.type('echo $((6*7))\n');
  await waitForTerminal(page, /^42\s*$/m, 15_000);

  const size = async () => {
    const before = (await terminalText(page)).length;
    await page.keyboard.type('stty size\n');
    let got = '';
    await expect
      .poll(async () => {
        const m = /^(\d+) (\d+)\s*$/m.exec((await terminalText(page)).slice(before));
        got = m ? `${m[1]} ${m[2]}` : '';
        return got !== '';
      }, {timeout: 15_000})
      .toBe(true);
    return got.split(' ').map(Number) as [number, number];
  };
  const cols = async () => Number(await page.getByTestId('lab-terminal').getAttribute('data-cols'));
  const [, c1] = await size();
  expect(c1).toBe(await cols());
  await page.setViewportSize({width: 900, height: 700});
  await expect.poll(cols).not.toBe(c1);
  const c2 = await cols();
  await expect.poll(async () => (await size())[1], {timeout: 20_000}).toBe(c2);

  // Escape reaches the container, on its own after a moment (held in case a Tab follows: Escape
  // then Tab leaves the terminal) or at once with the next key.
  await page.keyboard.type('cat -v\n');
  await page.keyboard.press('Escape');
  await waitForTerminal(page, /^\^\[$/m, 15_000); // the TTY's echo, before any other key
  await page.keyboard.type('x\n');
  await waitForTerminal(page, /^\^\[x\s*$/m, 15_000);
  await page.keyboard.press('Escape');
  await page.keyboard.type('y\n');
  await waitForTerminal(page, /^\^\[y\s*$/m, 15_000);
  await page.keyboard.press('Control+d');
  await expect.poll(async () => (await terminalText(page)).trimEnd().endsWith('#'), {timeout: 15_000}).toBe(true);

  await page.keyboard.press('Control+d');
  await expect.poll(async () => /lab(:\S+)?\$ $/.test((await terminalText(page)).trimEnd() + ' '), {timeout: 15_000}).toBe(true);
  // The prompt is the lab's again: a typed line is a docker command.
  await page.keyboard.type('docker ps\n');
  await waitForTerminal(page, /CONTAINER ID +IMAGE +COMMAND/, 15_000);
});
