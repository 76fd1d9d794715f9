/**
 * Keyboard and focus, screens and touch (issue 19): the way into and out of the
 * terminal, where the focus goes after Build/Run/Edit/Reset, the open dock and
 * the end of the page, the renderer at device pixel ratios 1-3, a phone's
 * dock, and the search box that must not take the focus back.
 */
import {expect, test, type Page} from '@playwright/test';
import {block, haveReader, pinnedBlock, terminalShortcut, waitForTerminal} from './lab';

/** Whether the keyboard focus is in the terminal (xterm's hidden textarea). */
function focusInTerminal(page: Page): Promise<boolean> {
  return page.evaluate(() => !!document.activeElement?.closest('[data-testid="lab-terminal"]'));
}

function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

async function terminalReady(page: Page): Promise<void> {
  await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('dock-connection')).toHaveAttribute('data-state', 'online', {timeout: 30_000});
}

test('Alt+T goes to the terminal from anywhere; Escape then Tab leaves it, back to where the reader was', async ({page}) => {
  await page.goto('/docs/writing-a-dockerfile');
  const build = block(page, 'docker build', {context: 'hello', lang: 'bash'});
  await build.getByTestId('run-button').focus();
  await terminalShortcut(page);
  await terminalReady(page);
  await expect.poll(() => focusInTerminal(page)).toBe(true);

  // Tab alone is the terminal's (completion); Escape then Tab leaves.
  await page.keyboard.press('Tab');
  expect(await focusInTerminal(page)).toBe(true);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect.poll(() => focusInTerminal(page)).toBe(false);
  expect(await focusedTestId(page)).toBe('run-button');

  // Alt+T toggles: in, then back out to the same button.
  await terminalShortcut(page);
  await expect.poll(() => focusInTerminal(page)).toBe(true);
  await terminalShortcut(page);
  await expect.poll(() => focusedTestId(page)).toBe('run-button');

  // Escape then Shift+Tab goes to the dock's own controls; F6 leaves at once.
  await terminalShortcut(page);
  await expect.poll(() => focusInTerminal(page)).toBe(true);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  await expect.poll(() => focusedTestId(page)).toBe('dock-toggle');
  await terminalShortcut(page);
  await expect.poll(() => focusInTerminal(page)).toBe(true);
  await page.keyboard.press('F6');
  await expect.poll(() => focusInTerminal(page)).toBe(false);
});

test('the first Tab stop skips to the terminal, on a page without runnable blocks too', async ({page}) => {
  await page.goto('/docs/why-docker');
  await page.keyboard.press('Tab');
  expect(await focusedTestId(page)).toBe('skip-to-terminal');
  await expect(page.getByTestId('skip-to-terminal')).toBeInViewport();
  await page.keyboard.press('Enter');
  await terminalReady(page);
  await expect.poll(() => focusInTerminal(page)).toBe(true);
  // The terminal input says how to leave it.
  const described = await page.evaluate(() => {
    const id = document.activeElement?.getAttribute('aria-describedby');
    return id ? document.getElementById(id)?.textContent ?? '' : '';
  });
  expect(described).toMatch(/Esc then Tab/);
});

test('Build keeps the focus on its button; Run on docker login moves it into the terminal', async ({page, baseURL}) => {
  await haveReader(page, baseURL!, 'kbd');
  await page.goto('/docs/writing-a-dockerfile');
  const dockerfile = await pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
  const button = dockerfile.getByTestId('run-button');
  await expect(button).toHaveAccessibleName(/Build: docker build -t .*hello \./);
  await expect(button).toHaveAttribute('aria-disabled', 'false', {timeout: 30_000});
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(dockerfile.getByTestId('block-status')).toHaveAttribute('data-state', 'ok', {timeout: 180_000});
  expect(await focusedTestId(page)).toBe('run-button');

  await page.goto('/docs/logging-in-and-pushing');
  const login = block(page, 'docker login');
  await expect(login.getByTestId('run-button')).toHaveAttribute('aria-disabled', 'false', {timeout: 30_000});
  await login.getByTestId('run-button').focus();
  await page.keyboard.press('Enter');
  await waitForTerminal(page, /Username:\s*$/);
  await expect.poll(() => focusInTerminal(page)).toBe(true);
  // Keys reach the prompt without a click.
  await page.keyboard.type('student\r');
  await waitForTerminal(page, /Password:\s*$/);
});

test('Edit puts the cursor in the editor; Reset gives the focus to Edit; names say what they do', async ({page}) => {
  await page.goto('/docs/writing-a-dockerfile');
  const dockerfile = await pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
  const edit = dockerfile.getByTestId('edit-button');
  await expect(edit).toHaveAccessibleName(/^Edit Dockerfile$/);
  await expect(edit).not.toHaveAttribute('aria-pressed');
  await edit.focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('.cm-editor'))).toBe(true);
  await expect(edit).toHaveAccessibleName('Done editing');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# a change');
  const reset = dockerfile.getByTestId('reset-button');
  await reset.focus();
  await page.keyboard.press('Enter');
  await expect(reset).toHaveCount(0);
  expect(await focusedTestId(page)).toBe('edit-button');
});

test('blocks do not announce the connection; only the dock shows it', async ({page}) => {
  await page.goto('/docs/building');
  await terminalReady(page).catch(() => undefined);
  const live = await page.locator('[data-testid="runnable-block"] [role="status"]').allTextContents();
  expect(live.filter((t) => /connect/i.test(t))).toEqual([]);
});

test('with the dock open, the end of the page (Next, footer) scrolls into view above it', async ({page}) => {
  await page.goto('/docs/writing-a-dockerfile');
  await terminalShortcut(page);
  await terminalReady(page);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const dockTop = (await page.getByTestId('terminal-dock').boundingBox())!.y;
  const footer = (await page.locator('footer').boundingBox())!;
  expect(footer.y + footer.height).toBeLessThanOrEqual(dockTop + 1);
  const next = (await page.locator('.pagination-nav__link--next').boundingBox())!;
  expect(next.y + next.height).toBeLessThanOrEqual(dockTop + 1);
  // The table of contents' last entry is reachable above the dock too.
  const toc = page.locator('.theme-doc-toc-desktop');
  await toc.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  const last = (await toc.locator('a').last().boundingBox())!;
  expect(last.y + last.height).toBeLessThanOrEqual(dockTop + 1);
});

for (const dpr of [1, 2, 3]) {
  test(`the terminal draws text at its size at device pixel ratio ${dpr}`, async ({browser}) => {
    const context = await browser.newContext({deviceScaleFactor: dpr, viewport: {width: 1280, height: 900}});
    const page = await context.newPage();
    await page.goto('/docs/why-docker');
    await terminalShortcut(page);
    await terminalReady(page);
    await waitForTerminal(page, /lab\$/);
    const host = page.getByTestId('lab-terminal');
    if (dpr !== 1) await expect(host).toHaveAttribute('data-renderer', 'dom');
    // 13 px monospace: a cell is 7-9 CSS pixels wide, whatever the ratio.
    const cols = Number(await host.getAttribute('data-cols'));
    const width = (await host.locator('.xterm-screen').boundingBox())!.width;
    expect(width / cols).toBeGreaterThan(6);
    expect(width / cols).toBeLessThan(10);
    if ((await host.getAttribute('data-renderer')) === 'dom') {
      // The drawn text: a row with the prompt is as wide as its characters' cells.
      const row = host.locator('.xterm-rows > div', {hasText: 'Docker Lab terminal'}).first();
      const span = row.locator('span').first();
      const text = (await span.textContent()) ?? '';
      const box = (await span.boundingBox())!;
      expect(box.width / text.length).toBeGreaterThan(6);
      expect(box.width / text.length).toBeLessThan(10);
    }
    await context.close();
  });
}

test('on a phone: one-row dock bar, finger-sized targets, the dock leaves most of the screen', async ({browser}) => {
  const context = await browser.newContext({viewport: {width: 390, height: 844}, hasTouch: true, isMobile: true, deviceScaleFactor: 3});
  const page = await context.newPage();
  await page.goto('/docs/writing-a-dockerfile');
  const dock = page.getByTestId('terminal-dock');
  await expect(dock).toBeVisible();
  expect((await dock.boundingBox())!.height).toBeLessThanOrEqual(52);
  expect((await page.getByTestId('registry-switch').boundingBox())!.height).toBeGreaterThanOrEqual(24);
  await page.getByTestId('dock-toggle').tap();
  await terminalReady(page);
  const open = (await dock.boundingBox())!;
  expect(open.height / 844).toBeLessThanOrEqual(0.32);
  expect((await page.getByRole('separator', {name: /resize/i}).boundingBox())!.height).toBeGreaterThanOrEqual(24);
  await context.close();
});

test('the search box does not take the focus back when Tab passes it before its index loads', async ({page}) => {
  // Slow the index down, as on a busy network: Tab through the box, on to the next stop.
  await page.route(/search-index.*\.json/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.goto('/docs/why-docker');
  // By class: once its index is loaded, the box's role becomes combobox.
  const search = page.locator('input.navbar__search-input');
  await search.click();
  await page.keyboard.press('Tab');
  const away = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));
  await page.waitForResponse(/search-index.*\.json/);
  await page.waitForTimeout(500);
  expect(await search.evaluate((el) => el === document.activeElement)).toBe(false);
  expect(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80))).toBe(away);
});

test('on a touch screen, a swipe on the terminal scrolls its output, not the page', async ({browser}) => {
  const context = await browser.newContext({viewport: {width: 390, height: 844}, hasTouch: true, isMobile: true, deviceScaleFactor: 3});
  const page = await context.newPage();
  await page.goto('/docs/writing-a-dockerfile');
  await page.getByTestId('dock-toggle').tap();
  await terminalReady(page);
  // Enough output to scroll back through.
  await page.getByTestId('lab-terminal').tap();
  for (let i = 0; i < 3; i++) await page.keyboard.type('help\r');
  await waitForTerminal(page, /(help[\s\S]*){3}/);
  const firstRow = () => page.locator('[data-testid="lab-terminal"] .xterm-rows > div').first().textContent();
  const before = await firstRow();
  const pageY = await page.evaluate(() => window.scrollY);
  const box = (await page.getByTestId('lab-terminal').boundingBox())!;
  const x = box.x + box.width / 2;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', {type: 'touchStart', touchPoints: [{x, y: box.y + 20}]});
  for (let step = 1; step <= 10; step++) {
    await cdp.send('Input.dispatchTouchEvent', {type: 'touchMove', touchPoints: [{x, y: box.y + 20 + step * 15}]});
  }
  await cdp.send('Input.dispatchTouchEvent', {type: 'touchEnd', touchPoints: []});
  await expect.poll(firstRow).not.toBe(before);
  expect(await page.evaluate(() => window.scrollY)).toBe(pageY);
  await context.close();
});
