/** The docked terminal and the editable blocks, in a real browser against the real server and engine. */
import {expect, test, type Page} from '@playwright/test';
import {block, haveReader, openFromSidebar, pinnedBlock, runBlock, switchColorMode, terminalText, typeInTerminal, waitForTerminal} from './lab';

// Every test runs as a reader (a lab name chosen in this browser context).
test.beforeEach(async ({page, baseURL}) => {
  await haveReader(page, baseURL!);
});

const LESSON = '/docs/writing-a-dockerfile';

async function openLesson(page: Page): Promise<void> {
  await page.goto(LESSON);
  await expect(page.locator('article h1')).toBeVisible();
}

test('a lesson page that is only read loads no xterm code; the first Run does', async ({page}) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url());
  });
  await openLesson(page);
  await page.waitForLoadState('networkidle');
  const xtermBefore = await page.evaluate(() => document.querySelector('.xterm') !== null);
  expect(xtermBefore).toBe(false);
  const before = scripts.length;
  // No xterm in any script fetched so far: look inside what was loaded.
  for (const url of scripts) {
    const body = await (await page.request.get(url)).text();
    expect(body.includes('xterm-helper-textarea'), url).toBe(false);
  }
  await runBlock(block(page, 'docker build', {context: 'hello', lang: 'bash'}), 'ok');
  await expect(page.locator('.xterm')).toBeVisible();
  const later = scripts.slice(before);
  const bodies = await Promise.all(later.map(async (u) => (await page.request.get(u)).text()));
  expect(bodies.some((b) => b.includes('xterm-helper-textarea'))).toBe(true);
});

test('an edited, broken Dockerfile fails to build with the error shown; Reset restores it', async ({page}) => {
  await openLesson(page);
  const dockerfile = await pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
  const original = (await dockerfile.locator('pre').textContent()) ?? '';
  await dockerfile.getByTestId('edit-button').click();
  const editor = dockerfile.locator('.cm-content');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nRUN echo breaking on purpose && exit 7');
  await runBlock(dockerfile, 'error');
  await expect(dockerfile.getByTestId('block-status')).toHaveAttribute('data-exit-code', /[1-9]\d*/);
  const text = await waitForTerminal(page, /exit code: 7/);
  expect(text).toMatch(/breaking on purpose/);
  expect(text).toMatch(/ERROR/);

  await dockerfile.getByTestId('reset-button').click();
  const squash = (s: string) => s.replace(/\s+/g, '');
  await expect.poll(async () => squash((await dockerfile.locator('.cm-content, pre').first().textContent()) ?? '')).toBe(squash(original));
  await runBlock(dockerfile, 'ok');
});

test('Ctrl-C in the terminal stops a running build', async ({page}) => {
  await openLesson(page);
  const dockerfile = await pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
  await dockerfile.getByTestId('edit-button').click();
  await dockerfile.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nRUN echo napping && sleep 45');
  await dockerfile.getByTestId('run-button').click();
  await waitForTerminal(page, /#\d+ [\d.]+ napping/);
  await typeInTerminal(page, '');
  await page.keyboard.press('Control+C');
  // buildx handles Ctrl-C itself: the running step CANCELED, then exit code 1
  await expect(dockerfile.getByTestId('block-status')).toHaveAttribute('data-exit-code', '1', {timeout: 20_000});
  await waitForTerminal(page, /failed to solve: Canceled: context canceled/);
  await dockerfile.getByTestId('reset-button').click();
});

test('moving to another lesson keeps the terminal; reloading starts a fresh session that keeps the reader\'s images', async ({page}) => {
  await openLesson(page);
  await runBlock(block(page, 'docker build', {context: 'hello', lang: 'bash'}), 'ok');
  await typeInTerminal(page, 'docker images\n');
  const before = await waitForTerminal(page, /REPOSITORY\s+TAG\s+IMAGE ID/);
  await openFromSidebar(page, /^Building/);
  await expect(page.locator('article h1')).toContainText(/Building/);
  expect(await terminalText(page)).toContain(before.trim().split('\n').slice(-3)[0]!.trim());
  await expect(page.locator('.xterm')).toBeVisible();

  await page.reload();
  await expect(page.locator('article h1')).toContainText(/Building/);
  await runBlock(block(page, /^\s*docker images\s*$/), 'ok');
  const fresh = await waitForTerminal(page, /REPOSITORY/);
  expect(fresh).toMatch(/Docker Lab terminal/);
  expect((fresh.match(/Docker Lab terminal/g) ?? []).length).toBe(1);
  expect(fresh).not.toMatch(/naming to/);
  expect(fresh).toMatch(/\/hello\s+latest/); // the same reader: the image built before the reload is still there
});

test('dark mode changes the terminal theme; screenshots light and dark', async ({page}) => {
  await page.emulateMedia({colorScheme: 'light'});
  await openLesson(page);
  await runBlock(block(page, 'docker build', {context: 'hello', lang: 'bash'}), 'ok');
  const terminal = page.getByTestId('lab-terminal');
  await expect(terminal).toHaveAttribute('data-state', 'ready');
  const background = () => terminal.evaluate((el) => getComputedStyle(el).backgroundColor);
  const light = await background();
  await page.screenshot({path: 'e2e/.output/lesson-light.png'});
  await switchColorMode(page, 'dark');
  await expect.poll(background).not.toBe(light);
  await page.screenshot({path: 'e2e/.output/lesson-dark.png'});
});
