import {readdirSync} from 'node:fs';
import path from 'node:path';
import {expect, test} from '@playwright/test';
import {switchColorMode} from './lab';

const lessonFiles = readdirSync(path.join(__dirname, '../docs')).filter((f) => /\.mdx?$/.test(f));

test('every lesson page opens from the built site with its heading', async ({page}) => {
  await page.goto('/docs');
  await expect(page.locator('h1')).toBeVisible();
  const links = await page
    .locator('.theme-doc-sidebar-menu a.menu__link[href^="/docs"]')
    .evaluateAll((as) => [...new Set(as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!))]);
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
  const search = page.getByRole('textbox', {name: 'Search'});
  await search.click();
  await search.fill('Dockerfile');
  const hits = page.locator('[role=listbox] [role=option]');
  await expect(hits.first()).toBeVisible();
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
