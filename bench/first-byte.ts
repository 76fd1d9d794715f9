/**
 * Figure 1: a block's Run to the first output byte in the terminal, warm.
 *
 * (a) Browser: Debian's Chromium on /docs/building of the built site, served
 *     by a lab server started here; the `docker images` block is clicked
 *     RUNS times (after WARMUP clicks that open the dock and load xterm).
 *     Times are taken inside the page, from the click event's timeStamp:
 *       - to the `run` frame leaving the page,
 *       - to the first `output` frame arriving (WebSocket message event),
 *       - to the first new text in xterm's buffer (window.__labTerminalText,
 *         checked on every animation frame: what the reader can see).
 * (b) WebSocket alone: a protocol client sends `run` and times the first
 *     `output` frame.
 *
 *   npx tsx bench/first-byte.ts [--json]   (BENCH_RUNS=50, BENCH_PORT=3201, BENCH_SITE_DIR=build)
 */
import {BenchClient, Report, median, quantile, r1, startLabServer, within, runIfMain} from './lib';
import {hookedPage, launch, withReader} from './browser';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const WARMUP = 5;
const TARGET_MS = 50;

export async function main(): Promise<Report> {
  const report = new Report('first-byte');
  const lab = await startLabServer({
    port: Number(process.env.BENCH_PORT ?? 3201),
    env: {LAB_SITE_DIR: process.env.BENCH_SITE_DIR ?? 'build', LAB_MAX_SESSIONS_PER_CLIENT: '100'},
  });
  try {
    // ---- (a) the browser
    const browser = await launch();
    try {
      const page = await hookedPage(browser);
      await withReader(page, lab.url); // a Run without a lab name asks for one first
      await page.goto(`${lab.url}/docs/building`);
      const block = page
        .locator('[data-testid="runnable-block"]')
        .filter({has: page.locator('pre', {hasText: /^docker images$/})})
        .first();
      const button = block.getByTestId('run-button');
      await block.scrollIntoViewIfNeeded();
      await page.evaluate(() => {
        const w = window as unknown as {__bench: Record<string, unknown>};
        document.addEventListener(
          'click',
          (ev) => {
            if (!(ev.target as Element).closest?.('[data-testid="run-button"]')) return;
            const B = w.__bench;
            B.clickAt = ev.timeStamp;
            const before = (window as unknown as {__labTerminalText?: () => string}).__labTerminalText?.() ?? '';
            B.textAt = 0;
            const poll = () => {
              const now = (window as unknown as {__labTerminalText?: () => string}).__labTerminalText?.() ?? '';
              if (now !== before) B.textAt = performance.now();
              else requestAnimationFrame(poll);
            };
            requestAnimationFrame(poll);
          },
          true,
        );
      });
      const send: number[] = [];
      const frame: number[] = [];
      const text: number[] = [];
      const more = within(240_000);
      for (let i = 0; i < WARMUP + RUNS && more(); i++) {
        await button.click();
        await page.waitForFunction(
          () => {
            const B = (window as unknown as {__bench: {endAt: number; clickAt: number; textAt: number}}).__bench;
            return B.endAt > B.clickAt && B.textAt > 0;
          },
          undefined,
          {timeout: 30_000, polling: 20},
        ).catch(async (err) => {
          const state = await page.evaluate(() => {
            const B = (window as unknown as {__bench: Record<string, unknown>}).__bench;
            return JSON.stringify({click: B.clickAt, run: B.runSentAt, first: B.firstOutputAt, end: B.endAt, text: B.textAt});
          });
          throw new Error(`run ${i} did not finish: ${state}: ${String(err)}`);
        });
        const m = await page.evaluate(() => {
          const B = (window as unknown as {__bench: Record<string, number>}).__bench;
          return {click: B.clickAt!, run: B.runSentAt!, first: B.firstOutputAt!, text: B.textAt!, exit: B.endExit!};
        });
        if (m.exit !== 0) throw new Error(`docker images exited ${m.exit}`);
        if (i < WARMUP) continue;
        send.push(m.run - m.click);
        frame.push(m.first - m.click);
        text.push(m.text - m.click);
      }
      const renderer = await page.locator('[data-renderer]').first().getAttribute('data-renderer').catch(() => '?');
      report.info(`browser: ${text.length} runs after ${WARMUP} warm-up runs; xterm renderer ${renderer}`);
      report.add({name: 'browser click → run frame sent, p50/p95', value: `${r1(median(send))} / ${r1(quantile(send, 0.95))}`, unit: 'ms'});
      report.add({name: 'browser click → first output frame received, p50/p95', value: `${r1(median(frame))} / ${r1(quantile(frame, 0.95))}`, unit: 'ms'});
      const p95 = quantile(text, 0.95);
      report.add({
        name: 'browser click → first output in the terminal (animation frame), p50/p95',
        value: `${r1(median(text))} / ${r1(p95)}`,
        unit: 'ms',
        target: `p95 < ${TARGET_MS} ms`,
        met: p95 < TARGET_MS,
        note: `n=${text.length}, max ${r1(Math.max(...text))} ms`,
      });
    } finally {
      await browser.close();
    }

    // ---- (b) the WebSocket alone
    const client = await BenchClient.connect(lab.wsUrl);
    try {
      const first: number[] = [];
      const more = within(120_000);
      for (let i = 0; i < WARMUP + RUNS && more(); i++) {
        const r = await client.run('docker images');
        if (r.exitCode !== 0) throw new Error(`docker images exited ${r.exitCode}`);
        if (i >= WARMUP) first.push(r.firstOutputMs);
      }
      const p95 = quantile(first, 0.95);
      report.add({
        name: 'WebSocket run → first output frame, p50/p95',
        value: `${r1(median(first))} / ${r1(p95)}`,
        unit: 'ms',
        target: `p95 < ${TARGET_MS} ms`,
        met: p95 < TARGET_MS,
        note: `n=${first.length}, max ${r1(Math.max(...first))} ms`,
      });
    } finally {
      await client.close();
    }
  } finally {
    await lab.stop();
  }
  report.done();
  return report;
}

runIfMain(module, main);
