/**
 * docker run / ps / stop / logs: the parser's Commands and messages, the
 * sandbox the engine is asked for, the stream demultiplexer, `-i`'s line
 * discipline and the ps table.
 */
import {describe, expect, it} from 'vitest';
import type Docker from 'dockerode';
import {parseCommandLine} from '../../src/cli/parse';
import {loadConfig} from '../../src/config';
import {CookedLine} from '../../src/containers/line-discipline';
import {Demuxer} from '../../src/containers/demux';
import {psTable} from '../../src/containers/ps-table';
import {DROPPED_CAPABILITIES, containerSpec, displayName, enginePrefix} from '../../src/containers/sandbox';
import {helpText} from '../../src/cli/help';

const ok = (line: string) => {
  const r = parseCommandLine(line);
  if (!r.ok) throw new Error(r.message);
  return r.command;
};

describe('parsing docker run', () => {
  it('reads the CLI\'s forms; flags end at the image', () => {
    expect(ok('docker run --rm -it -e A=1 --env=B=x=y -w /app --name web --entrypoint sh img:1 -c "echo -l"')).toEqual({
      kind: 'run',
      image: 'img:1',
      args: ['-c', 'echo -l'],
      interactive: true,
      tty: true,
      env: ['A=1', 'B=x=y'],
      workdir: '/app',
      entrypoint: 'sh',
      name: 'web',
    });
    expect(ok('docker run busybox ls -la --privileged')).toMatchObject({image: 'busybox', args: ['ls', '-la', '--privileged'], interactive: false, tty: false});
    expect(ok('docker run -ti busybox')).toMatchObject({interactive: true, tty: true, args: []});
    expect(ok('docker run --entrypoint "" busybox')).toMatchObject({entrypoint: ''});
  });

  it.each([
    ['docker run --privileged busybox', 'the --privileged option is not supported in this terminal'],
    ['docker run -v /:/host busybox', 'the -v, --volume option is not supported in this terminal'],
    ['docker run --network=host busybox', 'the --network option is not supported in this terminal'],
    ['docker run -d busybox', 'the -d, --detach option is not supported in this terminal'],
    ['docker run -h x busybox', 'the -h, --hostname option is not supported in this terminal'],
    ['docker run --security-opt seccomp=unconfined busybox', 'the --security-opt option is not supported in this terminal'],
  ])('%s is refused (125) with what the flag is', (line, start) => {
    const r = parseCommandLine(line);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.exitCode).toBe(125);
    expect(r.message.startsWith(start)).toBe(true);
    expect(r.message).toMatch(/See 'docker run --help'\.$/);
  });

  it.each([
    ['docker run -e FOO busybox', /no value for FOO/],
    ['docker run -e =x busybox', /invalid environment variable: =x/],
    ['docker run --name a busybox', /Invalid container name \(a\)/],
    ['docker run --name ../x busybox', /Invalid container name/],
    ['docker run', /"docker run" requires at least 1 argument/],
    ['docker ps foo', /"docker ps" accepts no arguments/],
    ['docker stop', /"docker stop" requires at least 1 argument/],
    ['docker stop -t x web', /invalid argument "x" for "-t, --time" flag/],
    ['docker logs --tail=-1 web', /invalid argument "-1"/],
  ])('%s is refused: %s', (line, re) => {
    const r = parseCommandLine(line);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(re);
  });

  it('run --help is the run help; -h is --hostname there', () => {
    expect(ok('docker run --help')).toEqual({kind: 'help', topic: 'run'});
    expect(helpText('run')).toMatch(/Usage: {2}docker run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]/);
    expect(helpText('run')).toMatch(/-i, --interactive/);
    expect(helpText('run')).not.toMatch(/privileged/);
    expect(helpText()).toMatch(/ {2}run {9}Create and run a new container from an image/);
  });

  it('ps, stop, logs', () => {
    expect(ok('docker ps -aq --no-trunc')).toEqual({kind: 'ps', all: true, quiet: true, noTrunc: true});
    expect(ok('docker stop -t 2 web db')).toEqual({kind: 'stop', containers: ['web', 'db'], time: 2});
    expect(ok('docker logs -f -n 5 web')).toEqual({kind: 'logs', container: 'web', follow: true, tail: 5, timestamps: false});
    expect(ok('docker logs --tail all web')).toEqual({kind: 'logs', container: 'web', follow: false, timestamps: false});
  });
});

describe('the sandbox', () => {
  const config = loadConfig({});
  const req = {
    imageId: 'sha256:abc',
    imageName: 'me/hello',
    engineName: `${enginePrefix('0123')}web`,
    displayName: 'web',
    ownerId: '0123',
    readerName: 'ada',
    cmd: ['sh'],
    env: ['A=1'],
    tty: true,
    stdin: true,
  };

  it('defaults: no network, 512 MiB without swap, 1 CPU, 256 PIDs, no new privileges, read-only root, --rm', () => {
    const spec = containerSpec(req, config.run);
    const hc = spec.HostConfig!;
    expect(hc.NetworkMode).toBe('none');
    expect(spec.NetworkDisabled).toBe(true);
    expect(hc.Memory).toBe(512 * 1024 * 1024);
    expect(hc.MemorySwap).toBe(hc.Memory);
    expect(hc.NanoCpus).toBe(1e9);
    expect(hc.PidsLimit).toBe(256);
    expect(hc.SecurityOpt).toEqual(['no-new-privileges']);
    expect(JSON.stringify(spec)).not.toMatch(/unconfined/);
    expect(hc.CapDrop).toEqual(DROPPED_CAPABILITIES);
    expect(hc.CapAdd).toBeUndefined();
    expect(hc.Privileged).toBe(false);
    expect(hc.AutoRemove).toBe(true);
    expect(hc.ReadonlyRootfs).toBe(true);
    expect(Object.keys(hc.Tmpfs ?? {})).toEqual(['/tmp', '/var/tmp']);
    expect(hc.Binds).toBeUndefined();
    expect(hc.Mounts).toBeUndefined();
    expect(spec.Labels).toMatchObject({'org.dockerlab.session': '0123', 'org.dockerlab.reader': 'ada', 'org.dockerlab.name': 'web'});
    expect(spec.Image).toBe('sha256:abc');
    expect(spec.name).toBe('lab-0123-web');
  });

  it('operator settings: the build network, limits, a writable root', () => {
    const c = loadConfig({LAB_RUN_NETWORK: 'build', LAB_RUN_MEMORY_BYTES: String(64 * 1024 * 1024), LAB_RUN_CPUS: '0.5', LAB_RUN_PIDS: '32', LAB_RUN_READ_ONLY: 'false'});
    const hc = containerSpec(req, c.run).HostConfig!;
    expect(hc.NetworkMode).toBe('bridge');
    expect(hc.Memory).toBe(64 * 1024 * 1024);
    expect(hc.NanoCpus).toBe(5e8);
    expect(hc.PidsLimit).toBe(32);
    expect(hc.ReadonlyRootfs).toBe(false);
    expect(hc.Tmpfs).toBeUndefined();
    expect(() => loadConfig({LAB_RUN_NETWORK: 'host'})).toThrow(/LAB_RUN_NETWORK/);
    expect(loadConfig({LAB_RUN_TIMEOUT_MS: '10000', LAB_RUN_WARNING_MS: '60000'}).run.warningMs).toBe(5000);
  });

  it('shows the reader the name without the owner prefix', () => {
    expect(displayName('/lab-0123-web', {}, '0123')).toBe('web');
    expect(displayName('/lab-0123-web', {'org.dockerlab.name': 'web'}, '0123')).toBe('web');
  });
});

describe('the multiplexed stream', () => {
  it('splits frames across chunks and tells stdout from stderr', () => {
    const frame = (type: number, text: string) => {
      const body = Buffer.from(text);
      const h = Buffer.alloc(8);
      h[0] = type;
      h.writeUInt32BE(body.length, 4);
      return Buffer.concat([h, body]);
    };
    const all = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'é')]);
    const d = new Demuxer();
    const got: string[] = [];
    for (let i = 0; i < all.length; i += 3) for (const p of d.push(all.subarray(i, i + 3))) got.push(`${p.kind}:${p.data.toString()}`);
    expect(got).toEqual(['stdout:out\n', 'stderr:err\n', 'stdout:é']);
  });
});

describe('-i without -t: the cooked line', () => {
  it('echoes, erases, sends lines, Ctrl-D is EOF on an empty line, Ctrl-C interrupts', () => {
    const l = new CookedLine();
    expect(l.feed('ab')).toEqual({echo: 'ab', send: '', eof: false, interrupt: false});
    expect(l.feed('\x7fc\r')).toEqual({echo: '\b \bc\r\n', send: 'ac\n', eof: false, interrupt: false});
    expect(l.feed('x\x04')).toMatchObject({send: 'x', eof: false});
    expect(l.feed('\x04')).toMatchObject({eof: true});
    expect(l.feed('\x1b[Ay\x03')).toMatchObject({echo: 'y^C\r\n', interrupt: true});
  });
});

describe('docker ps', () => {
  it('prints the CLI\'s columns with the reader\'s names', () => {
    const info = {
      Id: 'f'.repeat(64),
      Names: ['/lab-0123-web'],
      Image: 'sha256:abc',
      Command: 'sh -c \'echo a very long command line\'',
      Created: 1000,
      Status: 'Up 5 seconds',
      Labels: {'org.dockerlab.image': 'me/hello'},
    } as unknown as Docker.ContainerInfo;
    const out = psTable([{id: info.Id, name: 'web', info}], {now: 1_006_000});
    expect(out.split('\n')[0]).toBe('CONTAINER ID   IMAGE      COMMAND                  CREATED         STATUS         PORTS     NAMES');
    expect(out.split('\n')[1]).toBe('ffffffffffff   me/hello   "sh -c \'echo a very …"   6 seconds ago   Up 5 seconds             web');
    expect(psTable([{id: info.Id, name: 'web', info}], {quiet: true})).toBe('ffffffffffff\n');
  });
});
