/**
 * The lab's BuildKit output against `docker buildx build --progress=plain` (buildx 0.13.1 on Docker
 * 26.1), recorded by server/test/fixtures/record-engine-26.ts: for each Dockerfile, buildx's output in
 * a pty and the raw stream the lab receives for the same build (engine-streams.md). Two builds cannot
 * agree on timings, digests or the order of steps running in parallel, so both sides are normalised
 * first (see `structure`); what is left must be equal. The differences normalised away and why the lab
 * keeps them are on the Building page (docs/building.mdx, "Differences from buildx").
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {BUILDX_HEADER, BuildOutput} from '../../src/render/build';
import {FIXTURES, messages} from './recorded';

interface Provenance {
  builds: Record<string, {dockerfile: string; buildxExitCode: number}>;
}
const provenance = JSON.parse(readFileSync(join(FIXTURES, 'bk26.provenance.json'), 'utf8')) as Provenance;

/** What buildx printed (through a pty: CR LF line ends). */
function buildx(name: string): string {
  return readFileSync(join(FIXTURES, `bk26-${name}.buildx-0.13.txt`), 'utf8');
}

/** Each line of a recorded stream with the time (ms) its last byte arrived. */
function timedMessages(name: string) {
  const chunks = JSON.parse(readFileSync(join(FIXTURES, `bk26-${name}.timing.json`), 'utf8')) as {t: number; bytes: number}[];
  const raw = readFileSync(join(FIXTURES, `bk26-${name}.ndjson`));
  const ends: number[] = [];
  let offset = 0;
  for (const c of chunks) {
    offset += c.bytes;
    ends.push(offset);
  }
  const out: {t: number; msg: ReturnType<typeof messages>[number]}[] = [];
  const msgs = messages(`bk26-${name}.ndjson`);
  let pos = 0;
  for (const msg of msgs) {
    pos = raw.indexOf(10, pos) + 1;
    const chunk = ends.findIndex((e) => e >= pos);
    out.push({t: chunks[chunk === -1 ? chunks.length - 1 : chunk]?.t ?? 0, msg});
  }
  return out;
}

/** The lab's rendering, as the build handler drives it: real arrival times, 100 ms rate limit, 150 ms ticker. */
function lab(name: string, opts: {cancel?: boolean} = {}): string {
  let t = 0;
  const out = new BuildOutput({
    builder: 'buildkit',
    cols: 120,
    now: () => t,
    rateLimitMs: 100,
    dockerfile: {name: 'Dockerfile', text: provenance.builds[name]!.dockerfile},
  });
  let text = '';
  for (const {t: next, msg} of timedMessages(name)) {
    while (t + 150 <= next) {
      t += 150;
      text += out.tick();
    }
    t = next;
    text += out.write(msg);
  }
  text += opts.cancel ? out.cancel().text : out.finish();
  return text;
}

// --- normalisation ---------------------------------------------------------------------------------

/** Steps that move the build context: buildx sends it through a session, the lab as a tar body. */
const CONTEXT_STEPS = [
  '[internal] load build definition from Dockerfile',
  '[internal] load .dockerignore',
  '[internal] load build context',
  '[internal] load remote build context',
  'copy /context /',
];

interface Step {
  name: string;
  lines: string[];
}

/** Lines as a terminal ends up with them: CR LF as LF, no colour, a redrawn line's prefix dropped. */
function plainLines(text: string): string[] {
  return text
    .replace(/\^C/g, '') // the pty's echo of Ctrl-C
    .replace(/\x1b\[3[0-9]m|\x1b\[0m/g, '')
    .replace(/\r\x1b\[2K#\d+ \d+\.\d+ /g, '\r') // the lab redraws a CR line with its prefix
    .split('\n')
    .map((l) => l.replace(/\r$/, '')) // the pty's CR LF; buildx also keeps the CR of a CR LF
    .map((l) => l.replace(/\r$/, ''));
}

/**
 * Per step (in order of first appearance): its lines without the step number, timings and digests
 * replaced, progress statuses reduced to their `done` line, a step printed again (the engine repeats
 * finished steps; what the CLI shows of that depends on timing) merged. The tail (error box, source,
 * ERROR line) is kept as text.
 */
function structure(text: string) {
  const lines = plainLines(text);
  const steps = new Map<string, Step>();
  const names = new Map<string, string>();
  let head = '';
  const tail: string[] = [];
  let current: Step | undefined;
  for (const line of lines) {
    if (line === '') {
      current = undefined;
      continue;
    }
    const m = /^#(\d+) (.*)$/.exec(line);
    if (!m || tail.length > 0) {
      tail.push(line.replace(/^\d+\.\d+ /, 'T '));
      continue;
    }
    const [, n, rest] = m as unknown as [string, string, string];
    if (n === '0') {
      head = line;
      continue;
    }
    if (!current || names.get(n) !== current.name) {
      // a header line: `#N name` (first time, again after a switch, or a repeated finished step)
      // The base image step: under which stage's name the engine reports it, and whether once or
      // once per stage, varies between two builds of the same file.
      if (!names.has(n)) names.set(n, rest.replace(/^\[[^\]]*\] FROM /, 'FROM '));
      const name = names.get(n) as string;
      current = steps.get(name) ?? {name, lines: []};
      steps.set(name, current);
      continue;
    }
    if (rest === '...') continue;
    let l = rest
      .replace(/^\d+\.\d+ /, 'T ')
      .replace(/sha256:[0-9a-f]{64}/g, 'sha256:D')
      .replace(/ \d+\.\ds( done)?$/, '$1')
      .replace(/^DONE$/, 'DONE');
    // whether the engine reports the base image step CACHED or DONE varies between two builds
    if (current.name.startsWith('FROM ') && l === 'CACHED') l = 'DONE';
    const isStatus = !/^(T |DONE|CACHED|ERROR: |CANCELED|WARN: )/.test(l);
    if (isStatus && !l.endsWith(' done')) continue; // intermediate progress: printed or not by timing
    if (current.lines.includes(l) && (isStatus || /^(DONE|CACHED)$/.test(l))) continue;
    current.lines.push(l);
  }
  // the tail starts at the first line that is no step's: `------` or `ERROR: …`
  const all = [...steps.values()].filter((s) => !CONTEXT_STEPS.includes(s.name));
  return {head, steps: all, tail};
}

function splitTail(text: string) {
  const at = text.search(/^(------|ERROR: )/m);
  return at === -1 ? {body: text, tail: ''} : {body: text.slice(0, at), tail: text.slice(at)};
}

const stripColour = (s: string) => s.replace(/\x1b\[3[0-9]m|\x1b\[0m/g, '');

function compare(name: string, opts: {cancel?: boolean; mask?: RegExp} = {}) {
  const theirs = buildx(name).replace(/\r\n/g, '\n');
  const ours = lab(name, opts).replace(/\r\n/g, '\n');
  const masked = (s: string) => (opts.mask ? s.replace(opts.mask, '<masked>') : s);
  const a = splitTail(masked(stripColour(ours)));
  const b = splitTail(masked(theirs));
  const sa = structure(a.body);
  const sb = structure(b.body);
  expect(sa.head).toBe(sb.head);
  // The CLI prints finished steps in the order they finished, which differs between two builds.
  const order = (s: Step[]) => [...s].sort((x, y) => x.name.localeCompare(y.name));
  expect(order(sa.steps)).toEqual(order(sb.steps));
  const tail = (t: string) => plainLines(t).map((l) => l.replace(/^\d+\.\d+ /, 'T ')).join('\n');
  expect(tail(a.tail)).toBe(tail(b.tail));
  return {ours, theirs};
}

describe('the lab against buildx 0.13.1 on Docker 26.1 (recorded builds of the same Dockerfiles)', () => {
  it('simple build: same steps, logs and statuses; same opening line', () => {
    const {ours} = compare('ok');
    expect(ours.startsWith(BUILDX_HEADER.replace(/\r\n/g, '\n'))).toBe(true);
  });

  it('cached rebuild: every step CACHED', () => {
    compare('cached');
  });

  it('multi-stage build with two stages in parallel', () => {
    compare('multi');
  });

  it('output without a final newline: the line is ended before DONE', () => {
    const {ours, theirs} = compare('nonewline');
    for (const text of [ours, theirs]) expect(text).toMatch(/#\d+ [\d.]+ no newline at the end\n#\d+ DONE/);
  });

  it('carriage returns inside a step: same lines once drawn', () => {
    const {ours, theirs} = compare('cr');
    // buildx writes the CR as is (the terminal then overwrites the `#5 2.330 ` prefix); the lab clears the
    // line and writes the prefix again
    expect(theirs).toMatch(/#5 [\d.]+ progress 10%\rprogress 50%\rprogress 100%\n/);
    expect(ours).toMatch(/#5 [\d.]+ progress 10%\r\x1b\[2K#5 [\d.]+ progress 50%\r\x1b\[2K#5 [\d.]+ progress 100%\n/);
  });

  it('COPY of the context: the files keep their times (2026-01-02 03:04:05 when recorded)', () => {
    // the Dockerfile's own time: when it was written (buildx) or packed (the lab; tar keeps whole seconds)
    const {ours, theirs} = compare('copy', {mask: /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000 \/x\/Dockerfile/});
    for (const text of [ours, theirs]) {
      expect(text).toMatch(/2026-01-02 03:04:05\.000000000 \+0000 \/x\/hello\.txt/);
      expect(text).toMatch(/2026-01-02 03:04:05\.000000000 \+0000 \/x\/data\/b\.txt/);
      expect(text).toMatch(/(?!1970)\d{4}-\d\d-\d\d [\d:.]+ \+0000 \/x\/Dockerfile/);
      expect(text).not.toMatch(/1970-01-01/);
    }
  });

  it('failing RUN: ERROR line, box with the logs, the Dockerfile lines, ERROR: failed to solve: …', () => {
    const {ours} = compare('fail');
    expect(provenance.builds.fail!.buildxExitCode).toBe(1);
    expect(ours).toContain(
      [
        '------',
        'Dockerfile:2',
        '--------------------',
        '   1 |     FROM busybox',
        '   2 | >>> RUN echo "about to fail" && echo "oops on stderr" >&2 && false',
        '   3 |     ',
        '--------------------',
        '\x1b[31mERROR: failed to solve: process "/bin/sh -c echo \\"about to fail\\" && echo \\"oops on stderr\\" >&2 && false" did not complete successfully: exit code: 1\x1b[0m',
        '',
      ].join('\n'),
    );
  });

  it('a multi-line RUN failing in a stage built on another stage: its three lines marked', () => {
    const {ours} = compare('failmulti');
    expect(provenance.builds.failmulti!.buildxExitCode).toBe(1);
    expect(ours).toContain('Dockerfile:5\n--------------------\n   4 |     FROM base AS build\n   5 | >>> RUN echo "building" && \\\n');
  });

  it('a COPY of a file the context lacks: empty box, the COPY line, failed to compute cache key', () => {
    // the engine names its own temporary refs in the message: they differ between two builds
    const {ours} = compare('copyfail', {mask: /ref [0-9a-z-]+::[0-9a-z]+/g});
    expect(ours).toContain(' > [2/2] COPY missing.txt /x/:\n------\nDockerfile:2\n');
    expect(ours).toMatch(/ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref .*"\/missing.txt": not found/);
  });

  it('Ctrl-C: the running step CANCELED, ERROR: failed to solve: Canceled: context canceled, exit code 1', () => {
    const {ours} = compare('cancel', {cancel: true});
    expect(provenance.builds.cancel!.buildxExitCode).toBe(1);
    expect(ours).toMatch(/#5 [\d.]+ sleeping\n#5 CANCELED\n\x1b\[31mERROR: failed to solve: Canceled: context canceled\x1b\[0m\n$/);
  });

  it('steps are numbered in the order they are first shown, by buildx and by the lab', () => {
    const firstSeen = (text: string) => {
      const seen: number[] = [];
      for (const m of text.matchAll(/^#(\d+) /gm)) if (!seen.includes(Number(m[1]))) seen.push(Number(m[1]));
      return seen;
    };
    for (const name of Object.keys(provenance.builds)) {
      for (const text of [buildx(name), lab(name, {cancel: name === 'cancel'})]) {
        const seen = firstSeen(text.replace(/\r\n/g, '\n'));
        expect(seen, name).toEqual(seen.map((_, i) => i));
      }
    }
  });

  it('the normalisation can fail: a missing step, log line or ERROR line is noticed', () => {
    expect(() => compare('ok', {cancel: true})).toThrow();
    const theirs = buildx('fail').replace(/\r\n/g, '\n');
    const s = structure(splitTail(theirs).body);
    const t = structure(splitTail(buildx('ok').replace(/\r\n/g, '\n')).body);
    expect(s.steps).not.toEqual(t.steps);
    expect(s.steps.find((x) => x.name.includes('RUN'))?.lines).toEqual(['T about to fail', 'T oops on stderr', expect.stringMatching(/^ERROR: process/)]);
  });
});
