import {readdirSync} from 'node:fs';
import path from 'node:path';
import {expect, test} from '@playwright/test';
import {searchSite, switchColorMode} from './lab';

const lessonFiles = readdirSync(path.join(__dirname, '../docs')).filter((f) => /\.mdx?$/.test(f));

test('every page opens from the built site with its heading (lessons and "Running the lab")', async ({page}) => {
  // Two sidebars: the lessons (from /docs), and the operators' pages (from /docs/operators).
  const links: string[] = [];
  for (const start of ['/docs', '/docs/operators']) {
    await page.goto(start);
    await expect(page.locator('h1')).toBeVisible();
    const hrefs = await page
      .locator('.theme-doc-sidebar-menu a.menu__link[href^="/docs"]')
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
    for (const h of hrefs) if (!links.includes(h)) links.push(h);
  }
  expect(links.length).toBe(lessonFiles.length);
  for (const href of links) {
    const response = await page.goto(href);
    expect(response?.status(), href).toBe(200);
    const h1 = page.locator('article h1').first();
    await expect(h1, href).toBeVisible();
    const heading = (await h1.textContent())?.trim() ?? '';
    expect(heading.length, href).toBeGreaterThan(2);
    await expect(page).toHaveTitle(new RegExp(heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  }
});

test('the landing page leads into the guide', async ({page}) => {
  await page.goto('/');
  await expect(page.locator('h1')).toContainText('Docker Lab');
  await page.getByRole('link', {name: /start the guide/i}).first().click();
  await expect(page).toHaveURL(/\/docs\/?$/);
});

test('offline search finds "Dockerfile"', async ({page}) => {
  await page.goto('/docs');
  const hits = await searchSite(page, 'Dockerfile');
  expect(await hits.count()).toBeGreaterThan(0);
  await expect(hits.first()).toContainText(/dockerfile/i);
});

test('dark mode toggles', async ({page}) => {
  await page.emulateMedia({colorScheme: 'light'});
  await page.goto('/docs');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await switchColorMode(page, 'dark');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await switchColorMode(page, 'light');
});

test('the operators\' pages are not in the lessons\' sidebar', async ({page}) => {
  await page.goto('/docs');
  const menu = page.locator('.theme-doc-sidebar-menu');
  await expect(menu.getByRole('link', {name: /building/i})).toBeVisible();
  await expect(menu.getByRole('link', {name: /operators|performance/i})).toHaveCount(0);
  await page.goto('/docs/performance');
  await expect(page.locator('.theme-doc-sidebar-menu').getByRole('link', {name: /running the lab/i})).toBeVisible();
});
