/**
 * axe-core on every page of the built site, in light and dark mode, with the
 * terminal dock collapsed and open: no serious or critical violation.
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import {expect, test, type Page} from '@playwright/test';
import {terminalShortcut} from './lab';

/** Every doc page by its URL (the file name, or its `slug:`), plus the landing page. */
function pageUrls(): string[] {
  const root = path.join(__dirname, '../docs');
  const urls = ['/'];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.mdx?$/.test(e.name)) {
        const rel = path.relative(root, p).replace(/\.mdx?$/, '');
        const slug = /^slug:\s*(\S+)/m.exec(readFileSync(p, 'utf8'))?.[1];
        if (slug) urls.push(slug.startsWith('/') ? `/docs${slug}` : `/docs/${slug}`);
        else urls.push(rel === 'index' ? '/docs' : `/docs/${rel.replace(/\/index$/, '')}`);
      }
    }
  };
  walk(root);
  return urls;
}

async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let axe = new AxeBuilder({page}).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']);
  if (include) axe = axe.include(include);
  const results = await axe.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')} — ${v.nodes[0]?.failureSummary?.split('\n')[1]?.trim() ?? ''}`);
}

/** Client-side navigation (Docusaurus' router follows the history), without reloading the page. */
async function navigateInPage(page: Page, url: string): Promise<void> {
  await page.evaluate((u) => {
    window.history.pushState({}, '', u);
    window.dispatchEvent(new PopStateEvent('popstate', {state: {}}));
  }, url);
  await expect(page).toHaveURL(new RegExp(`${url.replace(/\/$/, '')}/?$`));
  await expect(page.locator('h1').first()).toBeVisible();
}

/** Alt+T opens the dock on any page and puts the keyboard in the terminal. */
async function openDock(page: Page): Promise<void> {
  await terminalShortcut(page);
  await expect(page.getByTestId('terminal-dock')).toHaveAttribute('data-open', 'true');
  await expect(page.getByTestId('lab-terminal')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('dock-connection')).toHaveAttribute('data-state', 'online', {timeout: 30_000});
}

// axe takes 20-30 s on a long lesson on this machine, so the pages are checked whole once per
// colour mode (dock collapsed: its bar shows on pages with blocks), and the open dock, which
// covers the page's end, is checked on every page on its own.
for (const scheme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violation on any page (${scheme} mode, dock collapsed)`, async ({page}) => {
    test.setTimeout(900_000);
    await page.emulateMedia({colorScheme: scheme});
    const found: string[] = [];
    for (const url of pageUrls()) {
      await page.goto(url);
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      await expect(page.locator('h1').first()).toBeVisible();
      for (const v of await seriousViolations(page)) found.push(`${url} ${v}`);
    }
    expect(found).toEqual([]);
  });

  test(`no serious or critical axe violation in the open dock on any page (${scheme} mode)`, async ({page}) => {
    test.setTimeout(300_000);
    await page.emulateMedia({colorScheme: scheme});
    const found: string[] = [];
    // One page load and one terminal session: the dock stays open across client-side
    // navigation, as it does for a reader following links.
    await page.goto('/docs/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await openDock(page);
    for (const url of pageUrls()) {
      await navigateInPage(page, url);
      await expect(page.getByTestId('terminal-dock')).toHaveAttribute('data-open', 'true');
      for (const v of await seriousViolations(page, '[data-testid="terminal-dock"]')) found.push(`${url} ${v}`);
    }
    expect(found).toEqual([]);
  });
}
