import {describe, expect, it} from 'vitest';
import {BuildOutput} from '../../src/render/build';
import {ClassicBuildRenderer, sendingContextLine} from '../../src/render/classic';
import {cli as recordedCli, messages} from './recorded';

/**
 * `DOCKER_BUILDKIT=0 /usr/bin/docker build` (20.10) fed the same stream, captured through a pty,
 * which turns each LF into CR LF: the CLI's first line ends `\r\r\n`, captured as `\r\r\r\n`.
 */
function cli(name: string): string {
  return recordedCli(name).replace(/^(Sending build context[^\n]*)\r\r\r\n/, '$1\r\r\n');
}

function render(name: string) {
  const r = new ClassicBuildRenderer({cols: 120});
  const text = messages(name)
    .map((m) => r.write(m))
    .join('');
  return {r, text};
}

describe('ClassicBuildRenderer against the docker 20.10 CLI (same recorded streams)', () => {
  it('successful build: byte for byte, after the CLI’s own "Sending build context" line', () => {
    const {r, text} = render('classic-ok.ndjson');
    expect(sendingContextLine(3072) + text).toBe(cli('classic-ok.docker-20.10.txt'));
    expect(r.imageId).toBe('sha256:4534fb6785031f8ea5914fb904a39c79b9b2752e5de2441e40f083250b896a89');
    expect(r.error).toBeUndefined();
    // RUN's stderr keeps the engine's colour
    expect(text).toContain('\x1b[91mto stderr\r\n\x1b[0m');
  });

  it('RUN false: the same, with the error in red and recorded', () => {
    const {r, text} = render('classic-fail.ndjson');
    const message = `The command '/bin/sh -c echo "about to fail" && echo "oops on stderr" >&2 && false' returned a non-zero code: 1`;
    expect(r.error).toEqual({message, code: 1});
    expect(r.imageId).toBeUndefined();
    expect(text.endsWith(`\x1b[31m${message}\x1b[0m\r\n`)).toBe(true);
    expect(sendingContextLine(2048) + text.replace(/\x1b\[31m([\s\S]*?)\x1b\[0m/g, '$1')).toBe(
      cli('classic-fail.docker-20.10.txt'),
    );
  });
});

describe('ClassicBuildRenderer', () => {
  it('passes stream pieces through as they come, LF → CRLF', () => {
    const r = new ClassicBuildRenderer();
    expect(r.write({stream: 'Step 1/2 : FROM busybox'})).toBe('Step 1/2 : FROM busybox');
    expect(r.write({stream: '\n'})).toBe('\r\n');
    expect(r.write({stream: ' ---> 176bfc561809\n'})).toBe(' ---> 176bfc561809\r\n');
  });

  it('draws a pull during the build (FROM an image not yet here) with the layer lines', () => {
    const r = new ClassicBuildRenderer({cols: 80});
    expect(r.write({status: 'Pulling from library/alpine', id: 'latest'})).toBe('latest: Pulling from library/alpine\r\n');
    expect(r.write({status: 'Pulling fs layer', progressDetail: {}, id: 'abc'})).toBe(
      '\r\n\x1b[1A\x1b[2K\rabc: Pulling fs layer \r\x1b[1B',
    );
    expect(r.write({status: 'Downloading', progressDetail: {current: 1000, total: 2000}, id: 'abc'})).toBe(
      '\x1b[1A\x1b[2K\rabc: Downloading      1kB/2kB\r\x1b[1B',
    );
  });

  it('the exit code comes from errorDetail.code', () => {
    const r = new ClassicBuildRenderer();
    r.write({errorDetail: {code: 127, message: 'returned a non-zero code: 127'}, error: 'returned a non-zero code: 127'});
    expect(r.error?.code).toBe(127);
  });

  it('sendingContextLine', () => {
    expect(sendingContextLine(2048)).toBe('Sending build context to Docker daemon  2.048kB\r\r\n');
    expect(sendingContextLine(123_456_789)).toBe('Sending build context to Docker daemon  123.5MB\r\r\n');
  });
});

describe('BuildOutput with the classic builder', () => {
  it('routes everything to the classic renderer; finish() adds nothing', () => {
    const out = new BuildOutput({builder: 'classic', cols: 120});
    const text = messages('classic-ok.ndjson')
      .map((m) => out.write(m))
      .join('');
    expect(sendingContextLine(3072) + text).toBe(cli('classic-ok.docker-20.10.txt'));
    expect(out.imageId).toMatch(/^sha256:4534fb67/);
    expect(out.finish()).toBe('');
  });

  it('records the error', () => {
    const out = new BuildOutput({builder: 'classic', cols: 120});
    for (const m of messages('classic-fail.ndjson')) out.write(m);
    expect(out.error?.code).toBe(1);
    expect(out.finish()).toBe('');
  });
});
