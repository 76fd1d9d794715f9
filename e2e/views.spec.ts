/**
 * What the reader sees of what they built and pushed, in a real browser against the real engine
 * and registry: the layers and the editor's cached/rebuilt gutter after a rebuild that changed one
 * line; the registry page's digest (the same as the push output's and the registry API's); and
 * another reader's registry page, which shows none of it.
 */
import AxeBuilder from '@axe-core/playwright';
import {expect, test, type Page} from '@playwright/test';
import {labEnv, registryGet} from '../server/test/integration/lab-env';
import {haveReader, labPasswordFromDock, pinnedBlock, runBlock, terminalText, typeInTerminal, waitForTerminal} from './lab';

labEnv(); // an engine is up

async function helloDockerfile(page: Page) {
  await page.goto('/docs/building');
  await page.locator('summary', {hasText: 'The `hello` Dockerfile'}).or(page.locator('summary', {hasText: 'hello Dockerfile'})).first().click();
  return pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
}

/** Serious or critical axe findings inside `selector` (the new views meet the site's bar, e2e/accessibility.spec.ts). */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({page}).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).include(selector).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
}

/** Line number → state of the gutter's marks (first line of each instruction). */
async function gutterMarks(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const el of document.querySelectorAll<HTMLElement>('.cm-build-mark')) {
      if (el.textContent !== '│') out[el.dataset.line!] = el.dataset.state!;
    }
    return out;
  });
}

test('a rebuild after changing the RUN echo line marks exactly that line rebuilt and the lines above cached', async ({page, baseURL}) => {
  await haveReader(page, baseURL!, 'lay');
  const b = await helloDockerfile(page);
  await b.getByTestId('edit-button').click();
  await expect(b.getByTestId('dockerfile-editor')).toHaveAttribute('data-ready', 'true');
  const echoLine = b.locator('.cm-line', {hasText: 'RUN echo'});
  const edit = async (suffix: string) => {
    await echoLine.click();
    await page.keyboard.press('End');
    await page.keyboard.type(suffix);
  };
  // A message nobody built before, then a change to that one line.
  await edit(` # ${Date.now().toString(36)}`);
  await runBlock(b);
  await expect(b.getByTestId('image-layers')).toBeVisible({timeout: 60_000});
  const firstId = await b.getByTestId('image-layers').locator('header code').first().getAttribute('title');
  await edit('-changed');
  await runBlock(b);
  await expect(b.getByTestId('image-layers').locator('header code').first()).not.toHaveAttribute('title', firstId!);

  await expect.poll(() => gutterMarks(page)).toEqual({
    '2': 'base',
    '5': 'config',
    '8': 'cached',
    '9': 'cached',
    '12': 'rebuilt',
    '15': 'config',
  });
  await expect(b.getByTestId('build-gutter-legend')).toBeVisible();

  // The layers, bottom-up: the base image's first, then one per instruction, with its line and origin.
  const rows = b.getByTestId('image-layer');
  const lines = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-line'), e.getAttribute('data-origin')]));
  expect(lines.slice(-5)).toEqual([
    ['5', 'config'],
    ['8', 'cached'],
    ['9', 'cached'],
    ['12', 'rebuilt'],
    ['15', 'config'],
  ]);
  expect(lines.slice(0, -5).every(([line, origin]) => line === null && origin === 'base')).toBe(true);
  await expect(b.getByTestId('image-layers-summary')).toHaveText(/ran 1 step and took 2 from the cache/);
  expect(await seriousViolations(page, '[data-testid="image-layers"]')).toEqual([]);
  expect(await seriousViolations(page, '.cm-build-gutter')).toEqual([]);
});

test("the registry page shows the pushed digest; another reader's page shows none of it", async ({page, baseURL, browser}) => {
  const user = await haveReader(page, baseURL!, 'reg');
  const b = await helloDockerfile(page);
  await runBlock(b);

  await page.goto('/docs/logging-in-and-pushing');
  const registryPage = page.getByTestId('registry-page');
  await expect(registryPage.getByTestId('registry-empty')).toBeVisible();
  await page.getByTestId('dock-toggle').click();
  const password = await labPasswordFromDock(page);
  const login = await pinnedBlock(page, /^docker login [^\s-]\S*\s*$/);
  await login.getByTestId('run-button').click();
  await waitForTerminal(page, /Username[^\n]*:\s*$/);
  await typeInTerminal(page, `${user}\n`);
  await waitForTerminal(page, /Password:\s*$/);
  await page.keyboard.type(`${password}\n`);
  await expect(login.getByTestId('block-status')).toHaveAttribute('data-state', 'ok');
  const push = await pinnedBlock(page, /docker push \S+\/hello$/);
  await runBlock(push);
  const pushed = /latest: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(await terminalText(page))?.[1];
  expect(pushed).toBeTruthy();

  // The page reads the registry again after the push.
  const tag = registryPage.locator(`[data-testid="registry-repo"][data-repo="${user}/hello"] [data-testid="registry-tag"][data-tag="latest"]`);
  await expect(tag).toBeVisible();
  const digest = tag.getByTestId('registry-digest');
  await expect(digest).toHaveAttribute('data-digest', pushed!);
  await expect(digest).toHaveText(`${pushed!.slice(0, 19)}…`);
  const api = await registryGet(`/v2/${user}/hello/manifests/latest`, {
    accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
  });
  expect(api.headers.get('docker-content-digest')).toBe(pushed);
  await expect(tag).toContainText(/linux\/(amd64|arm64)/);
  await expect(tag.getByTestId('registry-pull')).toHaveText(new RegExp(`^docker pull \\S+/${user}/hello:latest$`));
  await tag.locator('summary').click(); // the layers
  expect(await seriousViolations(page, '[data-testid="registry-page"]')).toEqual([]);

  // Another reader, in another browser: their page is empty, and asking for the repository by name is refused.
  const other = await browser.newContext({baseURL});
  try {
    const p2 = await other.newPage();
    await haveReader(p2, baseURL!, 'oth');
    await p2.goto('/docs/logging-in-and-pushing');
    await expect(p2.getByTestId('registry-empty')).toBeVisible();
    await expect(p2.getByTestId('registry-page')).not.toContainText(user);
    const direct = await p2.request.get(`/companion/registry?repo=${encodeURIComponent(`${user}/hello`)}`);
    expect(direct.status()).toBe(403);
    expect(await direct.text()).not.toContain(pushed!);
  } finally {
    await other.close();
  }
});
