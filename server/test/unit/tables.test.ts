import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {
  type HistoryRow,
  type ImageRow,
  displayWidth,
  ellipsis,
  formatHistory,
  formatImages,
  truncateId,
} from '../../src/render/tables';

const FIXTURES = join(__dirname, '../fixtures');
const json = <T>(name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
/** `/usr/bin/docker images …` / `docker history …` (20.10), run against the engine right after the JSON was fetched. */
const cli = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** When the JSON fixtures and the CLI outputs were captured (ms since epoch). */
const CAPTURED = 1795559828858;
const NOW = CAPTURED + 300;

const sortedLines = (s: string) => s.split('\n').sort();

describe('formatImages against the docker 20.10 CLI', () => {
  const images = json<ImageRow[]>('images.json');

  it('docker images', () => {
    expect(formatImages(images, {now: NOW})).toBe(cli('images.docker-20.10.txt'));
  });

  it('docker images -q (one ID per row, repeated for an image with several names)', () => {
    expect(formatImages(images, {now: NOW, quiet: true})).toBe(cli('images-q.docker-20.10.txt'));
  });

  it('docker images --digests', () => {
    expect(formatImages(images, {now: NOW, digests: true})).toBe(cli('images-digests.docker-20.10.txt'));
  });

  // The CLI lists an image's repositories in Go map order (random); we keep RepoTags order.
  it('docker images --no-trunc (same rows)', () => {
    const ours = formatImages(images, {now: NOW, noTrunc: true});
    const theirs = cli('images-notrunc.docker-20.10.txt');
    expect(ours.split('\n')[0]).toBe(theirs.split('\n')[0]);
    expect(sortedLines(ours)).toEqual(sortedLines(theirs));
    expect(ours).toContain('sha256:6072ecf8fa5a7a4cb7b607642d97f909c75d25683e772e915f5a4245aa8a5f5b');
  });

  // The engine's order of images created in the same second is not stable between two calls.
  it('docker images -a (same rows, <none> intermediate images)', () => {
    const ours = formatImages(json<ImageRow[]>('images-all.json'), {now: NOW});
    const theirs = cli('images-all.docker-20.10.txt');
    expect(ours.split('\n')[0]).toBe(theirs.split('\n')[0]);
    expect(sortedLines(ours)).toEqual(sortedLines(theirs));
    expect(ours).toMatch(/^<none> +<none> +eba7e3f37c0d {3}/m);
  });
});

describe('formatHistory against the docker 20.10 CLI', () => {
  const bk = json<HistoryRow[]>('history-buildkit.json');

  it('docker history (BuildKit image: <missing> layers, CREATED BY cut at 45 with …, trailing padding)', () => {
    expect(formatHistory(bk, {now: NOW})).toBe(cli('history-buildkit.docker-20.10.txt'));
  });

  it('docker history --no-trunc', () => {
    expect(formatHistory(bk, {now: NOW, noTrunc: true})).toBe(cli('history-buildkit-notrunc.docker-20.10.txt'));
  });

  it('docker history -H=false (RFC 3339 in UTC, sizes in bytes)', () => {
    expect(formatHistory(bk, {now: NOW, human: false})).toBe(cli('history-buildkit-nonhuman.docker-20.10.txt'));
  });

  it('docker history -q', () => {
    expect(formatHistory(bk, {now: NOW, quiet: true})).toBe(cli('history-buildkit-q.docker-20.10.txt'));
  });

  it('docker history of a classic build (every layer has an ID)', () => {
    // this one ran a second later
    expect(formatHistory(json<HistoryRow[]>('history-classic.json'), {now: CAPTURED + 1200})).toBe(
      cli('history-classic.docker-20.10.txt'),
    );
  });
});

describe('formatImages', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const created = now / 1000 - 2 * 3600;
  const id = 'sha256:' + 'ab12'.repeat(16);

  it('an empty list is the header alone', () => {
    expect(formatImages([], {now})).toBe('REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n');
    expect(formatImages([], {now, quiet: true})).toBe('');
  });

  it('splits repo:tag after the last slash, keeps a registry port, familiar Docker Hub names', () => {
    const out = formatImages(
      [
        {
          Id: id,
          RepoTags: ['localhost:5000/team/app:1.0', 'docker.io/library/busybox:latest', 'docker.io/me/tool:v2', 'app:latest', 'app:dev'],
          RepoDigests: null,
          Created: created,
          Size: 4_261_000,
        },
      ],
      {now},
    );
    expect(out).toBe(
      [
        'REPOSITORY                TAG       IMAGE ID       CREATED       SIZE',
        'localhost:5000/team/app   1.0       ab12ab12ab12   2 hours ago   4.26MB',
        'busybox                   latest    ab12ab12ab12   2 hours ago   4.26MB',
        'me/tool                   v2        ab12ab12ab12   2 hours ago   4.26MB',
        'app                       latest    ab12ab12ab12   2 hours ago   4.26MB',
        'app                       dev       ab12ab12ab12   2 hours ago   4.26MB',
        '',
      ].join('\n'),
    );
  });

  it('dangling images (no names, or <none>:<none> with <none>@<none>) and digest-only references', () => {
    const rows: ImageRow[] = [
      {Id: id, RepoTags: null, RepoDigests: null, Created: created, Size: 0},
      {Id: id, RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'], Created: created, Size: 0},
      {Id: id, RepoTags: [], RepoDigests: [`busybox@sha256:${'c'.repeat(64)}`], Created: created, Size: 0},
    ];
    expect(formatImages(rows, {now}).split('\n').slice(1, 4)).toEqual([
      '<none>       <none>    ab12ab12ab12   2 hours ago   0B',
      '<none>       <none>    ab12ab12ab12   2 hours ago   0B',
      'busybox      <none>    ab12ab12ab12   2 hours ago   0B',
    ]);
    expect(formatImages(rows, {now, digests: true}).split('\n')[3]).toBe(
      `busybox      <none>    sha256:${'c'.repeat(64)}   ab12ab12ab12   2 hours ago   0B`,
    );
  });

  it('skips names that are not valid references', () => {
    const out = formatImages([{Id: id, RepoTags: ['Bad:Name', 'ok:1'], Created: created, Size: 1}], {now, quiet: true});
    expect(out).toBe('ab12ab12ab12\n');
  });
});

describe('formatHistory', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('tabs in CREATED BY become spaces; old or missing dates are blank', () => {
    const out = formatHistory(
      [
        {Id: '<missing>', Created: 0, CreatedBy: 'RUN\tapt-get\tinstall', Size: 1_830_000_000, Comment: 'imported'},
        {Id: 'sha256:' + 'f'.repeat(64), Created: now / 1000 - 60, CreatedBy: '', Size: 0, Comment: ''},
      ],
      {now},
    );
    expect(out).toBe(
      [
        'IMAGE          CREATED              CREATED BY            SIZE      COMMENT',
        '<missing>                           RUN apt-get install   1.83GB    imported',
        'ffffffffffff   About a minute ago                         0B        ',
        '',
      ].join('\n'),
    );
  });
});

describe('helpers', () => {
  it('truncateId', () => {
    expect(truncateId('sha256:176bfc5618093e5a58ff1ca2b2d5bd2ed64d7bd44fcb0ff76357d3cb4b2c62d8')).toBe('176bfc561809');
    expect(truncateId('<missing>')).toBe('<missing>');
  });

  it('ellipsis counts display columns', () => {
    expect(ellipsis('a'.repeat(45), 45)).toBe('a'.repeat(45));
    expect(ellipsis('a'.repeat(46), 45)).toBe('a'.repeat(44) + '…');
    expect(ellipsis('日本語'.repeat(10), 10)).toBe('日本語日…');
    expect(displayWidth('日本語日…')).toBe(9);
    expect(ellipsis('héllo wörld ✓ '.repeat(4), 45)).toHaveLength(45);
  });
});

describe('tables against the docker 28 CLI on Docker 26.1 (bk26.provenance.json)', () => {
  const captured = (json<{tables: {captured: number}}>('bk26.provenance.json')).tables.captured;

  it('docker images', () => {
    expect(formatImages(json<ImageRow[]>('bk26-images.json'), {now: captured})).toBe(cli('bk26-images.docker-28.txt'));
  });

  it('docker history of a multi-stage BuildKit image', () => {
    expect(formatHistory(json<HistoryRow[]>('bk26-history.json'), {now: captured})).toBe(cli('bk26-history.docker-28.txt'));
  });
});
