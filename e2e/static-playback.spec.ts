/**
 * The guide hosted as plain static files (issue 16): the production build served
 * by a plain static file server with no companion server. Every runnable block's
 * Run plays its recording in the docked terminal, marked as not live; Copy still
 * works; and once a server answers behind the same address, Run is live again
 * without a reload.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {expect, test, type Page} from '@playwright/test';
import {parseCast, RECORDINGS_DIR, recordingFileName, RECORDINGS_MANIFEST, type Cast} from '../src/protocol/recording';
import {capIdle} from '../src/client/playback/player';
import {chooseNameInDock, terminalText} from './lab';
import {BUILD_DIR, serveStatic, type StaticSite} from './static-site';

const LAB_PORT = Number(process.env.LAB_E2E_PORT ?? 3100);
const STATIC_PORT = Number(process.env.LAB_E2E_STATIC_PORT ?? LAB_PORT + 1);
const RECORDINGS = path.join(__dirname, '../static', RECORDINGS_DIR);

let site: StaticSite;
test.beforeEach(async () => {
  site = await serveStatic(BUILD_DIR, STATIC_PORT);
});
test.afterEach(async () => {
  await site.close();
});

function recording(blockId: string): Cast {
  return parseCast(readFileSync(path.join(RECORDINGS, recordingFileName(blockId)), 'utf8'));
}

/** The last line the recording leaves on screen, as plain text. */
function lastLine(cast: Cast): string {
  const plain = cast.events
    .map((e) => e[2])
    .join('')
    .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x07/g, '');
  const lines = plain.split('\n').map((l) => (l.split('\r').filter((s) => s.trim() !== '').pop() ?? '').trimEnd());
  return lines.filter((l) => l.trim().length > 3).pop() ?? '';
}

async function lessonLinks(page: Page): Promise<string[]> {
  await page.goto(`${site.url}/docs`);
  await expect(page.locator('article h1')).toBeVisible();
  const hrefs = await page
    .locator('.theme-doc-sidebar-menu a.menu__link[href^="/docs"]')
    .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
  return [...new Set(hrefs)];
}

test('every runnable block plays its recording from the static build, marked as not live', async ({page}) => {
  test.setTimeout(600_000);
  const manifest = JSON.parse(readFileSync(path.join(RECORDINGS, RECORDINGS_MANIFEST), 'utf8')) as {blocks: Record<string, unknown>};
  const played: string[] = [];
  for (const href of await lessonLinks(page)) {
    await page.goto(`${site.url}${href}`);
    let speedSet = false; // a new page load starts at 1×
    await expect(page.locator('article h1')).toBeVisible();
    const blocks = page.getByTestId('runnable-block');
    const count = await blocks.count();
    for (let i = 0; i < count; i++) {
      const b = blocks.nth(i);
      const id = (await b.getAttribute('data-block-id'))!;
      const cast = recording(id);
      await b.scrollIntoViewIfNeeded();
      const run = b.getByTestId('run-button');
      // No server answers: Run plays the recording instead of running.
      await expect(run, href).toHaveAttribute('data-playback', 'recording', {timeout: 30_000});
      await expect(run).toHaveAttribute('aria-disabled', 'false');
      await run.click();
      const bar = page.getByTestId('playback-bar');
      await expect(bar).toBeVisible();
      await expect(bar).toContainText('not live');
      await expect(page.getByTestId('playback-meta')).toHaveText(
        `recorded ${new Date(cast.header.timestamp * 1000).toISOString().slice(0, 10)} · Docker ${cast.header.lab.dockerVersion}`,
      );
      if (!speedSet) {
        await page.getByTestId('playback-speed').selectOption('16');
        speedSet = true;
      }
      // The PyTorch build plays for minutes even at 16×: watch it go, then skip to its end.
      const events = capIdle(cast.events);
      if ((events.at(-1)?.[0] ?? 0) > 60) {
        await expect(page.getByTestId('playback-status')).not.toHaveText(/^0\.0 s/, {timeout: 30_000});
        await page.getByTestId('playback-end').click();
      }
      await expect(bar, `${href} ${id}`).toHaveAttribute('data-status', 'done', {timeout: 240_000});
      await expect(b.getByTestId('block-connection')).toContainText('not live');
      const text = await terminalText(page);
      expect(text).toContain(`Recording of "${cast.header.lab.command}"`);
      expect(text, `${id}: the recording's last line`).toContain(lastLine(cast).trim());
      expect(text).toContain('End of the recording (exit code 0)');
      // The block shows the command its recording ran (same registry and lab name).
      if (!cast.header.lab.command.startsWith('docker build -t')) {
        await expect(b.locator('pre')).toContainText(cast.header.lab.command.replace(/\s+/g, ' ').split(' ').slice(0, 3).join(' '));
      }
      played.push(id);
    }
  }
  expect(played.sort()).toEqual(Object.keys(manifest.blocks).sort());
});

test('the login block\'s recording shows the prompts, not what was typed', async ({page}) => {
  const login = Object.keys(JSON.parse(readFileSync(path.join(RECORDINGS, RECORDINGS_MANIFEST), 'utf8')).blocks as object).find((id) =>
    recording(id).header.lab.command.startsWith('docker login'),
  )!;
  const cast = recording(login);
  const text = cast.events.map((e) => e[2]).join('');
  expect(text).toMatch(/Username: \r?\n/);
  expect(text).toMatch(/Password: \r?\n/);
  expect(text).not.toContain(`Username: ${cast.header.lab.username}`);
  await page.goto(`${site.url}/docs/logging-in-and-pushing`);
  const b = page.locator(`[data-block-id="${login}"]`);
  await b.getByTestId('run-button').click();
  await expect(page.getByTestId('playback-bar')).toHaveAttribute('data-status', 'done', {timeout: 60_000});
  expect(await terminalText(page)).toMatch(/Username:\s*\n\s*Password:\s*\n/);
});

test('Copy still works, and Run is live again once a server answers, without a reload', async ({page, context}) => {
  test.setTimeout(180_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: site.url});
  await page.goto(`${site.url}/docs/installing-docker`);
  const b = page.getByTestId('runnable-block').filter({hasText: 'docker version'}).first();
  await b.scrollIntoViewIfNeeded();
  await b.hover();
  await b.getByRole('button', {name: /copy/i}).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('docker version');

  const run = b.getByTestId('run-button');
  await expect(run).toHaveAttribute('data-playback', 'recording', {timeout: 30_000});
  await run.click();
  await expect(page.getByTestId('playback-bar')).toHaveAttribute('data-status', /playing|done/);

  // The lab server now answers behind the same address: the page reconnects by itself.
  site.startCompanion(LAB_PORT);
  await expect(page.getByTestId('dock-connection')).toHaveAttribute('data-state', 'online', {timeout: 40_000});
  await expect(page.getByTestId('playback-bar')).toHaveCount(0);
  await expect(run).not.toHaveAttribute('data-playback', 'recording');
  await run.click();
  const name = page.getByTestId('reader-name');
  if (await name.isVisible().catch(() => false)) await chooseNameInDock(page, `pb${Date.now().toString(36).slice(-6)}`);
  await expect(b.getByTestId('block-status')).toHaveAttribute('data-state', 'ok', {timeout: 60_000});
  expect(await terminalText(page)).toContain('The companion server answered: Run runs the blocks live again.');
});
