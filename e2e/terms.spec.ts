/**
 * Issue 14 points 3 and 4 in a real browser: terms in the terminal are links
 * that open the right section (terminology or troubleshooting), and the
 * Dockerfile editor lints as the reader types, before Build, and clears when
 * the Dockerfile is fixed.
 */
import {expect, test, type Page} from '@playwright/test';
import {haveReader, pinnedBlock, terminalShortcut, waitForTerminal} from './lab';

// xterm's DOM renderer (WebGL draws only at a device pixel ratio of 1): the test finds a term's row in the DOM.
test.use({deviceScaleFactor: 2});

/** Type a line into the terminal: focus its input directly (a click might land on a link). */
async function typeLine(page: Page, line: string): Promise<void> {
  await page.getByTestId('lab-terminal').locator('textarea').focus();
  await page.keyboard.type(`${line}\r`);
}

async function openTerminal(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await terminalShortcut(page);
  await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('dock-connection')).toHaveAttribute('data-state', 'online', {timeout: 30_000});
  await waitForTerminal(page, /lab(:[\w-]+)?\$$/, 30_000);
}

/**
 * Point at `text` on the last terminal row that shows it (xterm's DOM renderer: one div per row)
 * and click it once xterm shows the link's pointer. Returns the page the link opened.
 */
async function clickTerm(page: Page, text: string): Promise<Page> {
  const host = page.getByTestId('lab-terminal');
  await expect(host).toHaveAttribute('data-renderer', 'dom');
  const row = host.locator('.xterm-rows > div', {hasText: text}).last();
  await expect(row).toBeVisible();
  const rowText = ((await row.textContent()) ?? '').replace(/\u00a0/g, ' ');
  const index = rowText.indexOf(text);
  expect(index, `"${text}" in "${rowText}"`).toBeGreaterThanOrEqual(0);
  const cols = Number(await host.getAttribute('data-cols'));
  const screen = (await host.locator('.xterm-screen').boundingBox())!;
  const box = (await row.boundingBox())!;
  const x = screen.x + (index + Math.min(2, text.length / 2)) * (screen.width / cols);
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y - 2);
  await page.mouse.move(x, y);
  // xterm found the link under the mouse: the pointer cursor, and the tooltip our provider sets.
  await expect(host.locator('.xterm-cursor-pointer')).toHaveCount(1);
  await expect(host.locator('.xterm')).toHaveAttribute('title', /\/docs\/(terminology|troubleshooting)#/);
  const popup = page.waitForEvent('popup');
  await page.mouse.click(x, y);
  const opened = await popup;
  await opened.waitForLoadState('domcontentloaded');
  return opened;
}

async function expectSection(opened: Page, path: string, anchor: string): Promise<void> {
  const url = new URL(opened.url());
  expect(url.pathname.replace(/\/$/, '')).toBe(path);
  expect(url.hash).toBe(`#${anchor}`);
  await expect(opened.locator(`[id="${anchor}"]`)).toBeInViewport();
  await opened.close();
}

test('each listed term and the lab\'s refusals link to the section that explains them', async ({page, baseURL}) => {
  test.setTimeout(600_000);
  await haveReader(page, baseURL!);
  await openTerminal(page, '/docs/writing-a-dockerfile');

  // The lab's refusals, as the server prints them.
  await typeLine(page, 'ls -l');
  await waitForTerminal(page, /ls: command not found/);
  await expectSection(await clickTerm(page, 'command not found'), '/docs/troubleshooting', 'not-a-shell');

  const digest = 'sha256:' + '4f'.repeat(32);
  await typeLine(page, `docker push app@${digest}`);
  await waitForTerminal(page, /cannot push a digest reference/);
  await expectSection(await clickTerm(page, 'cannot push a digest reference'), '/docs/troubleshooting', 'invalid-reference');
  // The digest in the command line above it.
  await expectSection(await clickTerm(page, digest.slice(0, 20)), '/docs/terminology', 'digest');

  await typeLine(page, 'docker exec web ls');
  await waitForTerminal(page, /is not supported in this terminal/);
  await expectSection(await clickTerm(page, 'is not supported in this terminal'), '/docs/troubleshooting', 'not-supported');

  // Docker's words, as lines the reader typed (the terminal shows the line at its prompt).
  const lines: Array<[typed: string, term: string, path: string, anchor: string]> = [
    ['#5 CACHED', 'CACHED', '/docs/terminology', 'build-cache'],
    ['5f70bf18a086: Pushed', '5f70bf18a086', '/docs/terminology', 'layer'],
    ['Successfully tagged hello:latest', 'hello:latest', '/docs/terminology', 'image-tag'],
    ['denied: requested access to the resource is denied', 'requested access', '/docs/troubleshooting', 'denied'],
    ['unauthorized: authentication required', 'authentication required', '/docs/troubleshooting', 'unauthorized'],
    ['write /x: no space left on device', 'no space left on device', '/docs/troubleshooting', 'no-space-left-on-device'],
  ];
  for (const [typed, term, path, anchor] of lines) {
    await typeLine(page, `${typed}`);
    // The line, what the terminal answered, and the next prompt.
    await waitForTerminal(page, new RegExp(`\\$ ${typed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n[^]*\\$$`));
    await expectSection(await clickTerm(page, term), path, anchor);
  }
});

test('the editor lints a broken Dockerfile before Build, in the server\'s words, and clears when it is fixed', async ({page, baseURL}) => {
  test.setTimeout(400_000);
  await haveReader(page, baseURL!);
  await page.goto('/docs/writing-a-dockerfile');
  const dockerfile = await pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
  await dockerfile.getByTestId('edit-button').click();
  const editor = dockerfile.locator('.cm-content');
  await expect(editor).toBeVisible();
  // Nothing to say about the lesson's own Dockerfile.
  await page.waitForTimeout(600);
  await expect(dockerfile.locator('.cm-lintRange-error, .cm-lintRange-warning')).toHaveCount(0);
  await expect(dockerfile.locator('.cm-panel-lint')).toHaveCount(0);

  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('FORM busybox\nENV API_TOKEN=abc123\n');
  const panel = dockerfile.locator('.cm-panel-lint');
  await expect(panel).toContainText('unknown instruction: FORM');
  await expect(panel).toContainText('no build stage in current context');
  await expect(panel).toContainText('ENV API_TOKEN: a password or token written in a Dockerfile stays in the image');
  await expect(dockerfile.locator('.cm-lintRange-error').first()).toBeVisible();

  // An image the lab refuses, in the words of the server's refusal.
  await page.keyboard.press('Control+A');
  await page.keyboard.type('FROM python:3.12\n');
  await expect(panel).toContainText('FROM "python:3.12": a Dockerfile here may use only the lab\'s base images and your own images');
  await expect(panel).not.toContainText('unknown instruction');

  // Fixed: the marks and the panel go away; nothing was built meanwhile.
  await page.keyboard.press('Control+A');
  await page.keyboard.type('FROM busybox\nENV API_URL=http://localhost\n');
  await expect(dockerfile.locator('.cm-panel-lint')).toHaveCount(0);
  await expect(dockerfile.locator('.cm-lintRange-error, .cm-lintRange-warning')).toHaveCount(0);
  await expect(dockerfile.getByTestId('block-status')).toHaveAttribute('data-state', /idle|offline/);
  await dockerfile.getByTestId('reset-button').click();
});
