import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {BUILDX_HEADER, BuildOutput, flavorForEngine} from '../../src/render/build';
import {BuildkitPlainPrinter, type PlainPrinterOptions} from '../../src/render/buildkit-printer';
import {type SolveStatus, type Vertex, type VertexLog, type VertexStatus, decodeTrace} from '../../src/render/buildkit-status';
import {cli, FIXTURES, messages} from './recorded';

const stripRed = (s: string) => s.replace(/\x1b\[31m([\s\S]*?)\x1b\[0m/g, '$1');

/**
 * Render a recorded stream as the server does, one message at a time, with a clock that advances
 * `stepMs` per message. The docker-20.10 references were captured by replaying the same stream to
 * `DOCKER_BUILDKIT=1 /usr/bin/docker build --progress=plain` from a fake engine, 400 ms apart (so
 * that the CLI, which prints at most every 100 ms, printed after each message).
 */
function renderBuild(name: string, opts: {flavor: 'buildx' | 'docker-20.10'; stepMs?: number; rateLimitMs?: number}) {
  let t = 0;
  const out = new BuildOutput({builder: 'buildkit', cols: 120, flavor: opts.flavor, now: () => t, rateLimitMs: opts.rateLimitMs});
  let text = '';
  for (const m of messages(name)) {
    text += out.write(m);
    t += opts.stepMs ?? 400;
  }
  text += out.finish();
  return {out, text};
}

// --- synthetic updates -------------------------------------------------------------------------

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (ms: number) => new Date(T0 + ms);
const enc = new TextEncoder();

function vtx(digest: string, name: string, o: Partial<Vertex> = {}): Vertex {
  return {digest, inputs: [], name, cached: false, error: '', ...o};
}
function log(vertex: string, text: string | Uint8Array, ms: number, stream = 1): VertexLog {
  return {vertex, stream, msg: typeof text === 'string' ? enc.encode(text) : text, timestamp: at(ms)};
}
function st(p: Partial<SolveStatus>): SolveStatus {
  return {vertexes: [], statuses: [], logs: [], ...p};
}
function printer(opts: PlainPrinterOptions = {}) {
  let now = 0;
  const p = new BuildkitPlainPrinter({now: () => now, ...opts});
  return {
    p,
    write: (s: Partial<SolveStatus>) => p.write(st(s)),
    setNow: (ms: number) => {
      now = ms;
    },
  };
}

describe('decodeTrace', () => {
  it('decodes the engine trace, RUN output as real bytes (not base64)', () => {
    const traces = messages('buildkit-ok.ndjson').filter((m) => m.id === 'moby.buildkit.trace');
    const all = traces.map((m) => decodeTrace(m.aux as string));
    const logs = all.flatMap((s) => s.logs);
    const text = logs.map((l) => new TextDecoder().decode(l.msg)).join('');
    expect(text).toContain('hello from RUN\n');
    expect(text).toContain('to stderr\n');
    expect(text).not.toContain('aGVsbG8'); // base64 of "hello"
    for (const l of logs) {
      expect(l.msg).toBeInstanceOf(Uint8Array);
      expect(l.timestamp).toBeInstanceOf(Date);
      expect([1, 2]).toContain(l.stream);
    }
    const run = all.flatMap((s) => s.vertexes).find((v) => v.name.startsWith('[3/3] RUN'));
    expect(run?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run?.inputs.length).toBe(1);
    const done = all.flatMap((s) => s.vertexes).filter((v) => v.completed);
    expect(done.length).toBeGreaterThan(0);
    for (const v of done) expect(v.completed!.getUTCFullYear()).toBeGreaterThanOrEqual(2024);
    const statuses = all.flatMap((s) => s.statuses);
    expect(statuses.map((s) => s.id)).toContain('exporting layers');
  });

  it('an empty aux is an empty status', () => {
    expect(decodeTrace('')).toEqual({vertexes: [], statuses: [], logs: [], warnings: []});
  });

  it('rejects garbage', () => {
    expect(() => decodeTrace('////')).toThrow();
  });
});

describe('plain printer, docker-20.10 flavour, against the real CLI fed the same streams', () => {
  it('successful build: byte for byte', () => {
    expect(renderBuild('buildkit-ok.ndjson', {flavor: 'docker-20.10'}).text).toBe(cli('buildkit-ok.docker-20.10.txt'));
  });

  it('second build, everything CACHED', () => {
    expect(renderBuild('buildkit-cached.ndjson', {flavor: 'docker-20.10'}).text).toBe(
      cli('buildkit-cached.docker-20.10.txt'),
    );
  });

  it('RUN false: same text, ours with the ERROR lines in red', () => {
    const {text} = renderBuild('buildkit-fail.ndjson', {flavor: 'docker-20.10'});
    expect(stripRed(text)).toBe(cli('buildkit-fail.docker-20.10.txt'));
    expect(text).toMatch(/\x1b\[31m#\d+ ERROR: executor failed running/);
  });

  it('multi-stage build with parallel steps, unfinished lines; carriage returns drawn in place', () => {
    const {text} = renderBuild('buildkit-multi.ndjson', {flavor: 'docker-20.10'});
    // the CLI writes a log's bare CR as is (the terminal then overwrites the "#9 0.360 " prefix);
    // we clear the line and write the prefix again
    const ours = text.replace(/\r\x1b\[2K#\d+ \d+\.\d+ /g, '\r');
    expect(ours).toBe(cli('buildkit-multi.docker-20.10.txt'));
    expect(text).toContain('#9 0.360 progress 10%\r\x1b[2K#9 0.360 progress 50%\r\x1b[2K#9 0.360 progress 100%\r\n');
    expect(text).toContain('#9 0.360 dots... done\r\n');
    expect(text).toContain('héllo wörld ✓');
  });

  it('a failing COPY while another stage runs', () => {
    const {text} = renderBuild('buildkit-copyfail.ndjson', {flavor: 'docker-20.10'});
    expect(stripRed(text)).toBe(cli('buildkit-copyfail.docker-20.10.txt'));
  });
});

describe('plain printer, buildx flavour (the default)', () => {
  it('numbers vertexes in print order, no digest lines', () => {
    const {text, out} = renderBuild('buildkit-ok.ndjson', {flavor: 'buildx'});
    expect(text).not.toMatch(/^#\d+ sha256:/m);
    const firstSeen: number[] = [];
    for (const m of text.matchAll(/^#(\d+) /gm)) {
      const n = Number(m[1]);
      if (!firstSeen.includes(n)) firstSeen.push(n);
    }
    expect(firstSeen).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(text).toBe(
      [
        // buildx 0.13 names its builder first (bk26-*.buildx-0.13.txt)
        '#0 building with "default" instance using docker driver',
        '',
        '#1 [internal] load remote build context',
        '#1 DONE 0.0s',
        '',
        // the engine sends this step completed twice
        '#1 [internal] load remote build context',
        '#1 DONE 0.0s',
        '',
        '#2 copy /context /',
        '#2 DONE 0.1s',
        '',
        '#3 [internal] load metadata for docker.io/library/busybox:latest',
        '#3 DONE 0.0s',
        '',
        '#4 [1/3] FROM docker.io/library/busybox',
        '#4 CACHED',
        '',
        '#5 [2/3] COPY hello.txt /hello.txt',
        '#5 DONE 0.0s',
        '',
        '#6 [3/3] RUN echo "hello from RUN" && echo "to stderr" >&2 && cat /hello.txt',
        '#6 0.060 hello from RUN',
        '#6 0.061 to stderr',
        '#6 0.061 hi there',
        '#6 DONE 0.1s',
        '',
        '#7 exporting to image',
        '#7 exporting layers',
        '#7 exporting layers done',
        '#7 writing image sha256:401b0f77ff955409e1a0c84ad3db1e75adf829ffe4545daae20ba73cbdf9756a',
        '#7 writing image sha256:401b0f77ff955409e1a0c84ad3db1e75adf829ffe4545daae20ba73cbdf9756a done',
        '#7 naming to docker.io/library/fixture-ok:bk',
        '#7 naming to docker.io/library/fixture-ok:bk done',
        '#7 DONE 0.0s',
        '',
      ].join('\r\n'),
    );
    expect(out.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.error).toBeUndefined();
    // "Successfully tagged" (a stream message) is not shown, as by the CLI
    expect(text).not.toContain('Successfully');
  });

  it('failure: ERROR line, the box with the last log lines, then ERROR: failed to solve: message', () => {
    const {text, out} = renderBuild('buildkit-fail.ndjson', {flavor: 'buildx'});
    const msg = 'executor failed running [/bin/sh -c echo "about to fail" && echo "oops on stderr" >&2 && false]: exit code: 1';
    expect(out.error).toEqual({message: msg, code: 1});
    expect(out.imageId).toBeUndefined();
    expect(text.endsWith(
      [
        `\x1b[31m#5 ERROR: ${msg}\x1b[0m`,
        '------',
        ' > [2/2] RUN echo "about to fail" && echo "oops on stderr" >&2 && false:',
        '0.069 about to fail',
        '0.070 oops on stderr',
        '------',
        // buildx wraps the engine's message (bk26-fail.buildx-0.13.txt)
        `\x1b[31mERROR: failed to solve: ${msg}\x1b[0m`,
        '',
      ].join('\r\n'),
    )).toBe(true);
  });

  it('finish() prints nothing after a successful build, and only once', () => {
    const out = new BuildOutput({builder: 'buildkit', cols: 80});
    for (const m of messages('buildkit-cached.ndjson')) out.write(m);
    expect(out.finish()).toBe('');
    expect(out.finish()).toBe('');
  });

  it('a trace it cannot decode is skipped, not fatal', () => {
    const out = new BuildOutput({builder: 'buildkit', cols: 80});
    expect(out.write({id: 'moby.buildkit.trace', aux: '////'})).toBe(BUILDX_HEADER);
    expect(out.write({id: 'moby.buildkit.trace', aux: '////'})).toBe('');
    expect(out.write({id: 'moby.buildkit.trace', aux: {not: 'a string'}})).toBe('');
    expect(out.error).toBeUndefined();
  });

  it('an error before any step (bad Dockerfile) is just the ERROR line', () => {
    const out = new BuildOutput({builder: 'buildkit', cols: 80});
    expect(out.write({errorDetail: {message: 'dockerfile parse error line 1: unknown instruction: FORM'}})).toBe(BUILDX_HEADER);
    expect(out.finish()).toBe(
      '\x1b[31mERROR: failed to solve: dockerfile parse error line 1: unknown instruction: FORM\x1b[0m\r\n',
    );
  });
});

describe('which flavour for which engine', () => {
  it('buildx from Docker 23 on (docker build is buildx there), the 20.10 printer before', () => {
    expect(flavorForEngine('26.1.5+dfsg1')).toBe('buildx');
    expect(flavorForEngine('23.0.0')).toBe('buildx');
    expect(flavorForEngine('20.10.24+dfsg1')).toBe('docker-20.10');
    expect(flavorForEngine('22.06.0-beta.0')).toBe('docker-20.10');
    expect(flavorForEngine('')).toBe('buildx');
  });

  it('the 20.10 flavour keeps its own ending: no #0 line, bare error, no failed to solve', () => {
    const out = new BuildOutput({builder: 'buildkit', cols: 80, flavor: 'docker-20.10'});
    expect(out.write({errorDetail: {message: 'boom'}})).toBe('');
    expect(out.finish()).toBe('\x1b[31mboom\x1b[0m\r\n');
  });
});

describe('plain printer: logs', () => {
  it('prints an unfinished line at once and continues it', () => {
    const {write} = printer();
    expect(write({vertexes: [vtx('a', 'RUN dots', {started: at(0)})]})).toBe('#1 RUN dots\r\n');
    expect(write({logs: [log('a', 'dots', 100)]})).toBe('#1 0.100 dots');
    expect(write({logs: [log('a', '.', 500)]})).toBe('.');
    expect(write({logs: [log('a', '. done\nnext\n', 900)]})).toBe('. done\r\n#1 0.900 next\r\n');
    expect(write({vertexes: [vtx('a', 'RUN dots', {started: at(0), completed: at(1000)})]})).toBe('#1 DONE 1.0s\r\n');
  });

  it('ends an unfinished line before DONE (buildx) or not (docker 20.10)', () => {
    for (const [flavor, sep] of [
      ['buildx', '\r\n'],
      ['docker-20.10', ''],
    ] as const) {
      const {write} = printer({flavor});
      write({vertexes: [vtx('a', 'RUN x', {started: at(0)})]});
      write({logs: [log('a', 'no newline', 10)]});
      expect(write({vertexes: [vtx('a', 'RUN x', {started: at(0), completed: at(50)})]})).toBe(`${sep}#1 DONE 0.1s\r\n`);
    }
  });

  it('carriage returns: progress redrawn on the same line, CR LF treated as LF', () => {
    const {write} = printer();
    write({vertexes: [vtx('a', 'RUN p', {started: at(0)})]});
    expect(write({logs: [log('a', 'progress 10%\rprogress 50%\rprogress 100%\n', 100)]})).toBe(
      '#1 0.100 progress 10%\r\x1b[2K#1 0.100 progress 50%\r\x1b[2K#1 0.100 progress 100%\r\n',
    );
    expect(write({logs: [log('a', 'one\r\ntwo\r\n', 200)]})).toBe('#1 0.200 one\r\n#1 0.200 two\r\n');
    // a CR at the end of a message waits for what follows
    expect(write({logs: [log('a', '50%\r', 300)]})).toBe('#1 0.300 50%');
    expect(write({logs: [log('a', '60%\r', 400)]})).toBe('\r\x1b[2K#1 0.300 60%');
    expect(write({logs: [log('a', '\n', 500)]})).toBe('\r\n');
  });

  it('UTF-8 split between two messages', () => {
    const {write} = printer();
    write({vertexes: [vtx('a', 'RUN u', {started: at(0)})]});
    const bytes = enc.encode('héllo ✓\n');
    expect(write({logs: [log('a', bytes.slice(0, 2), 10)]})).toBe('#1 0.010 h');
    expect(write({logs: [log('a', bytes.slice(2), 20)]})).toBe('éllo ✓\r\n');
  });

  it('passes the log limit marker through like any line', () => {
    const {write} = printer();
    write({vertexes: [vtx('a', 'RUN loud', {started: at(0)})]});
    expect(write({logs: [log('a', 'line\n[output clipped, log limit 1MiB reached]\n', 12_345)]})).toBe(
      '#1 12.35 line\r\n#1 12.35 [output clipped, log limit 1MiB reached]\r\n',
    );
  });

  it('timestamps: 3 decimals under 10 s, 2 under 100 s, then 1', () => {
    const {write} = printer();
    write({vertexes: [vtx('a', 'RUN slow', {started: at(0)})]});
    expect(write({logs: [log('a', 'a\n', 9_999)]})).toBe('#1 9.999 a\r\n');
    expect(write({logs: [log('a', 'b\n', 99_994)]})).toBe('#1 99.99 b\r\n');
    expect(write({logs: [log('a', 'c\n', 123_456)]})).toBe('#1 123.5 c\r\n');
  });

  it('the error box keeps the last 10 lines, as shown', () => {
    const {write, p} = printer();
    write({vertexes: [vtx('a', '[2/2] RUN loop', {started: at(0)})]});
    for (let i = 1; i <= 15; i++) write({logs: [log('a', `line ${i}\n`, i * 100)]});
    write({logs: [log('a', 'x 1%\rx 99%', 1600)]});
    const end = write({vertexes: [vtx('a', '[2/2] RUN loop', {started: at(0), completed: at(1700), error: 'exit code: 1'})]});
    expect(end).toBe('\r\n\x1b[31m#1 ERROR: exit code: 1\x1b[0m\r\n');
    const box = p.finish('failed to solve: exit code: 1');
    const lines = box.split('\r\n');
    expect(lines[0]).toBe('------');
    expect(lines[1]).toBe(' > [2/2] RUN loop:');
    expect(lines.slice(2, 12)).toEqual([...[7, 8, 9, 10, 11, 12, 13, 14, 15].map((i) => `${(i / 10).toFixed(3)} line ${i}`), '1.600 x 99%']);
    expect(lines[12]).toBe('------');
    expect(lines[13]).toBe('\x1b[31mERROR: failed to solve: exit code: 1\x1b[0m');
  });

  it('a canceled step says CANCELED and gets no box', () => {
    const {write, p} = printer();
    write({vertexes: [vtx('a', 'RUN sleep 99', {started: at(0)})]});
    expect(write({vertexes: [vtx('a', 'RUN sleep 99', {started: at(0), completed: at(10), error: 'context canceled'})]})).toBe(
      '#1 CANCELED\r\n',
    );
    expect(p.finish()).toBe('');
  });
});

describe('plain printer: vertexes and statuses', () => {
  it('CACHED, blank line between vertexes, repeated completion prints the block again', () => {
    const {write} = printer();
    expect(write({vertexes: [vtx('a', '[1/2] FROM busybox', {started: at(0), completed: at(0), cached: true})]})).toBe(
      '#1 [1/2] FROM busybox\r\n#1 CACHED\r\n',
    );
    expect(write({vertexes: [vtx('b', '[2/2] RUN true', {started: at(1), completed: at(60)})]})).toBe(
      '\r\n#2 [2/2] RUN true\r\n#2 DONE 0.1s\r\n',
    );
    expect(write({vertexes: [vtx('b', '[2/2] RUN true', {started: at(1), completed: at(60)})]})).toBe(
      '\r\n#2 [2/2] RUN true\r\n#2 DONE 0.1s\r\n',
    );
  });

  it('a vertex the engine reports started, then again later as cached, is CACHED (buildx would leave it running)', () => {
    const {write, p} = printer();
    expect(write({vertexes: [vtx('a', '[2/3] COPY x /x', {started: at(0)})]})).toBe('#1 [2/3] COPY x /x\r\n');
    expect(write({vertexes: [vtx('a', '[2/3] COPY x /x', {started: at(40), completed: at(40), cached: true})]})).toBe(
      '#1 CACHED\r\n',
    );
    expect(write({vertexes: [vtx('b', '[3/3] RUN true', {started: at(50), completed: at(90)})]})).toBe(
      '\r\n#2 [3/3] RUN true\r\n#2 DONE 0.0s\r\n',
    );
    expect(p.finish()).toBe('');
  });

  it('cancel(): running steps end CANCELED, finished ones stay as they were', () => {
    const {write, p} = printer({rateLimitMs: 100});
    write({vertexes: [vtx('a', '[1/2] FROM busybox', {started: at(0), completed: at(1), cached: true})]});
    write({vertexes: [vtx('b', '[2/2] RUN sleep 30', {started: at(2)})]}); // held back by the rate limit
    expect(p.cancel()).toBe('\r\n#2 [2/2] RUN sleep 30\r\n#2 CANCELED\r\n');
    expect(p.finish('failed to solve: Canceled: context canceled')).toBe(
      '\x1b[31mERROR: failed to solve: Canceled: context canceled\x1b[0m\r\n',
    );
  });

  it('a vertex that has not started prints nothing', () => {
    const {write} = printer();
    expect(write({vertexes: [vtx('a', 'later')]})).toBe('');
  });

  it('status lines: sizes, throttling, time and done', () => {
    const {write} = printer();
    write({vertexes: [vtx('a', '[internal] load build context', {started: at(0)})]});
    const s = (current: number, ms: number, done = false): VertexStatus => ({
      id: 'transferring context',
      vertex: 'a',
      name: '',
      current,
      total: 0,
      timestamp: at(ms),
      started: at(0),
      completed: done ? at(ms) : undefined,
    });
    expect(write({statuses: [s(2, 0)]})).toBe('#1 transferring context 2B\r\n');
    // less than 5 % more and under 5 s later: not printed
    expect(write({statuses: [s(1234, 1000)]})).toBe('');
    expect(write({statuses: [s(2_345_678, 6000)]})).toBe('#1 transferring context 2.35MB 6.0s\r\n');
    expect(write({statuses: [s(2_345_678, 6500, true)]})).toBe('#1 transferring context 2.35MB 6.5s done\r\n');
    const total: VertexStatus = {...s(1234, 7000), id: 'sha256:abc', total: 2_000_000};
    expect(write({statuses: [total]})).toBe('#1 sha256:abc 1.23kB / 2.00MB 7.0s\r\n');
  });

  it('switches to a vertex that has waited more than 10 s, with "#N ..."', () => {
    const {write, setNow} = printer();
    write({vertexes: [vtx('a', 'RUN a', {started: at(0)})]});
    write({logs: [log('a', 'partial', 10)]});
    expect(write({vertexes: [vtx('b', 'RUN b', {started: at(20)})]})).toBe('');
    setNow(11_000);
    expect(write({logs: [log('a', ' more\n', 11_000)]})).toBe(' more\r\n#1 ...\r\n\r\n#2 RUN b\r\n');
    // coming back to a prints its header again
    setNow(11_500);
    expect(write({vertexes: [vtx('a', 'RUN a', {started: at(0), completed: at(11_500)})]})).toBe(
      '#2 ...\r\n\r\n#1 RUN a\r\n#1 DONE 11.5s\r\n',
    );
  });

  it('lint warnings (newer engines): #N WARN: …', () => {
    const {write} = printer();
    write({vertexes: [vtx('a', '[internal] load build definition from Dockerfile', {started: at(0)})]});
    const out = write({
      warnings: [{vertex: 'a', level: 1, short: enc.encode('FromAsCasing: mismatched case (line 1)'), detail: [], url: ''}],
      vertexes: [vtx('a', '[internal] load build definition from Dockerfile', {started: at(0), completed: at(10)})],
    });
    expect(out).toBe('#1 WARN: FromAsCasing: mismatched case (line 1)\r\n#1 DONE 0.0s\r\n');
  });
});

describe('plain printer: rate limit (the CLI prints at most every 100 ms)', () => {
  it('merges the engine’s repeated vertex messages when they come close together', () => {
    const timing = JSON.parse(readFileSync(join(FIXTURES, 'buildkit-ok.timing.json'), 'utf8')) as {t: number}[];
    const msgs = messages('buildkit-ok.ndjson');
    let t = 0;
    const out = new BuildOutput({builder: 'buildkit', cols: 80, now: () => t, rateLimitMs: 100});
    let text = '';
    msgs.forEach((m, i) => {
      const next = timing[i]?.t ?? t;
      // the server's 150 ms ticker
      while (t + 150 <= next) {
        t += 150;
        text += out.tick();
      }
      t = next;
      text += out.write(m);
    });
    text += out.finish();
    // without the limit the first step is printed twice (the engine sends it completed twice)
    const unlimited = renderBuild('buildkit-ok.ndjson', {flavor: 'buildx', stepMs: 0}).text;
    expect(unlimited.match(/load remote build context\r\n/g)?.length).toBe(2);
    expect(text.match(/load remote build context\r\n/g)?.length).toBe(1);
    // nothing is lost
    for (const line of ['to stderr', 'hello from RUN', 'hi there', 'exporting to image', 'naming to docker.io/library/fixture-ok:bk done']) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/#\d+ DONE \d\.\ds\r\n$/);
  });

  it('tick() prints what was held back', () => {
    let now = 0;
    const p = new BuildkitPlainPrinter({now: () => now, rateLimitMs: 100});
    expect(p.write(st({vertexes: [vtx('a', 'RUN x', {started: at(0)})]}))).toBe('#1 RUN x\r\n');
    now = 50;
    expect(p.write(st({logs: [log('a', 'held\n', 50)]}))).toBe('');
    expect(p.tick()).toBe('#1 0.050 held\r\n');
    expect(p.tick()).toBe('');
  });
});
