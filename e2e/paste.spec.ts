/**
 * Paste and bash keys in the page's terminal (issue 19 point 9): Ctrl+V pastes
 * (not only Ctrl+Shift+V), a multi-line paste runs line by line and stops at the
 * first failure, Ctrl-W deletes the previous word, and while the terminal has the
 * focus closing the tab asks first (Chromium never lets a page take Ctrl-W itself).
 */
import {expect, test} from '@playwright/test';
import {haveReader, terminalShortcut, terminalText, waitForTerminal} from './lab';

test('Ctrl+V pastes; pasted lines run one by one and stop at the first failure; Ctrl-W deletes a word', async ({page, context, baseURL}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: baseURL!});
  await haveReader(page, baseURL!);
  await page.goto('/docs/writing-a-dockerfile');
  await terminalShortcut(page);
  await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('dock-connection')).toHaveAttribute('data-state', 'online', {timeout: 30_000});
  await waitForTerminal(page, /lab(:[\w-]+)?\$$/, 30_000);

  // A copied block of three lines: the middle one fails, so the third never runs.
  await page.evaluate(() => navigator.clipboard.writeText('cd hello\ncd no-such-lesson\ncd pytorch\n'));
  await page.keyboard.press('Control+V');
  const text = await waitForTerminal(page, /1 pasted line was not run: the command above failed \(exit status 1\)\.\s+lab:hello\$$/, 30_000);
  expect(text).toContain('lab:hello$ cd no-such-lesson');
  expect(text).toContain('cd: no lesson named "no-such-lesson"');
  expect(text).not.toContain('$ cd pytorch');

  // Ctrl-W deletes the previous word, and the tab stays open.
  await page.keyboard.type('docker images extra');
  await page.keyboard.press('Control+W');
  await page.keyboard.press('Control+W');
  await expect.poll(async () => (await terminalText(page)).split('\n').at(-1)).toBe('lab:hello$ docker');
  expect(page.isClosed()).toBe(false);

  // While the terminal has the focus, closing the tab asks first (the browser's beforeunload question).
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.type();
    void d.dismiss();
  });
  await page.close({runBeforeUnload: true});
  await expect.poll(() => asked).toBe('beforeunload');
  expect(page.isClosed()).toBe(false);
  await page.keyboard.type(' version\r');
  await waitForTerminal(page, /Server:/, 30_000);
});
