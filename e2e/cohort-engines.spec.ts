/**
 * The cohort page's Engines section, against the real server and engine: the
 * one engine of the default lab with its Docker version and the reader whose
 * terminal is open there; Drain (confirmed) marks it draining, and the admin
 * endpoint says so; Undrain opens it again. axe finds nothing serious on it.
 */
import AxeBuilder from '@axe-core/playwright';
import {expect, test} from '@playwright/test';
import type {EnginesReply} from '../src/protocol/engines';
import {haveReader} from './lab';

const ADMIN = process.env.LAB_ADMIN_TOKEN || 'e2e-admin-token-for-the-cohort-view';

test('the cohort page shows placement and load per engine, and drains and undrains', async ({browser, baseURL, page}) => {
  const auth = {authorization: `Bearer ${ADMIN}`};
  const engines = async () => {
    const res = await page.request.get('/companion/admin/engines', {headers: auth});
    expect(res.status()).toBe(200);
    return ((await res.json()) as EnginesReply).engines;
  };

  // A reader with a terminal open: placed on the engine.
  const context = await browser.newContext({baseURL});
  const readerPage = await context.newPage();
  try {
    const name = await haveReader(readerPage, baseURL!, 'eng');
    await readerPage.goto('/docs/writing-a-dockerfile');
    await readerPage.getByTestId('dock-toggle').click();
    await expect.poll(async () => (await engines()).flatMap((e) => e.readers), {timeout: 30_000}).toContain(name);
    const [engine] = await engines();
    expect(engine!.name).toBe('default');
    expect(engine!.version).toMatch(/^\d+\.\d+/);

    await page.goto('/cohort');
    await page.getByTestId('cohort-token').fill(ADMIN);
    await page.getByRole('button', {name: /show the cohort/i}).click();
    const section = page.getByTestId('engines-section');
    await expect(section.getByRole('heading', {name: /Engines \(1\)/})).toBeVisible();
    const table = section.getByRole('table');
    await expect(table.getByRole('columnheader', {name: 'Docker'})).toBeVisible();
    const row = table.locator('tr[data-engine="default"]');
    await expect(row.getByRole('rowheader')).toHaveText('default');
    await expect(row).toHaveAttribute('data-up', 'true');
    await expect(row.getByTestId('engine-version')).toHaveText(engine!.version!);
    await expect(row.getByTestId('engine-readers')).toContainText(name);
    await expect(row.getByTestId('engine-sessions')).not.toHaveText('0');
    await expect(row.getByTestId('engine-draining')).toHaveText('no');

    const axe = await new AxeBuilder({page}).include('[data-testid="engines-section"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

    // Drain asks first: dismissed, nothing changes.
    page.once('dialog', (d) => void d.dismiss());
    await row.getByRole('button', {name: 'Drain default'}).click();
    await page.waitForTimeout(500);
    expect((await engines())[0]!.draining).toBe(false);
    await expect(row).toHaveAttribute('data-draining', 'false');

    // Confirmed: draining, on the page and at the endpoint.
    page.once('dialog', (d) => {
      expect(d.message()).toMatch(/Drain default\?/);
      void d.accept();
    });
    await row.getByRole('button', {name: 'Drain default'}).click();
    await expect(row).toHaveAttribute('data-draining', 'true');
    await expect(row.getByTestId('engine-draining')).toHaveText('draining');
    expect((await engines())[0]!.draining).toBe(true);

    // Undrain (no question) opens it again.
    await row.getByRole('button', {name: 'Undrain default'}).click();
    await expect(row).toHaveAttribute('data-draining', 'false');
    expect((await engines())[0]!.draining).toBe(false);

    // The reader opens a second terminal (another tab): the periodic refresh shows it without a click.
    // Only open terminals count (earlier tests' closed pages are not terminals, whatever their grace period).
    const before = (await engines())[0]!.sessions;
    await expect(row.getByTestId('engine-sessions')).toHaveText(String(before));
    const second = await context.newPage();
    await second.goto('/docs/building');
    await second.getByTestId('dock-toggle').click();
    await expect.poll(async () => (await engines())[0]!.sessions, {timeout: 30_000}).toBe(before + 1);
    await expect(row.getByTestId('engine-sessions')).toHaveText(String(before + 1));
    // The tab closes: its terminal no longer counts, though its session waits out its grace period.
    await second.close();
    await expect.poll(async () => (await engines())[0]!.sessions, {timeout: 30_000}).toBe(before);
    await expect(row.getByTestId('engine-sessions')).toHaveText(String(before));
  } finally {
    await context.close();
    // Never leave the engine drained for the next test.
    await page.request.post('/companion/admin/engines/default/undrain', {headers: auth});
  }
});
