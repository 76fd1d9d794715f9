/**
 * A password typed at `docker login` appears nowhere afterwards: not in the
 * server's log lines (all levels, errors included), not in the terminal's
 * transcript, not in the browser's storage.
 */
import {readFileSync} from 'node:fs';
import {expect, test} from '@playwright/test';
import {labEnv} from '../server/test/integration/lab-env';
import {block, haveReader, labPasswordFromDock, openFromSidebar, typeInTerminal, waitForTerminal, terminalText} from './lab';

labEnv(); // an engine is up

test('the lab password is in no log line, transcript, URL or browser storage', async ({page, context, baseURL}) => {
  const user = await haveReader(page, baseURL!, 'sec');
  await page.goto('/docs');
  await openFromSidebar(page, /logging in and pushing/i);
  await page.getByTestId('dock-toggle').click();
  const password = await labPasswordFromDock(page);
  const login = block(page, 'docker login');
  await login.scrollIntoViewIfNeeded();

  // A wrong password first (an error path), then the right one.
  for (const attempt of [`${password}-wrong`, password]) {
    await login.getByTestId('run-button').click();
    await waitForTerminal(page, /Username[^\n]*:\s*$/);
    await typeInTerminal(page, `${user}\n`);
    await waitForTerminal(page, /Password:\s*$/);
    await page.keyboard.type(`${attempt}\n`);
    await expect(login.getByTestId('block-status')).toHaveAttribute('data-state', attempt === password ? 'ok' : 'error');
  }
  await waitForTerminal(page, /Login Succeeded/);
  await waitForTerminal(page, /unauthorized|401/i);
  const push = block(page, /docker push \S+\/hello$/);
  await push.getByTestId('run-button').click();
  await expect(push.getByTestId('block-status')).toHaveAttribute('data-state', /ok|error/, {timeout: 120_000});

  const transcript = await terminalText(page);
  expect(transcript).not.toContain(password);

  const storage = await page.evaluate(async () => {
    const dump: string[] = [];
    for (const s of [localStorage, sessionStorage]) {
      for (let i = 0; i < s.length; i++) dump.push(`${s.key(i)}=${s.getItem(s.key(i)!)}`);
    }
    dump.push(document.cookie);
    if ('caches' in window) dump.push(...(await caches.keys()));
    if (indexedDB.databases) dump.push(...(await indexedDB.databases()).map((d) => d.name ?? ''));
    return dump.join('\n');
  });
  expect(storage).not.toContain(password);
  const cookies = await context.cookies();
  expect(JSON.stringify(cookies)).not.toContain(password);
  // The reader cookie is HttpOnly: page scripts cannot read it.
  expect(cookies.find((c) => c.name === 'lab_reader')?.httpOnly).toBe(true);
  expect(await page.evaluate(() => document.cookie)).not.toContain('lab_reader');
  expect(page.url()).not.toContain(password);

  const log = readFileSync('e2e/.output/server.log', 'utf8');
  expect(log).toMatch(/"event":"login"/); // the log was written and saw the login…
  expect(log).toMatch(/"event":"login-failed"/);
  expect(log).not.toContain(password); // …but not the password
  expect(log).not.toContain(Buffer.from(`${user}:${password}`).toString('base64'));
});
