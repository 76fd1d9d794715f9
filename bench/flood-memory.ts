/**
 * Issue 12 point 7: server memory under the flow-control attack. One client
 * acknowledges Number.MAX_SAFE_INTEGER, stops reading its socket and sends
 * 25,000 resize frames (each would redraw the prompt) plus pings; the
 * server's RSS (VmRSS from /proc, sampled every 50 ms) is printed before,
 * at its peak over 6 s, and what became of the connection. Before the fix
 * RSS grew from 113 to 292 MB in 6 s.
 *
 *   npx tsx bench/flood-memory.ts [--json]   (BENCH_PORT=3207)
 */
import WebSocket from 'ws';
import {PROTOCOL_VERSION, encode} from '../src/protocol';
import {BENCH_LESSONS, Report, r1, runIfMain, sleep, startLabServer} from './lib';

const MiB = 1024 * 1024;
const TARGET_GROWTH_MB = 50;

export async function main(): Promise<Report> {
  const report = new Report('flood-memory');
  const lab = await startLabServer({port: Number(process.env.BENCH_PORT ?? 3207), env: {LAB_LESSONS_DIR: BENCH_LESSONS}});
  try {
    await sleep(1000);
    const before = lab.memory().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, lab.memory().rss);
    }, 50);
    const ws = new WebSocket(lab.wsUrl);
    await new Promise((r) => ws.once('open', r));
    let closed: string | null = null;
    ws.on('close', (code, reason) => (closed = `${code} ${reason.toString()}`));
    ws.send(encode({t: 'hello', v: PROTOCOL_VERSION, cols: 80, rows: 24}));
    await sleep(200);
    ws.send(encode({t: 'ack', seq: Number.MAX_SAFE_INTEGER}));
    // Stop reading: the server's frames pile up unless it bounds them.
    (ws as unknown as {_socket: {pause(): void}})._socket.pause();
    for (let i = 0; i < 25_000 && ws.readyState === WebSocket.OPEN; i++) {
      ws.send(encode({t: 'resize', cols: 2 + (i % 998), rows: 1 + (i % 999)}));
      if (i % 10 === 0) ws.send(encode({t: 'ping'}));
      if (i % 1000 === 0) await sleep(0);
    }
    await sleep(6000);
    clearInterval(sampler);
    const growth = (peak - before) / MiB;
    report.info(`connection: ${closed ?? 'no close seen (this client reads nothing, so it cannot see the server\'s close frame)'}`);
    report.add({name: 'server RSS before the attack', value: r1(before / MiB), unit: 'MiB'});
    report.add({
      name: 'server RSS growth at peak during the attack (6 s)',
      value: r1(growth),
      unit: 'MiB',
      target: `< ${TARGET_GROWTH_MB} MiB`,
      met: growth < TARGET_GROWTH_MB,
    });
    ws.terminate();
    report.done();
    return report;
  } finally {
    await lab.stop();
  }
}

runIfMain(module, main);
