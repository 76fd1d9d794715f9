/**
 * The browser side of the benchmarks: Debian's Chromium through Playwright,
 * with the flags of playwright.config.ts, and an init script that watches the
 * page's WebSocket (frames in and out, with performance.now() stamps) and its
 * long tasks. Nothing in src/ is changed: the hook wraps window.WebSocket.
 */
import {chromium, type Browser, type Page} from '@playwright/test';
import {CHROMIUM_ARGS, CHROMIUM_PATH} from '../e2e/chromium';

/** BENCH_CHROMIUM_ARGS adds flags for an experiment (e.g. `--disable-webgl`: xterm's DOM renderer). */
export function launch(): Promise<Browser> {
  const extra = process.env.BENCH_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [];
  return chromium.launch({executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extra]});
}

/**
 * Installed before any page script. `window.__bench`:
 * - `ws`: the page's lab socket (to send a frame as a block would);
 * - `runSentAt`/`firstOutputAt`: the last `run` frame sent and the first `output` frame after it;
 * - `out`: output frames received (count, bytes, last seq, per-seq byte sizes are summed into `ackedBytes`
 *   once the page acks them; the page acks only from xterm's write callback, i.e. parsed into the buffer);
 * - `needle`: count occurrences of a string across output frames (with carry between frames);
 * - `longest`: longest main-thread task (PerformanceObserver 'longtask') since `resetLongTasks()`.
 */
export const PAGE_HOOK = `(() => {
  // tsx (esbuild keepNames) wraps named functions in page.evaluate callbacks with __name().
  globalThis.__name = (f) => f;
  const B = (window.__bench = {
    ws: null, runSentAt: 0, firstOutputAt: 0, endAt: 0, endExit: null, endBlock: null,
    out: {frames: 0, bytes: 0, lastSeq: 0}, ackedSeq: 0, ackedBytes: 0, lastAckAt: 0, sizes: new Map(),
    needle: '', needleCount: 0, carry: '', clipped: false,
    longest: 0, longTasks: 0, since: 0,
    resetLongTasks() { B.longest = 0; B.longTasks = 0; B.since = performance.now(); },
  });
  const enc = new TextEncoder();
  const utf8 = (s) => { let n = 0; for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); n += c < 0x80 ? 1 : c < 0x800 ? 2 : (c >= 0xd800 && c <= 0xdbff) ? (i++, 4) : 3; } return n; };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.startTime < B.since) continue;
        B.longTasks++;
        if (e.duration > B.longest) B.longest = e.duration;
      }
    }).observe({type: 'longtask', buffered: false});
  } catch (e) {}
  const Native = window.WebSocket;
  class Hooked extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (String(url).includes('/companion/ws')) {
        B.ws = this;
        this.addEventListener('message', (ev) => {
          const at = performance.now();
          if (typeof ev.data !== 'string') return;
          // Cheap prefix checks first: output frames are most of the traffic.
          if (ev.data.startsWith('{"t":"output"')) {
            const m = JSON.parse(ev.data);
            if (B.runSentAt && !B.firstOutputAt) B.firstOutputAt = at;
            B.out.frames++;
            const n = utf8(m.data);
            B.out.bytes += n;
            B.out.lastSeq = m.seq;
            B.sizes.set(m.seq, n);
            if (m.data.includes('[output clipped')) B.clipped = true;
            if (B.needle) {
              const s = B.carry + m.data;
              let i = 0;
              for (;;) { i = s.indexOf(B.needle, i); if (i < 0) break; B.needleCount++; i += B.needle.length; }
              B.carry = s.slice(-(B.needle.length - 1));
            }
          } else if (ev.data.startsWith('{"t":"command-end"')) {
            const m = JSON.parse(ev.data);
            B.endAt = at; B.endExit = m.exitCode; B.endBlock = m.blockId ?? null;
          }
        });
      }
    }
    send(data) {
      if (this === B.ws && typeof data === 'string') {
        if (data.startsWith('{"t":"run"')) { B.runSentAt = performance.now(); B.firstOutputAt = 0; B.endAt = 0; }
        else if (data.startsWith('{"t":"ack"')) {
          const seq = JSON.parse(data).seq;
          for (let s = B.ackedSeq + 1; s <= seq; s++) { B.ackedBytes += B.sizes.get(s) ?? 0; B.sizes.delete(s); }
          if (seq > B.ackedSeq) { B.ackedSeq = seq; B.lastAckAt = performance.now(); }
        }
      }
      return super.send(data);
    }
  }
  window.WebSocket = Hooked;
})();`;

export async function hookedPage(browser: Browser): Promise<Page> {
  const ctx = await browser.newContext({viewport: {width: 1280, height: 900}});
  await ctx.addInitScript({content: PAGE_HOOK});
  return ctx.newPage();
}

/**
 * Give the page's browser context a reader, as the dock's name form makes one (a POST from the lab's
 * own origin; the cookie lands in the context): a Run without a lab name asks for one first.
 * Returns the lab name.
 */
export async function withReader(page: Page, labUrl: string, prefix = 'bench'): Promise<string> {
  const name = `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const made = await page.context().request.post(`${labUrl}/companion/reader`, {data: {name}, headers: {origin: labUrl}});
  if (made.status() !== 201) throw new Error(`no reader: ${made.status()} ${await made.text()}`);
  return name;
}
