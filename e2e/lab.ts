/** Helpers for the browser tests: the docked terminal and the runnable blocks. */
import {expect, type Locator, type Page} from '@playwright/test';

/** The terminal's whole buffer as plain text (through the test hook the dock installs). */
export function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => (window as unknown as {__labTerminalText?: () => string}).__labTerminalText?.() ?? '');
}

/** Wait until the terminal's text matches; returns it. */
export async function waitForTerminal(page: Page, re: RegExp, timeout = 120_000): Promise<string> {
  let text = '';
  await expect
    .poll(async () => {
      text = await terminalText(page);
      return re.test(text);
    }, {timeout, message: `terminal text matching ${re}`})
    .toBe(true);
  return text;
}

/** The runnable block whose code contains `text` (and optionally of a context and language). */
export function block(page: Page, text: string | RegExp, opts: {context?: string; lang?: string} = {}): Locator {
  let sel = '[data-testid="runnable-block"]';
  if (opts.context) sel += `[data-context="${opts.context}"]`;
  if (opts.lang) sel += `[data-lang="${opts.lang}"]`;
  return page.locator(sel).filter({has: page.locator('pre', {hasText: text})}).first();
}

/**
 * The same block, located by its stable id: the text filter of `block()` no
 * longer matches once the editor replaces the code (editing a Dockerfile).
 */
export async function pinnedBlock(page: Page, text: string | RegExp, opts: {context?: string; lang?: string} = {}): Promise<Locator> {
  const id = await block(page, text, opts).getAttribute('data-block-id');
  expect(id).toBeTruthy();
  return page.locator(`[data-testid="runnable-block"][data-block-id="${id}"]`);
}

/** Go to a lesson through the sidebar, as a reader does. */
export async function openFromSidebar(page: Page, label: RegExp): Promise<void> {
  await page.locator('.theme-doc-sidebar-menu a', {hasText: label}).first().click();
  await expect(page.locator('article h1')).toBeVisible();
}

/**
 * Search the site for `text` in the navbar's box and return the hits' locator once they show. The
 * search plugin loads its index when the box gets the focus: text typed before it is ready shows no
 * hits until the next keystroke (a reader types on), so the typing is repeated until they show.
 */
export async function searchSite(page: Page, text: string): Promise<Locator> {
  // By its label: its role changes from textbox to combobox once the search plugin has loaded.
  const search = page.getByLabel('Search', {exact: true});
  const hits = page.locator('[role=listbox] [role=option]');
  await search.click();
  await expect(async () => {
    await search.fill('');
    await search.pressSequentially(text);
    await expect(hits.first()).toBeVisible({timeout: 3000});
  }).toPass({timeout: 30_000});
  return hits;
}

/** Click the colour-mode toggle until the page is in `mode` (it cycles light / dark / system). */
export async function switchColorMode(page: Page, mode: 'light' | 'dark'): Promise<void> {
  const toggle = page.getByRole('button', {name: /switch between dark and light mode/i});
  for (let i = 0; i < 3; i++) {
    if ((await page.locator('html').getAttribute('data-theme')) === mode) return;
    await toggle.click();
  }
  await expect(page.locator('html')).toHaveAttribute('data-theme', mode);
}

/** Click a block's Run/Build and wait until it reports an exit status; returns the status element. */
export async function runBlock(b: Locator, expectState: 'ok' | 'error' | 'running' = 'ok', timeout = 180_000): Promise<Locator> {
  await b.scrollIntoViewIfNeeded();
  // Busy or offline, the button is aria-disabled (it keeps the focus) and ignores clicks.
  await expect(b.getByTestId('run-button')).toHaveAttribute('aria-disabled', 'false', {timeout: 30_000});
  await b.getByTestId('run-button').click();
  const status = b.getByTestId('block-status');
  await expect(status).toHaveAttribute('data-state', expectState, {timeout});
  return status;
}

/** Type into the terminal as a reader would (focus it first). */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.getByTestId('lab-terminal').click();
  await page.keyboard.type(text);
}

/** A fresh lab name for a test (2–30 characters, unique). */
export function labName(prefix = 'e2e'): string {
  return `${prefix}${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * Give the browser context a reader, as the dock's form does (POST from the lab's own origin):
 * the HttpOnly cookie lands in the context's cookie jar. Returns the lab name.
 */
export async function haveReader(page: Page, baseURL: string, prefix = 'e2e'): Promise<string> {
  const name = labName(prefix);
  const res = await page.context().request.post('/companion/reader', {data: {name}, headers: {origin: baseURL}});
  expect(res.status(), await res.text()).toBe(201);
  return name;
}

/** Choose a lab name in the dock's form (shown when a Run waits for one). */
export async function chooseNameInDock(page: Page, name: string): Promise<void> {
  const input = page.getByTestId('reader-name');
  await expect(input).toBeVisible();
  await input.fill(name);
  await page.getByTestId('reader-choose').click();
  await expect(page.getByTestId('reader-name-shown')).toHaveText(name);
}

/**
 * After the name form that a Run opened: that Run runs by itself, once, under the new name (one
 * press); wait for its status. Returns the status element.
 */
export async function ranAfterNaming(b: Locator, expectState: 'ok' | 'error' = 'ok', timeout = 180_000): Promise<Locator> {
  const status = b.getByTestId('block-status');
  await expect(status).toHaveAttribute('data-state', expectState, {timeout});
  return status;
}

/** The lab password, as the reader reads it in the dock (Show), then hidden again. */
export async function labPasswordFromDock(page: Page): Promise<string> {
  const toggle = page.getByTestId('dock-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  const shown = page.getByTestId('reader-password');
  if (!(await shown.isVisible())) await page.getByTestId('reader-show').click();
  await expect(shown).toBeVisible();
  const password = (await shown.textContent())?.trim() ?? '';
  expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  await page.getByRole('button', {name: 'Hide'}).click();
  return password;
}

/** Alt+T, the shortcut into (and back out of) the terminal, once the page has hydrated. */
export async function terminalShortcut(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-lab-shortcut', 'on');
  await page.keyboard.press('Alt+t');
}
