/**
 * The production build works under the server's Content-Security-Policy:
 * theme script, search, the editor, the terminal and its WebSocket, with no
 * violation reported by Chromium.
 */
import {expect, test, type Page} from '@playwright/test';
import {block, haveReader, pinnedBlock, runBlock, searchSite, switchColorMode, waitForTerminal} from './lab';

/** Record every CSP violation the page reports (event and console). */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as {__cspViolation(v: string): void}).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return violations;
}

test('pages, theme, search, editor and terminal run under the Content-Security-Policy', async ({page, baseURL}) => {
  const violations = await watchViolations(page);
  await haveReader(page, baseURL!, 'csp');
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toMatch(/frame-ancestors/);
  await expect(page.locator('h1')).toContainText('Docker Lab');

  await page.emulateMedia({colorScheme: 'dark'});
  await page.goto('/docs');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await switchColorMode(page, 'light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  await searchSite(page, 'Dockerfile');

  await page.goto('/docs/writing-a-dockerfile');
  const dockerfile = await pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
  await dockerfile.getByTestId('edit-button').click();
  await expect(dockerfile.locator('.cm-content'), violations.join('\n')).toBeVisible();
  await runBlock(block(page, 'docker build', {context: 'hello', lang: 'bash'}), 'ok');
  await waitForTerminal(page, /naming to|writing image/);
  expect(violations).toEqual([]);
});

test('another site cannot frame the lab', async ({page}) => {
  const response = await page.request.get('/docs');
  expect(response.headers()['content-security-policy']).toMatch(/frame-ancestors 'self'/);
  expect(response.headers()['x-frame-options']).toBe('SAMEORIGIN');
  // A page of another origin framing the lab gets nothing from it.
  await page.setContent(`<iframe id="f" src="${test.info().project.use.baseURL}/docs"></iframe>`);
  const frame = page.frameLocator('#f');
  await expect(frame.locator('article h1')).toHaveCount(0, {timeout: 5000});
});
