/**
 * Figure 3: a build step that prints 20 MB (312,500 lines of 64 bytes)
 * through the server into xterm.js in the page.
 *
 * Browser: /docs/building in Debian's Chromium; a cheap block is run first
 * (the dock opens, xterm loads); then the page's own socket sends the `run`
 * frame a Dockerfile block's Build sends (context "hello", the Dockerfile
 * below, `docker build --no-cache .`), so the output flows through the
 * page's session client into xterm as any build's does. Counted in the page
 * (bench/browser.ts wraps window.WebSocket; nothing in src/ changes):
 *   - bytes of `output` frames received, and bytes the page acknowledged;
 *     the page acks a chunk only from xterm's write callback (parsed into
 *     the terminal buffer), so acked bytes = bytes that reached xterm;
 *   - the 63-character payload lines found in the frames (must be 312,500);
 *   - the longest main-thread task while streaming (PerformanceObserver 'longtask').
 * Time: from the `run` frame to the page's last ack (all drawn) after command-end.
 * For a breakdown the same build is also timed over the WebSocket alone (a
 * client that acks at once) and with the docker CLI (output to /dev/null).
 * Each browser and WebSocket run also prints the CPU seconds each part of the
 * path used while it streamed (bench/cpu.ts: engine, build containers, lab
 * server, Chromium by process), and with BENCH_TP_PAGE_PROFILE=1 the page's
 * CPU profile by script (bench/page-profile.ts). Last, Ctrl-C is pressed
 * during a 20 MB flood once 3 MB were drawn (BENCH_TP_CTRLC=0 skips it).
 *
 *   npx tsx bench/throughput.ts [--json]   (BENCH_PORT=3203, BENCH_SITE_DIR=build)
 */
import {mkdtempSync, rmSync, writeFileSync, cpSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {BenchClient, NO_DOCKER_CLI, ROOT, Report, dockerCli, r1, startLabServer, runIfMain} from './lib';
import {hookedPage, launch, withReader} from './browser';
import {cpuDelta, formatCpu, sampleCpu, type CpuParts} from './cpu';
import {startPageProfile} from './page-profile';

const LINE = '0123456789abcdef'.repeat(3) + '0123456789abcde'; // 63 characters + "\n" = 64 bytes
/** Sizes streamed, bytes: 20 MB (the target) and 6 MB (below the size at which this engine stops streaming the step's log). */
const SIZES = (process.env.BENCH_TP_SIZES ?? '20000000,6000000').split(',').map(Number);
const dockerfileFor = (bytes: number) => `FROM busybox\nRUN yes ${LINE} | head -c ${bytes}\n`;
const TARGET_MBPS = 10;
const TARGET_TASK_MS = 200;
const MB = 1e6;

export async function main(): Promise<Report> {
  const report = new Report('throughput');
  const lab = await startLabServer({
    port: Number(process.env.BENCH_PORT ?? 3203),
    env: {LAB_SITE_DIR: process.env.BENCH_SITE_DIR ?? 'build'},
  });
  // CPU seconds per part of the path while a build streams (bench/cpu.ts): where the time goes, whatever the load.
  const engineSock = /^unix:\/\/(.*)\/run\/docker\.sock$/.exec(process.env.DOCKER_HOST ?? '')?.[1];
  const cpuParts = (browser?: boolean): CpuParts => ({
    server: lab.pid,
    browser,
    engineMarker: engineSock ? `${engineSock}/exec` : undefined,
    buildCgroup: process.env.LAB_BUILD_CGROUP,
  });
  try {
    const browserPart = async (SIZES: number[], ctrlC = false) => {
    // ---- the browser
    const browser = await launch();
    try {
      const page = await hookedPage(browser);
      const name = await withReader(page, lab.url);
      await page.goto(`${lab.url}/docs/building`);
      const block = page.locator('[data-testid="runnable-block"]').filter({has: page.locator('pre', {hasText: /^docker images$/})}).first();
      await block.scrollIntoViewIfNeeded();
      await block.getByTestId('run-button').click();
      await page.waitForFunction(() => (window as unknown as {__bench: {endAt: number}}).__bench.endAt > 0, undefined, {timeout: 30_000});
      await page.waitForTimeout(500);
      for (const BYTES of SIZES) {
      const LINES = BYTES / 64;
      const DOCKERFILE = dockerfileFor(BYTES);
      const MBs = `${BYTES / MB} MB`;
      await page.evaluate(() => { (window as unknown as {__bench: {endBlock: string | null; endAt: number}}).__bench.endBlock = null; });
      const profiler = process.env.BENCH_TP_PAGE_PROFILE ? await startPageProfile(page) : null;
      const cpu0 = sampleCpu(cpuParts(true));
      const t0 = performance.now();
      await page.evaluate(
        ({dockerfile, line, image}) => {
          const B = (window as unknown as {__bench: Record<string, unknown> & {ws: WebSocket; resetLongTasks(): void; out: {bytes: number; frames: number}}}).__bench;
          B.needle = line;
          B.needleCount = 0;
          B.carry = '';
          B.out.bytes = 0;
          B.out.frames = 0;
          B.ackedBytes = 0;
          B.resetLongTasks();
          B.ws.send(JSON.stringify({t: 'context', context: 'hello', dockerfile}));
          B.ws.send(JSON.stringify({t: 'run', blockId: `bench-throughput-${dockerfile.length}`, command: `docker build --no-cache -t ${image} .`, context: 'hello'}));
        },
        {dockerfile: DOCKERFILE, line: LINE, image: `${name}/bench-throughput`},
      );
      // Poll progress (bounded): done when command-end came and the page acked the last chunk.
      const limitMs = Number(process.env.BENCH_STREAM_LIMIT_MS ?? (BYTES > 10e6 ? 45_000 : 60_000));
      const progress: string[] = [];
      let finished = false;
      while (performance.now() - t0 < limitMs) {
        await page.waitForTimeout(2000);
        const p = await page.evaluate(() => {
          const B = (window as unknown as {__bench: {endAt: number; endBlock: string; ackedSeq: number; ackedBytes: number; out: {lastSeq: number; bytes: number}; needleCount: number}}).__bench;
          return {done: !!B.endBlock && B.endBlock.startsWith('bench-throughput') && B.endAt > 0 && B.ackedSeq >= B.out.lastSeq, bytes: B.out.bytes, acked: B.ackedBytes, lines: B.needleCount};
        });
        progress.push(`${r1((performance.now() - t0) / 1000)}s:${(p.acked / MB).toFixed(1)}MB`);
        if (p.done) {
          finished = true;
          break;
        }
      }
      const cpu = cpuDelta(cpu0, sampleCpu(cpuParts(true)));
      report.info(`browser ${MBs} progress (acked MB): ${progress.join(' ')}`);
      const renderer = await page.locator('[data-renderer]').first().getAttribute('data-renderer').catch(() => '?');
      report.info(`browser ${MBs}: xterm renderer ${renderer}; CPU seconds while streaming: ${formatCpu(cpu)}`);
      if (profiler) {
        const p = await profiler.stop();
        report.info(`browser ${MBs}: page main thread, ${r1(p.totalMs)} ms sampled: ${p.byPart.map(([k, ms]) => `${k} ${r1((ms / p.totalMs) * 100)} %`).join(', ')}`);
        report.info(`browser ${MBs}: hottest page functions: ${p.topFunctions.map(([k, ms]) => `${k} ${r1(ms)} ms`).join('; ')}`);
      }
      if (!finished) report.info(`browser ${MBs}: not finished after ${limitMs / 1000} s: figures below are for the part that arrived`);
      const m = await page.evaluate(() => {
        const B = (window as unknown as {__bench: Record<string, number> & {out: Record<string, number>}}).__bench as unknown as Record<string, number> & {out: {bytes: number; frames: number}; clipped: boolean};
        const n = (k: string) => B[k] ?? 0;
        return {
          sent: n('runSentAt'), end: n('endAt'), lastAck: n('lastAckAt'), first: n('firstOutputAt'),
          bytes: B.out.bytes, frames: B.out.frames, acked: n('ackedBytes'), lines: n('needleCount'),
          clipped: B.clipped, longest: n('longest'), longTasks: n('longTasks'), exit: n('endExit'),
        };
      });
      const wall = performance.now() - t0;
      const secs = finished ? (m.lastAck - m.sent) / 1000 : (performance.now() - t0) / 1000;
      const mbps = (m.lines * 64) / MB / secs;
      const dropped = LINES - m.lines;
      if (finished && m.exit !== 0) {
        const shown = await page.evaluate(() => (window as unknown as {__labTerminalText?: () => string}).__labTerminalText?.() ?? '');
        report.info(`browser ${MBs}: the terminal ends with: ${JSON.stringify(shown.trimEnd().slice(-600))}`);
      }
      report.info(`browser ${MBs}: exit ${finished ? m.exit : 'none yet'}, ${m.frames} output frames, ${(m.bytes / MB).toFixed(2)} MB of terminal output (payload plus BuildKit's "#N t.ttt " prefixes and CRLF), ${(m.acked / MB).toFixed(2)} MB acknowledged after xterm parsed it; ${r1(secs)} s from run to last ack (wall ${r1(wall / 1000)} s, first output ${r1(m.first - m.sent)} ms)`);
      report.add({
        name: `browser ${MBs}: payload into xterm, MB/s (payload bytes that arrived / time)`,
        value: r1(mbps),
        unit: 'MB/s',
        target: `≥ ${TARGET_MBPS} MB/s`,
        met: mbps >= TARGET_MBPS,
        note: `${r1(secs)} s; terminal bytes ${r1(m.acked / MB / secs)} MB/s`,
      });
      report.add({
        name: `browser ${MBs}: payload lines that reached the page / expected`,
        value: `${m.lines} / ${LINES}`,
        target: 'nothing dropped',
        // More matches than lines: the printer repeats a half-printed line when it switches steps.
        met: finished && dropped <= 0 && m.acked === m.bytes && !m.clipped,
        note: `acked bytes ${m.acked} of ${m.bytes} received${m.clipped ? '; BuildKit printed "[output clipped"' : '; no "[output clipped"'}`,
      });
      report.add({
        name: `browser ${MBs}: longest main-thread task while streaming`,
        value: r1(m.longest),
        unit: 'ms',
        target: `≤ ${TARGET_TASK_MS} ms`,
        met: m.longest <= TARGET_TASK_MS,
        note: `${m.longTasks} long tasks (> 50 ms)`,
      });
      if (!finished) {
        // The build is still streaming (or stuck): a new page ends this session and its build.
        await page.goto('about:blank');
        break;
      }
      }
      if (ctrlC) await ctrlCDuringFlood(page, name, report);
    } finally {
      await browser.close();
    }

    };
    const small = Math.min(...SIZES);
    await browserPart([small]);

    // ---- the WebSocket alone (acks at once), and the CLI: the size the engine streams completely
    {
    const BYTES = small;
    const LINES = BYTES / 64;
    const DOCKERFILE = dockerfileFor(BYTES);
    const client = await BenchClient.connect(lab.wsUrl);
    try {
      let lines = 0;
      let carry = '';
      let tail = '';
      let rate = '';
      const tWs = performance.now();
      let nextMark = 1;
      client.onOutput((d) => {
        tail = (tail + d).slice(-600);
        if (client.outputBytes >= nextMark * 4e6) {
          rate += ` ${r1((performance.now() - tWs) / 1000)}s:${(client.outputBytes / MB).toFixed(0)}MB`;
          nextMark++;
        }
        const s = carry + d;
        for (let i = s.indexOf(LINE); i >= 0; i = s.indexOf(LINE, i + LINE.length)) lines++;
        carry = s.slice(-(LINE.length - 1));
      });
      const before = client.outputBytes;
      const cpuWs0 = sampleCpu(cpuParts());
      const tRun = performance.now();
      const r = await client
        .run('docker build --no-cache .', {context: 'hello', dockerfile: DOCKERFILE}, 60_000)
        .catch(() => ({exitCode: NaN, endMs: performance.now() - tRun, firstOutputMs: NaN}));
      if (Number.isNaN(r.exitCode)) report.info(`WebSocket alone: not finished after 60 s`);
      const secs = r.endMs / 1000;
      report.add({
        name: `WebSocket alone ${BYTES / MB} MB: payload MB/s`,
        value: r1((lines * 64) / MB / secs),
        unit: 'MB/s',
        note: `exit ${r.exitCode}, ${r1(secs)} s, ${lines}/${LINES} lines, ${((client.outputBytes - before) / MB).toFixed(2)} MB of frames`,
      });
      report.info(`WebSocket alone: progress${rate}`);
      report.info(`WebSocket alone: CPU seconds: ${formatCpu(cpuDelta(cpuWs0, sampleCpu(cpuParts())))}`);
      if (r.exitCode !== 0 || lines !== LINES) report.info(`WebSocket alone: output ended with: ${JSON.stringify(tail.slice(-400))}`);
    } finally {
      await client.close();
    }

    // ---- the docker CLI, same build (the engine's own speed)
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-tp-'));
    try {
      cpSync(path.join(ROOT, 'lessons/hello'), dir, {recursive: true});
      writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
      const t = performance.now();
      const cliLimit = Number(process.env.BENCH_CLI_LIMIT_MS ?? 60_000);
      const res = dockerCli(['build', '--progress=plain', '--no-cache', '-t', 'bench-cli-throughput', dir], {}, undefined, cliLimit);
      if (!res) report.info(`docker CLI, same build: ${NO_DOCKER_CLI}`);
      else if (res.error && res.status === null && !/ETIMEDOUT/.test(String(res.error))) {
        report.info(`docker CLI, same build: could not run it (${res.error.message})`);
      } else {
        const timedOut = res.status === null;
        const secs = (performance.now() - t) / 1000;
        const lines = (res.stderr.match(new RegExp(LINE, 'g')) ?? []).length;
        report.add({
          name: `docker CLI ${BYTES / MB} MB, same build (output to a pipe): payload MB/s`,
          value: r1((lines * 64) / MB / secs),
          unit: 'MB/s',
          note: `${timedOut ? `stopped after the ${cliLimit / 1000} s limit` : `exit ${res.status}`}, ${r1(secs)} s, ${lines}/${LINES} lines${res.stderr.includes('[output clipped') ? ', output clipped' : ''}`,
        });
      }
    } finally {
      dockerCli(['rmi', '-f', 'bench-cli-throughput']);
      rmSync(dir, {recursive: true, force: true});
    }
    }
    // Last: the sizes above what this engine streams (it may stay busy for a while afterwards).
    const large = SIZES.filter((b) => b !== small);
    if (large.length) await browserPart(large, process.env.BENCH_TP_CTRLC !== '0');
  } finally {
    await lab.stop();
  }
  report.done();
  return report;
}

/**
 * Ctrl-C while a 20 MB step floods the page: once 3 MB were drawn, the page sends Ctrl-C (as
 * xterm's onData would); timed from then to command-end, and to the last ack (everything the
 * server still held, and the CANCELED lines, drawn).
 */
async function ctrlCDuringFlood(page: import('@playwright/test').Page, reader: string, report: Report): Promise<void> {
  type B = {ws: WebSocket; endAt: number; endExit: number | null; endBlock: string | null; ackedBytes: number; lastAckAt: number; ackedSeq: number; out: {lastSeq: number}};
  await page.evaluate(
    ({dockerfile, image}) => {
      const b = (window as unknown as {__bench: B}).__bench;
      b.endBlock = null;
      b.endAt = 0;
      b.ackedBytes = 0;
      b.ws.send(JSON.stringify({t: 'context', context: 'hello', dockerfile}));
      b.ws.send(JSON.stringify({t: 'run', blockId: 'bench-ctrlc', command: `docker build --no-cache -t ${image} .`, context: 'hello'}));
    },
    {dockerfile: dockerfileFor(20e6) + '# ctrl-c\n', image: `${reader}/bench-ctrlc`},
  );
  await page.waitForFunction(() => (window as unknown as {__bench: B}).__bench.ackedBytes > 3e6, undefined, {timeout: 60_000, polling: 50});
  const t = await page.evaluate(() => {
    const b = (window as unknown as {__bench: B}).__bench;
    b.ws.send(JSON.stringify({t: 'input', data: '\x03'}));
    return window.performance.now(); // (window.: tsx would make a bare `performance` the node import)
  });
  await page.waitForFunction(() => (window as unknown as {__bench: B}).__bench.endBlock === 'bench-ctrlc', undefined, {timeout: 60_000, polling: 50});
  // All drawn: the last ack covers the last output frame.
  await page.waitForFunction(() => {
    const b = (window as unknown as {__bench: B}).__bench;
    return b.ackedSeq >= b.out.lastSeq;
  }, undefined, {timeout: 60_000, polling: 50});
  const m = await page.evaluate(() => {
    const b = (window as unknown as {__bench: B}).__bench;
    return {end: b.endAt, exit: b.endExit, lastAck: b.lastAckAt, acked: b.ackedBytes};
  });
  report.add({
    name: 'browser: Ctrl-C during a 20 MB flood (after 3 MB drawn) → command-end / all drawn',
    value: `${r1(m.end - t)} / ${r1(Math.max(m.lastAck, m.end) - t)}`,
    unit: 'ms',
    note: `exit ${m.exit}; ${(m.acked / MB).toFixed(1)} MB drawn in all`,
  });
}

runIfMain(module, main);
