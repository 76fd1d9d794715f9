/**
 * The guide hosted as plain static files (issue 16): the production build served
 * by a plain static file server with no companion server. Every runnable block's
 * Run plays its recording in the docked terminal, marked as not live; Copy still
 * works; and once a server answers behind the same address, Run is live again
 * without a reload.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {expect, test, } from '@playwright/test';
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

const MANIFEST = JSON.parse(readFileSync(path.join(RECORDINGS, RECORDINGS_MANIFEST), 'utf8')) as {blocks: Record<string, {file: string}>};
/** The lesson pages with recorded blocks, and those blocks' ids. */
const PAGES = new Map<string, string[]>();
for (const [id, {file}] of Object.entries(MANIFEST.blocks)) {
  const href = `/docs/${path.basename(file).replace(/\.mdx?$/, '')}`;
  PAGES.set(href, [...(PAGES.get(href) ?? []), id]);
}

for (const [href, ids] of PAGES) {
  test(`${href}: every runnable block plays its recording from the static build, marked as not live`, async ({page}) => {
    test.setTimeout(600_000);
    await page.goto(`${site.url}${href}`);
    await expect(page.locator('article h1')).toBeVisible();
    const blocks = page.getByTestId('runnable-block');
    // The page's blocks are the recorded ones (the unit test checks every block has a recording).
    expect((await blocks.evaluateAll((els) => els.map((e) => e.getAttribute('data-block-id')))).sort()).toEqual([...ids].sort());
    let speedSet = false;
    for (const id of ids) {
      const b = page.locator(`[data-testid="runnable-block"][data-block-id="${id}"]`);
      const cast = recording(id);
      // A block inside a closed <details> (the Building page's Dockerfile): open it as a reader would.
      const details = b.locator('xpath=ancestor::details[1]');
      if ((await details.count()) && (await details.getAttribute('open')) === null) await details.locator('summary').first().click();
      await b.scrollIntoViewIfNeeded();
      const run = b.getByTestId('run-button');
      // No server answers: Run plays the recording instead of running.
      await expect(run).toHaveAttribute('data-playback', 'recording', {timeout: 30_000});
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
      if ((capIdle(cast.events).at(-1)?.[0] ?? 0) > 60) {
        await expect(page.getByTestId('playback-status')).not.toHaveText(/^0\.0 s/, {timeout: 30_000});
        await page.getByTestId('playback-end').click();
      }
      await expect(bar, id).toHaveAttribute('data-status', 'done', {timeout: 240_000});
      await expect(b.getByTestId('block-connection')).toContainText('not live');
      const text = await terminalText(page);
      expect(text).toContain(`Recording of "${cast.header.lab.command}"`);
      expect(text, `${id}: the recording's last line`).toContain(lastLine(cast).trim());
      expect(text).toContain('End of the recording (exit code 0)');
      // The block shows the names its recording ran with (the manifest's registry and lab name).
      if ((await b.getAttribute('data-lang')) !== 'dockerfile') {
        await expect(b.locator('pre')).toContainText(cast.header.lab.command);
      }
    }
  });
}

test('the login block\'s recording shows the prompts, not what was typed', async ({page}) => {
  const login = Object.keys(MANIFEST.blocks).find((id) =>
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
  // The live run's output follows the recording's in the same terminal.
  expect((await terminalText(page)).split('Client: Docker Lab terminal').length).toBe(3);
});
