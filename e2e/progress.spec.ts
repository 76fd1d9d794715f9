/**
 * Onboarding progress in a real browser, against the real server, engine and
 * registry: the newcomer's path ticks each milestone only after its real event
 * (a Run that fails ticks nothing; a push typed by hand ticks "pushed"), the
 * landing page, the sidebar and the dock show it, a second tab and a reload too.
 * The cohort view refuses without the admin token and shows 5 readers who work
 * at once, live.
 */
import {expect, test, type Browser, type Page} from '@playwright/test';
import {labEnv} from '../server/test/integration/lab-env';
import {block, chooseNameInDock, haveReader, labPasswordFromDock, openFromSidebar, pinnedBlock, ranAfterNaming, runBlock, terminalText, typeInTerminal, waitForTerminal} from './lab';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const ADMIN = process.env.LAB_ADMIN_TOKEN || 'e2e-admin-token-for-the-cohort-view';

/** The milestones the open dock shows as done. */
async function ticked(page: Page): Promise<string[]> {
  const dock = page.getByTestId('progress-dock');
  if (!(await dock.isVisible())) await page.getByTestId('dock-toggle').click();
  return ((await dock.getAttribute('data-done')) ?? '').split(' ').filter(Boolean).sort();
}

async function expectTicked(page: Page, ids: string[]): Promise<void> {
  await expect.poll(() => ticked(page), {timeout: 20_000}).toEqual([...ids].sort());
}

/** Nothing more is ticked for a while (the server checks in the background: give it time). */
async function expectStill(page: Page, ids: string[]): Promise<void> {
  await page.waitForTimeout(1500);
  expect(await ticked(page)).toEqual([...ids].sort());
}

/** Type a command; wait until a prompt shows after it (the command ended). */
async function command(page: Page, line: string): Promise<string> {
  // The same line may have run before (a block's Run): wait for this one's echo, then a prompt after it.
  const count = (t: string) => t.split(line).length - 1;
  const before = count(await terminalText(page));
  await typeInTerminal(page, `${line}\n`);
  const ended = (t: string) => {
    const i = t.lastIndexOf(line);
    return count(t) > before && /lab(:[a-z0-9-]+)?\$/.test(t.slice(i + line.length));
  };
  await expect.poll(async () => ended(await terminalText(page)), {timeout: 240_000}).toBe(true);
  return terminalText(page);
}

const sidebarMark = (page: Page, label: RegExp) => page.locator('.theme-doc-sidebar-menu a', {hasText: label}).first();

test('the newcomer path ticks each milestone only after its real event; landing page, sidebar, dock, second tab', async ({page, context}) => {
  test.setTimeout(600_000);
  const user = `p${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`;
  const image = `${registry}/${user}/hello`;

  // Before a lab name: nothing to show.
  await page.goto('/');
  await expect(page.getByTestId('progress-landing')).toHaveCount(0);
  await page.getByRole('link', {name: /start the guide/i}).first().click();
  await openFromSidebar(page, /writing a dockerfile/i);

  // The first Run asks for a lab name; the build ticks "built" only (the Dockerfile is the page's own).
  const build = block(page, 'docker build', {context: 'hello', lang: 'bash'});
  await build.scrollIntoViewIfNeeded();
  await build.getByTestId('run-button').click();
  await chooseNameInDock(page, user);
  await ranAfterNaming(build, 'ok', 240_000);
  await expectTicked(page, ['built']);
  await expect(sidebarMark(page, /^Building/)).toHaveAttribute('data-progress', 'partial');
  await expect(sidebarMark(page, /writing a dockerfile/i)).not.toHaveAttribute('data-progress');

  // Edit the Dockerfile: the server gets a Dockerfile that is not the page's own.
  const dockerfile = await pinnedBlock(page, 'FROM busybox', {context: 'hello', lang: 'dockerfile'});
  await expectStill(page, ['built']);
  await dockerfile.getByTestId('edit-button').click();
  const editor = dockerfile.locator('.cm-content');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n# my first line in a Dockerfile');
  await expectTicked(page, ['built', 'dockerfile']);
  await expect(sidebarMark(page, /writing a dockerfile/i)).toHaveAttribute('data-progress', 'done');

  // Rebuild: the edited line is last, so the steps before it come from the cache.
  await runBlock(dockerfile, 'ok', 240_000);
  await expectTicked(page, ['built', 'dockerfile', 'rebuilt']);

  await openFromSidebar(page, /^Building/);
  const tag = block(page, /docker tag .*:v1/);
  await runBlock(tag, 'ok');
  await expectTicked(page, ['built', 'dockerfile', 'rebuilt', 'tagged']);
  await expect(sidebarMark(page, /^Building/)).toHaveAttribute('data-progress', 'done');

  await openFromSidebar(page, /logging in and pushing/i);
  // Pushing before logging in fails: nothing ticked.
  const push = block(page, new RegExp(`docker push ${registry}/${user}/hello$`));
  await runBlock(push, 'error');
  await expectStill(page, ['built', 'dockerfile', 'rebuilt', 'tagged']);

  const password = await labPasswordFromDock(page);
  const login = block(page, 'docker login');
  await login.scrollIntoViewIfNeeded();
  await login.getByTestId('run-button').click();
  await waitForTerminal(page, /Username:\s*$/);
  await typeInTerminal(page, `${user}\n`);
  await waitForTerminal(page, /Password:\s*$/);
  await page.keyboard.type(`${password}\n`);
  await expect(login.getByTestId('block-status')).toHaveAttribute('data-state', 'ok');
  await expectTicked(page, ['built', 'dockerfile', 'logged-in', 'rebuilt', 'tagged']);

  // Pushed by hand, typed in the terminal rather than the block's Run.
  const text = await command(page, `docker push ${image}`);
  expect(text).toMatch(/latest: digest: sha256:[0-9a-f]{64}/);
  await expectTicked(page, ['built', 'dockerfile', 'logged-in', 'pushed', 'rebuilt', 'tagged']);
  await expect(sidebarMark(page, /logging in and pushing/i)).toHaveAttribute('data-progress', 'partial');

  // A second tab of the same reader hears of the next tick without a reload.
  const second = await context.newPage();
  await second.goto('/docs/building');
  await second.getByTestId('dock-toggle').click(); // its own terminal session: status frames
  await expectTicked(second, ['built', 'dockerfile', 'logged-in', 'pushed', 'rebuilt', 'tagged']);

  const pushV1 = block(page, new RegExp(`docker push ${registry}/${user}/hello:v1$`));
  await runBlock(pushV1, 'ok', 240_000);
  const all = ['built', 'dockerfile', 'logged-in', 'pushed', 'pushed-second-tag', 'rebuilt', 'tagged'];
  await expectTicked(page, all);
  await expect(sidebarMark(page, /logging in and pushing/i)).toHaveAttribute('data-progress', 'done');
  await expectTicked(second, all);

  // The landing page, after a reload: where you are, what is next, time so far.
  await page.goto('/');
  await page.reload();
  const landing = page.getByTestId('progress-landing');
  await expect(landing).toContainText(user);
  await expect(landing.getByTestId('progress-where')).toContainText('7 of 7');
  await expect(landing.getByTestId('progress-next')).toContainText(/PyTorch/);
  await expect(landing.getByTestId('progress-time')).toContainText(/Time so far: \d+/);
  for (const id of all) await expect(landing.locator(`[data-milestone="${id}"]`)).toHaveAttribute('data-done', 'true');
  await expect(landing.locator('[data-milestone="pytorch"]')).toHaveAttribute('data-done', 'false');
  await second.close();
});

/** One reader in their own browser: choose a name, then the first `steps` steps of the path. */
async function reader(browser: Browser, baseURL: string, i: number, steps: number): Promise<string> {
  const context = await browser.newContext({baseURL});
  const page = await context.newPage();
  try {
    const name = await haveReader(page, baseURL, `co${i}x`);
    const image = `${registry}/${name}/hello`;
    await page.goto('/docs/writing-a-dockerfile');
    const build = block(page, 'docker build', {context: 'hello', lang: 'bash'});
    await runBlock(build, 'ok', 240_000);
    if (steps > 1) await runBlock(build, 'ok', 240_000);
    if (steps > 2) await command(page, `docker tag ${image} ${image}:v1`);
    if (steps > 3) {
      const password = await labPasswordFromDock(page);
      await typeInTerminal(page, `docker login -u ${name} ${registry}\n`);
      await waitForTerminal(page, /Password:\s*$/);
      await page.keyboard.type(`${password}\n`);
      await waitForTerminal(page, /Login Succeeded/);
    }
    if (steps > 4) await command(page, `docker push ${image}`);
    return name;
  } finally {
    await context.close();
  }
}

test('the cohort view refuses without the admin token, then shows 5 readers at once, live, and exports CSV', async ({browser, baseURL, page}) => {
  test.setTimeout(600_000);
  // The API itself.
  expect((await page.request.get('/companion/admin/cohort')).status()).toBe(401);
  expect((await page.request.get('/companion/admin/cohort.csv', {headers: {authorization: 'Bearer not-the-token-at-all'}})).status()).toBe(401);

  await page.goto('/cohort');
  await page.getByTestId('cohort-token').fill('not-the-token-at-all');
  await page.getByRole('button', {name: /show the cohort/i}).click();
  await expect(page.getByTestId('cohort-error')).toContainText(/LAB_ADMIN_TOKEN/);
  await expect(page.getByTestId('cohort-view')).toHaveCount(0);

  await page.getByTestId('cohort-token').fill(ADMIN);
  await page.getByRole('button', {name: /show the cohort/i}).click();
  await expect(page.getByTestId('cohort-view')).toBeVisible();
  await expect(page.getByTestId('cohort-live')).toHaveAttribute('data-live', 'true');

  // Five readers at once, each going one step further than the one before.
  const expected = [['built'], ['built', 'rebuilt'], ['built', 'rebuilt', 'tagged'], ['built', 'logged-in', 'rebuilt', 'tagged'], ['built', 'logged-in', 'pushed', 'rebuilt', 'tagged']];
  const names = await Promise.all(expected.map((_, i) => reader(browser, baseURL!, i, i + 1)));

  // The open view updated itself (no reload).
  for (const [i, name] of names.entries()) {
    const row = page.locator(`tr[data-reader="${name}"]`);
    await expect(row).toBeVisible({timeout: 20_000});
    await expect
      .poll(async () => (await row.locator('td[data-done="true"]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-milestone')))).sort(), {timeout: 20_000})
      .toEqual(expected[i]);
    await expect(row.getByTestId('cohort-count')).toHaveText(`${expected[i]!.length}/7`);
  }

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cohort-csv').click()]);
  const csv = await (await download.createReadStream()).toArray();
  const lines = Buffer.concat(csv).toString('utf8').trim().split('\r\n');
  const head = lines[0]!.split(',');
  for (const [i, name] of names.entries()) {
    const cells = lines.find((l) => l.startsWith(`${name},`))!.split(',');
    expect(head.filter((h, k) => k >= 7 && cells[k]).sort()).toEqual(expected[i]);
  }
});
