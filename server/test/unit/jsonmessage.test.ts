import {describe, expect, it} from 'vitest';
import {
  type JSONMessage,
  ProgressRenderer,
  goFormatF,
  goFormatG,
  humanDuration,
  humanSize,
  progressString,
  timeAgo,
} from '../../src/render/jsonmessage';
import {cli, messages} from './recorded';

function render(msgs: JSONMessage[], opts: ConstructorParameters<typeof ProgressRenderer>[0]): string {
  const r = new ProgressRenderer(opts);
  return msgs.map((m) => r.write(m)).join('');
}

const stripRed = (s: string) => s.replace(/\x1b\[31m([\s\S]*?)\x1b\[0m/g, '$1');

describe('Go number formatting', () => {
  it.each<[number, number, string]>([
    [1, 3, '1'],
    [100, 3, '100'],
    [12.5, 3, '12.5'],
    [4.26, 3, '4.26'],
    [1000, 3, '1e+03'],
    [999.96, 3, '1e+03'],
    [123456, 3, '1.23e+05'],
    [0.00001, 3, '1e-05'],
    [1.125, 3, '1.12'], // exact tie: half to even
    [999.96, 4, '1000'],
    [2.746, 4, '2.746'],
    [0, 3, '0'],
  ])('%%.%ig of %d', (x, prec, want) => {
    expect(goFormatG(x, prec)).toBe(want);
  });

  it.each<[number, number, string]>([
    [0.0485, 3, '0.049'], // 0.04850000000000000144…
    [1.005, 2, '1.00'], // 1.00499999999999989…
    [1.125, 2, '1.12'],
    [1.25, 1, '1.2'],
    [1.35, 1, '1.4'],
    [0, 2, '0.00'],
    [12.3456, 2, '12.35'],
    [3.0791, 1, '3.1'],
  ])('%%.%if of %d', (x, prec, want) => {
    expect(goFormatF(x, prec)).toBe(want);
  });
});

describe('humanSize (go-units HumanSizeWithPrecision)', () => {
  it.each<[number, string]>([
    [0, '0B'],
    [1, '1B'],
    [999, '999B'],
    [1000, '1kB'],
    [3220, '3.22kB'],
    [1_990_000, '1.99MB'],
    [4_261_000, '4.26MB'],
    [138_000_000, '138MB'],
    [1_830_000_000, '1.83GB'],
    [999_999, '1e+03kB'], // what docker images really shows for this size
  ])('%d bytes → %s (precision 3, the images table)', (n, want) => {
    expect(humanSize(n)).toBe(want);
  });

  it('precision 4 is HumanSize, the progress bars', () => {
    expect(humanSize(2_048, 4)).toBe('2.048kB');
    expect(humanSize(33_280, 4)).toBe('33.28kB');
    expect(humanSize(3_000_000, 4)).toBe('3MB');
    expect(humanSize(3_001_856, 4)).toBe('3.002MB');
  });
});

describe('humanDuration / timeAgo (go-units HumanDuration)', () => {
  it.each<[number, string]>([
    [0.4, 'Less than a second'],
    [1, '1 second'],
    [42, '42 seconds'],
    [60, 'About a minute'],
    [119, 'About a minute'],
    [120, '2 minutes'],
    [59 * 60 + 59, '59 minutes'],
    [3600, 'About an hour'],
    [5399, 'About an hour'],
    [5400, '2 hours'], // hours are rounded
    [47 * 3600, '47 hours'],
    [48 * 3600, '2 days'],
    [13 * 86400, '13 days'],
    [14 * 86400, '2 weeks'],
    [59 * 86400, '8 weeks'],
    [60 * 86400, '2 months'],
    [729 * 86400, '24 months'],
    [730 * 86400, '2 years'],
  ])('%d s → %s', (s, want) => {
    expect(humanDuration(s)).toBe(want);
  });

  it('timeAgo', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(timeAgo(now / 1000 - 90, now)).toBe('About a minute ago');
    expect(timeAgo(now / 1000 - 2 * 3600, now)).toBe('2 hours ago');
    expect(timeAgo(now / 1000, now)).toBe('Less than a second ago');
  });
});

describe('progressString (JSONProgress.String)', () => {
  it('draws the 50-character bar only on terminals wider than 110 columns', () => {
    const p = {current: 2_425_344, total: 3_000_000};
    expect(progressString(p, 120)).toBe('[========================================>          ]  2.425MB/3MB');
    expect(progressString(p, 110)).toBe(' 2.425MB/3MB');
  });

  it('caps the bar at 50 and drops the total when current passes it', () => {
    expect(progressString({current: 3_001_856, total: 3_000_000}, 120)).toBe(
      '[==================================================>]  3.002MB',
    );
  });

  it('without a total: the size alone, padded to 8', () => {
    expect(progressString({current: 3072}, 120)).toBe(' 3.072kB');
    expect(progressString({}, 120)).toBe('');
  });

  it('ETA when the engine sends a start time', () => {
    const now = 1_000_000_000_000;
    const start = now / 1000 - 10; // 10 s for a quarter
    expect(progressString({current: 250, total: 1000, start}, 120, now)).toBe(
      `[${'='.repeat(12)}>${' '.repeat(38)}]     250B/1kB 30s`,
    );
    expect(progressString({current: 250, total: 1000, start}, 50, now)).toBe('    250B/1kB');
  });
});

describe('ProgressRenderer against the docker 20.10 CLI (same recorded push streams)', () => {
  it('push with a real progress bar, 120 columns: byte for byte', () => {
    expect(render(messages('push-blob.ndjson'), {cols: 120})).toBe(cli('push-blob.cols120.docker-20.10.txt'));
  });

  it('same push at 80 columns: no bar', () => {
    expect(render(messages('push-blob.ndjson'), {cols: 80})).toBe(cli('push-blob.cols80.docker-20.10.txt'));
  });

  it('small layers (current > total), "Mounted from", "Pushed"', () => {
    expect(render(messages('push-ok.ndjson'), {cols: 120})).toBe(cli('push-ok.docker-20.10.txt'));
  });

  it('everything already in the registry', () => {
    expect(render(messages('push-again.ndjson'), {cols: 120})).toBe(cli('push-again.docker-20.10.txt'));
  });

  // Docker 26.1 and its registry, with the docker 28 CLI (bk26.provenance.json)
  it('docker 28 CLI fed the lab\'s own push stream from Docker 26.1: byte for byte', () => {
    expect(render(messages('bk26-push-ok.ndjson'), {cols: 120})).toBe(cli('bk26-push-ok.docker-28.txt'));
  });

  it('push again on Docker 26.1 (docker 28 pushing itself): the same lines, layers in the engine\'s order', () => {
    const pieces = (s: string) => s.split(/\x1b\[\d*[ABK]|\r\n|\r/).filter((p) => p.trim() !== '').sort();
    const ours = render(messages('bk26-push-again.ndjson'), {cols: 120});
    const theirs = cli('bk26-push-again.docker-28.txt');
    expect(pieces(ours)).toEqual(pieces(theirs));
    expect(pieces(ours).filter((p) => p.includes('Layer already exists'))).toHaveLength(4);
  });

  it('not a terminal: no cursor movement, no bars', () => {
    const out = render(messages('push-blob.ndjson'), {cols: 120, tty: false});
    expect(out).toBe(cli('push-blob.notty.docker-20.10.txt').replace(/\n/g, '\r\n'));
  });

  it.each([
    ['push-denied', 'unauthorized: authentication required'],
    ['push-noauth', 'no basic auth credentials'],
  ])('%s: the error inside the 200 stream is shown in red and recorded', (name, message) => {
    const r = new ProgressRenderer({cols: 120});
    const out = messages(`${name}.ndjson`)
      .map((m) => r.write(m))
      .join('');
    expect(r.error).toEqual({message, code: 1});
    expect(out).toContain(`\x1b[31m${message}\x1b[0m\r\n`);
    expect(stripRed(out)).toBe(cli(`${name}.docker-20.10.txt`));
  });
});

describe('ProgressRenderer', () => {
  it('aux messages print nothing', () => {
    const r = new ProgressRenderer({cols: 120});
    expect(r.write({progressDetail: {}, aux: {Tag: '1', Digest: 'sha256:x', Size: 1}})).toBe('');
  });

  it('a line per layer id, redrawn in place', () => {
    const r = new ProgressRenderer({cols: 80});
    expect(r.write({status: 'The push refers to repository [x]'})).toBe('The push refers to repository [x]\r\n');
    expect(r.write({status: 'Preparing', progressDetail: {}, id: 'aaa'})).toBe(
      '\r\n\x1b[1A\x1b[2K\raaa: Preparing \r\x1b[1B',
    );
    expect(r.write({status: 'Preparing', progressDetail: {}, id: 'bbb'})).toBe(
      '\r\n\x1b[1A\x1b[2K\rbbb: Preparing \r\x1b[1B',
    );
    expect(r.write({status: 'Pushing', progressDetail: {current: 500, total: 1000}, id: 'aaa'})).toBe(
      '\x1b[2A\x1b[2K\raaa: Pushing     500B/1kB\r\x1b[2B',
    );
    // a message without id starts a new block
    expect(r.write({status: 'done'})).toBe('done\r\n');
    expect(r.write({status: 'Pushed', progressDetail: {}, id: 'aaa'})).toBe('\r\n\x1b[1A\x1b[2K\raaa: Pushed \r\x1b[1B');
  });

  it('an id without progress (a pull during a build) is a plain line', () => {
    const r = new ProgressRenderer({cols: 80});
    expect(r.write({status: 'Pulling from library/busybox', id: 'latest'})).toBe(
      'latest: Pulling from library/busybox\r\n',
    );
  });

  it('falls back to the deprecated progress string only without progressDetail', () => {
    const r = new ProgressRenderer({cols: 80});
    expect(r.write({status: 'Downloading', progress: '[==>   ] 1MB/2MB', id: 'l1'})).toBe(
      '\r\n\x1b[1Al1: Downloading [==>   ] 1MB/2MB\x1b[1B',
    );
  });

  it('stops after an error, with the code from errorDetail', () => {
    const r = new ProgressRenderer({cols: 80});
    r.write({errorDetail: {code: 401, message: 'denied'}, error: 'denied'});
    expect(r.error).toEqual({message: 'denied', code: 401});
    expect(r.write({status: 'more'})).toBe('');
  });

  it('the deprecated error string alone is an error too', () => {
    const r = new ProgressRenderer({cols: 80});
    expect(r.write({error: 'boom'})).toBe('\x1b[31mboom\x1b[0m\r\n');
    expect(r.error).toEqual({message: 'boom', code: 1});
  });

  it('stream text keeps its content, with CRLF line ends', () => {
    const r = new ProgressRenderer({cols: 80});
    expect(r.write({stream: 'a\nb\r\n'})).toBe('a\r\nb\r\n');
  });

  it('resize changes the bar', () => {
    const r = new ProgressRenderer({cols: 80});
    const m = {status: 'Pushing', progressDetail: {current: 500, total: 1000}, id: 'x'};
    expect(r.write(m)).not.toContain('>');
    r.resize(200);
    expect(r.write(m)).toContain('[=========================>');
  });

  it('time prefix (events) in RFC 3339 with nanoseconds', () => {
    const r = new ProgressRenderer({cols: 80});
    expect(r.write({status: 'x', time: 1_700_000_000})).toBe('2023-11-14T22:13:20.000000000Z x\r\n');
  });
});
