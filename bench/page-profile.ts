/**
 * A CPU profile of the page's main thread over the Chrome DevTools Protocol,
 * summed by the script each sample was in (the site's bundles are minified,
 * so scripts say more than function names): xterm's core (parser, buffer, DOM
 * renderer), xterm's WebGL addon, the main bundle (React, the session client),
 * the benchmark's own WebSocket hook, and V8's own (GC, idle, program).
 */
import type {Page} from '@playwright/test';

interface ProfileNode {
  id: number;
  callFrame: {functionName: string; url: string; lineNumber: number; columnNumber: number};
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface PageProfiler {
  stop(): Promise<{byPart: Array<[string, number]>; topFunctions: Array<[string, number]>; totalMs: number}>;
}

/** Name a script by what it holds (a production build's chunk names are hashes). */
async function partOf(page: Page, url: string, cache: Map<string, string>): Promise<string> {
  if (!url) return '(no script)';
  const known = cache.get(url);
  if (known) return known;
  let name = url.replace(/^.*\//, '');
  try {
    const text = await (await page.context().request.get(url)).text();
    if (text.includes('xterm-helper-textarea')) name = 'xterm core (parser, buffer, DOM renderer)';
    else if (text.includes('WebglAddon') && text.length > 50_000) name = 'xterm WebGL addon';
    else if (text.includes('ackBytes')) name = 'main bundle (React, session client)';
    else if (text.includes('attachSink')) name = 'TerminalDock xterm glue';
  } catch {
    /* keep the file name */
  }
  cache.set(url, name);
  return name;
}

export async function startPageProfile(page: Page): Promise<PageProfiler> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', {interval: 500});
  await cdp.send('Profiler.start');
  return {
    async stop() {
      const {profile} = (await cdp.send('Profiler.stop')) as unknown as {profile: Profile};
      await cdp.detach();
      const self = new Map<number, number>();
      profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
      const cache = new Map<string, string>();
      const byPart = new Map<string, number>();
      const byFn = new Map<string, number>();
      let total = 0;
      for (const n of profile.nodes) {
        const us = self.get(n.id) ?? 0;
        if (!us) continue;
        total += us;
        const {functionName, url, lineNumber, columnNumber} = n.callFrame;
        let part: string;
        if (!url && /^\((idle|program|garbage collector)\)$/.test(functionName)) part = functionName;
        else if (!url) part = '(no script: browser code, e.g. JSON.parse, layout)';
        else if (url.startsWith('http')) part = await partOf(page, url, cache);
        else part = '(benchmark hook)';
        byPart.set(part, (byPart.get(part) ?? 0) + us);
        const fn = `${functionName || '(anonymous)'} ${url ? `${part.replace(/ \(.*/, '')}:${lineNumber + 1}:${columnNumber + 1}` : ''}`;
        byFn.set(fn, (byFn.get(fn) ?? 0) + us);
      }
      const sorted = (m: Map<string, number>) => [...m.entries()].map(([k, v]) => [k, v / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
      return {byPart: sorted(byPart), topFunctions: sorted(byFn).slice(0, 12), totalMs: total / 1000};
    },
  };
}
