/**
 * `docker run`, `ps`, `stop`, `logs` (issue 18) against the real engine:
 * the hello image prints its lines; exit statuses as the CLI gives them; an
 * interactive TTY (keys, resize reaching `stty size`, Ctrl-C and Ctrl-D as
 * bytes); `-i` alone; the sandbox as the engine holds it (no network, limits,
 * no new privileges, dropped capabilities, read-only root); the wall-time
 * limit; a fork bomb and a memory hog contained while another reader works;
 * another reader's containers and images invisible; refused flags.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import Docker from 'dockerode';
import {dockerOptionsFor} from '../../src/engine/connection';
import {createReader, labEnv, startTestLab, TestClient, uniqueName, uniqueReaderName, type TestLab} from './harness';
import type {CommandEndMessage} from '../../../src/protocol';
import {OWNER_LABEL} from '../../src/engine/labels';

const TIMEOUT_MS = 15_000;
let lab: TestLab;
/** Reader A in two tabs, reader B in one. */
let a1: TestClient;
let a1Cookie: string;
let a2: TestClient;
let b: TestClient;
let hello: string;
let bImage: string;

const ctx = (dockerfile: string) => ({context: 'tiny', dockerfile});

beforeAll(async () => {
  lab = await startTestLab({
    LAB_COMMANDS_PER_MINUTE: '1000',
    LAB_RUN_TIMEOUT_MS: String(TIMEOUT_MS),
    LAB_RUN_WARNING_MS: '5000',
  });
  const ra = await createReader(lab, uniqueReaderName('runa'));
  const rb = await createReader(lab, uniqueReaderName('runb'));
  a1Cookie = ra.cookie;
  a1 = await TestClient.connect(lab.url, {cookie: ra.cookie, cols: 120});
  a2 = await TestClient.connect(lab.url, {cookie: ra.cookie});
  b = await TestClient.connect(lab.url, {cookie: rb.cookie});
  hello = `${ra.name}/${uniqueName('hello')}`;
  const built = await a1.run(
    `docker build -t ${hello} .`,
    ctx('FROM busybox\nCMD ["sh", "-c", "echo Hello from inside a container!; echo second line; echo third line"]\n'),
  );
  expect(built.exitCode, a1.text.slice(-2000)).toBe(0);
  bImage = `${rb.name}/${uniqueName('secret')}`;
  const builtB = await b.run(`docker build -t ${bImage} .`, ctx('FROM busybox\nRUN echo b-secret > /secret\n'));
  expect(builtB.exitCode, b.text.slice(-2000)).toBe(0);
}, 180_000);

afterAll(async () => {
  for (const c of [a1, a2, b]) c?.close();
  await lab?.close();
});

/** Type a line and return its end and what it printed. */
async function typed(c: TestClient, line: string, timeoutMs = 60_000): Promise<{end: CommandEndMessage; out: string}> {
  const mark = c.output.length;
  const end = await c.type(line, timeoutMs);
  return {end, out: c.since(mark)};
}

/** Send keys, without waiting for anything. */
const keys = (c: TestClient, data: string) => c.send({t: 'input', data});

/** The engine's view of the lab's containers with this display name. */
async function engineContainers(): Promise<Docker.ContainerInfo[]> {
  return lab.lab.engine.listContainers({all: true, labels: ['org.dockerlab.kind=run']});
}

async function until<T>(probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('running the reader\'s own image', () => {
  it('prints the hello image\'s three lines and ends with status 0', async () => {
    const {end, out} = await typed(a1, `docker run --rm ${hello}`);
    expect(end.exitCode, out).toBe(0);
    expect(out).toContain('Hello from inside a container!\r\nsecond line\r\nthird line');
  });

  it('gives the container\'s exit status, its command and arguments, -e and -w', async () => {
    expect((await typed(a1, 'docker run --rm busybox sh -c "exit 3"')).end.exitCode).toBe(3);
    const {end, out} = await typed(a1, 'docker run -e GREETING=hi -w /etc busybox sh -c \'echo $GREETING from $(pwd)\'');
    expect(end.exitCode, out).toBe(0);
    expect(out).toContain('hi from /etc');
    const ep = await typed(a1, 'docker run --entrypoint echo busybox via entrypoint');
    expect(ep.out).toContain('via entrypoint');
  });

  it('says when the command is not in the image (127), as the CLI does', async () => {
    const {end, out} = await typed(a1, 'docker run busybox no-such-program');
    expect(end.exitCode).toBe(127);
    expect(out).toMatch(/docker: Error response from daemon: .*no-such-program.*\r?\n\r?\nRun 'docker run --help' for more information/);
    expect(out).not.toContain('lab-'); // the engine's name of the container stays inside
  });

  it('leaves no container behind (--rm always)', async () => {
    expect((await typed(a1, 'docker run --rm=false busybox true')).end.exitCode).toBe(0);
    const mine = (await engineContainers()).filter((c) => c.Labels?.['org.dockerlab.reader'] === hello.split('/')[0]);
    expect(mine).toEqual([]);
  });
});

describe('the sandbox, as the engine holds it', () => {
  it('no network, memory/CPU/PID limits, no new privileges, default seccomp, capabilities dropped, read-only root', async () => {
    const mark = a1.messages.length;
    a1.send({t: 'input', data: 'docker run --name boxed busybox sleep 30\r'});
    const info = await until(async () => (await engineContainers()).find((c) => c.Labels?.['org.dockerlab.name'] === 'boxed' && c.State === 'running'));
    const details = (await lab.lab.engine.inspectContainer(info.Id))!;
    const hc = details.HostConfig;
    expect(hc.NetworkMode).toBe('none');
    expect(hc.Memory).toBe(lab.config.run.memoryBytes);
    expect(hc.MemorySwap).toBe(lab.config.run.memoryBytes);
    expect(hc.NanoCpus).toBe(lab.config.run.cpus * 1e9);
    expect(hc.PidsLimit).toBe(lab.config.run.pids);
    expect(hc.SecurityOpt).toEqual(['no-new-privileges']);
    expect(hc.Privileged).toBe(false);
    expect(hc.CapDrop).toEqual(expect.arrayContaining(['NET_RAW', 'MKNOD', 'SYS_CHROOT']));
    expect(hc.CapAdd ?? []).toEqual([]);
    expect(hc.AutoRemove).toBe(true);
    expect(hc.ReadonlyRootfs).toBe(true);
    expect(hc.Binds ?? []).toEqual([]);
    expect(details.Name).toMatch(/^\/lab-[0-9a-f]+-boxed$/);
    expect(details.Config.Labels?.[OWNER_LABEL]).toBeTruthy();
    keys(a1, '\x03');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode).toBe(130);
  });

  it('seen from inside: only a loopback interface, seccomp filtering, no new privileges, no raw sockets, a read-only /', async () => {
    const {out} = await typed(
      a1,
      "docker run busybox sh -c 'ls /sys/class/net; grep -E \"^(Seccomp|NoNewPrivs|CapEff):\" /proc/self/status; touch /x 2>&1; touch /tmp/ok && echo tmp-writable'",
    );
    expect(out).toMatch(/^lo\r?$/m);
    expect(out).not.toMatch(/^eth0/m);
    expect(out).toMatch(/Seccomp:\s+2/);
    expect(out).toMatch(/NoNewPrivs:\s+1/);
    const capEff = BigInt('0x' + /CapEff:\s+([0-9a-f]+)/.exec(out)![1]!);
    const CAP_NET_RAW = 13n;
    const CAP_SYS_ADMIN = 21n;
    expect((capEff >> CAP_NET_RAW) & 1n).toBe(0n);
    expect((capEff >> CAP_SYS_ADMIN) & 1n).toBe(0n);
    expect(out).toMatch(/Read-only file system/);
    expect(out).toContain('tmp-writable');
  });

  it('cannot reach the host\'s services or the lab registry', async () => {
    const e = labEnv();
    const registryPort = (e.LAB_REGISTRY ?? 'localhost:5000').split(':')[1] ?? '5000';
    const gateway = (e.LAB_ENGINE_SUBNET ?? '172.17.0.0/16').replace(/\.0\/\d+$/, '.1');
    const targets = [
      `http://127.0.0.1:${lab.lab.port}/`,
      `http://127.0.0.1:${registryPort}/v2/`,
      `http://${gateway}:${lab.lab.port}/`,
      `http://${gateway}:${registryPort}/v2/`,
      'http://deb.debian.org/debian/',
    ];
    const script = targets.map((t) => `wget -q -T 3 -O- ${t} >/dev/null 2>&1 && echo REACHED ${t} || echo blocked`).join('; ');
    const {out} = await typed(a1, `docker run busybox sh -c '${script}'`);
    expect(out).not.toMatch(/^REACHED/m);
    expect(out.match(/^blocked/gm)?.length).toBe(targets.length);
  });
});

describe('interactive containers', () => {
  it('-it: keys reach the TTY, the result comes back, resize reaches stty size, Ctrl-D ends it with status 0', async () => {
    const mark = a1.messages.length;
    const out0 = a1.output.length;
    keys(a1, 'docker run -it --rm busybox sh\r');
    await until(async () => (/# $/.test(a1.since(out0).trimEnd() + ' ') ? true : undefined));
    keys(a1, 'echo $((6*7))\r');
    await a1.waitForText(/\n42\r?\n/, 20_000);
    keys(a1, 'stty size\r');
    await until(async () => (/\b30 120\b/.test(a1.since(out0)) ? true : undefined));
    a1.send({t: 'resize', cols: 100, rows: 40});
    await new Promise((r) => setTimeout(r, 300));
    keys(a1, 'stty size\r');
    await until(async () => (/\b40 100\b/.test(a1.since(out0)) ? true : undefined));
    // Ctrl-C is a byte for the TTY: sh stays, the command goes on.
    keys(a1, 'sleep 20\r');
    await new Promise((r) => setTimeout(r, 500));
    keys(a1, '\x03');
    keys(a1, 'echo still-here\r');
    await until(async () => (/still-here\r?\n/.test(a1.since(out0)) ? true : undefined));
    keys(a1, '\x04');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode).toBe(0);
    a1.send({t: 'resize', cols: 120, rows: 30});
    // The lab's prompt is back: a typed line is a docker command again.
    expect((await typed(a1, 'docker run --rm busybox true')).end.exitCode).toBe(0);
  });

  it('-it: exit status as the CLI reports it', async () => {
    const mark = a1.messages.length;
    const out0 = a1.output.length;
    keys(a1, 'docker run -it busybox sh\r');
    await until(async () => (/# $/.test(a1.since(out0).trimEnd() + ' ') ? true : undefined));
    keys(a1, 'exit 7\r');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode).toBe(7);
  });

  it('-it: the lines pasted after the run line go to the container, as in a shell, not to the lab\'s prompt', async () => {
    const mark = a1.messages.length;
    const out0 = a1.output.length;
    keys(a1, 'docker run -it --rm busybox sh\recho pasted-$((1+2))\rexit 5\r');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode, a1.since(out0)).toBe(5);
    expect(a1.since(out0)).toMatch(/^pasted-3\r?$/m);
    expect(a1.since(out0)).not.toMatch(/command not found/);
  });

  it('-i: pasted lines go through the container\'s line discipline too', async () => {
    const mark = a1.messages.length;
    const out0 = a1.output.length;
    keys(a1, 'docker run -i --rm busybox sh\recho piped-$((2+2))\rexit 3\r');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode, a1.since(out0)).toBe(3);
    expect(a1.since(out0)).toMatch(/^piped-4\r?$/m);
  });

  it('a container that does not start leaves the pasted lines to the lab, which says they were not run', async () => {
    const mark = a1.messages.length;
    const out0 = a1.output.length;
    keys(a1, 'docker run -it --rm busybox no-such-command\rdocker images\r');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode).toBe(127);
    await until(async () => (/1 pasted line was not run/.test(a1.since(out0)) ? true : undefined));
    expect(a1.since(out0)).not.toMatch(/REPOSITORY/);
  });

  it('Ctrl-C while the engine creates the container: it ends there, and the container never starts', async () => {
    const docker = new Docker(dockerOptionsFor(labEnv().DOCKER_HOST!));
    const since = Math.floor(Date.now() / 1000) - 1;
    const mark = a1.messages.length;
    keys(a1, 'docker run --rm --name never-started busybox sleep 30\r');
    keys(a1, '\x03');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode).toBe(130);
    const until = Math.floor(Date.now() / 1000) + 1;
    const stream = (await docker.getEvents({since, until, filters: {type: ['container'], label: ['org.dockerlab.kind=run']}})) as NodeJS.ReadableStream;
    let raw = '';
    for await (const chunk of stream) raw += String(chunk);
    const events = raw.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {Action: string; Actor: {Attributes: Record<string, string>}});
    const mine = events.filter((e) => (e.Actor.Attributes.name ?? '').endsWith('never-started'));
    expect(mine.map((e) => e.Action)).toContain('create');
    expect(mine.map((e) => e.Action)).not.toContain('start');
  });

  it('-i alone: lines go to stdin with echo, Ctrl-D closes it', async () => {
    const mark = a1.messages.length;
    const out0 = a1.output.length;
    keys(a1, 'docker run -i busybox sh\r');
    await new Promise((r) => setTimeout(r, 1500));
    keys(a1, 'echo $((2+3))x\r');
    await until(async () => (/^5x\r?$/m.test(a1.since(out0)) ? true : undefined));
    keys(a1, '\x04');
    const end = (await a1.waitFor((m) => m.t === 'command-end', 20_000, mark)) as CommandEndMessage;
    expect(end.exitCode).toBe(0);
  });
});

describe('limits', () => {
  it('the wall-time limit warns, then ends a sleep', async () => {
    const t0 = Date.now();
    const {end, out} = await typed(a1, 'docker run busybox sleep 600', 60_000);
    expect(Date.now() - t0).toBeLessThan(TIMEOUT_MS + 10_000);
    expect(out).toMatch(/This container has 5 s left/);
    expect(out).toMatch(/time limit of 15 s and was stopped/);
    expect(end.exitCode).not.toBe(0);
  });

  it('the per-reader container limit holds when several terminals press Run at the same instant', async () => {
    const tabs = await Promise.all([1, 2, 3, 4].map(() => TestClient.connect(lab.url, {cookie: a1Cookie})));
    try {
      const marks = tabs.map((t) => t.messages.length);
      for (const t of tabs) keys(t, 'docker run busybox sleep 20\r');
      // Every terminal either runs its container or is refused; count what the engine runs for A.
      await new Promise((r) => setTimeout(r, 6000));
      const mine = (await engineContainers()).filter((c) => c.Labels?.['org.dockerlab.reader'] === hello.split('/')[0]);
      expect(mine.length).toBeLessThanOrEqual(2);
      expect(tabs.filter((t) => /the lab's limit for one reader/.test(t.text)).length).toBeGreaterThanOrEqual(2);
      for (const t of tabs) keys(t, '\x03');
      await Promise.all(tabs.map((t, i) => t.waitFor((m) => m.t === 'command-end', 30_000, marks[i])));
    } finally {
      for (const t of tabs) t.close();
    }
  }, 60_000);

  it('a fork bomb and a memory hog are contained; another reader runs meanwhile', async () => {
    const mark = a1.messages.length;
    keys(a1, "docker run busybox sh -c 'f() { f | f & }; f; sleep 30'\r");
    await until(async () => ((await engineContainers()).some((c) => c.State === 'running' && c.Labels?.['org.dockerlab.reader'] === hello.split('/')[0]) ? true : undefined));
    await new Promise((r) => setTimeout(r, 2000));
    const t0 = Date.now();
    const other = await typed(b, 'docker run --rm busybox echo b-still-works');
    expect(other.out).toContain('b-still-works');
    expect(Date.now() - t0).toBeLessThan(15_000);
    keys(a1, '\x03');
    await a1.waitFor((m) => m.t === 'command-end', 30_000, mark);

    const hog = await typed(a1, "docker run busybox sh -c 'x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done'", 60_000);
    expect(hog.end.exitCode).toBe(137); // killed by the memory cgroup
    expect((await typed(b, 'docker run --rm busybox echo b-ok')).out).toContain('b-ok');
  }, 90_000);
});

describe('one reader\'s containers and images are invisible to another', () => {
  it('ps, logs and stop see the reader\'s own containers (from another tab); the other reader sees none', async () => {
    const mark = a1.messages.length;
    keys(a1, "docker run --name web busybox sh -c 'echo from-web; sleep 60'\r");
    await a1.waitForText(/^from-web/m, 20_000);
    // B may use the same name: names are per reader.
    const bMark = b.messages.length;
    keys(b, "docker run --name web busybox sh -c 'echo from-b-web; sleep 60'\r");
    await b.waitForText(/^from-b-web/m, 20_000);

    const ps = await typed(a2, 'docker ps');
    expect(ps.out).toMatch(/^CONTAINER ID {3}IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES\r?$/m);
    expect(ps.out).toMatch(/^[0-9a-f]{12} {3}busybox +"sh -c 'echo from-we…" +(?:\d+ seconds?|Less than a second) ago +Up .* web\r?$/m);
    expect(ps.out).toMatch(/ web\r?\n/);
    expect(ps.out.match(/ web\r?\n/g)?.length).toBe(1);
    expect(ps.out).not.toContain('lab-');
    const logs = await typed(a2, 'docker logs web');
    expect(logs.out).toContain('from-web');
    expect(logs.out).not.toMatch(/^from-b-web/m);

    // A second reader's tab: nothing of A's.
    const bTab = await TestClient.connect(lab.url, {cookie: (await createReader(lab, uniqueReaderName('runc'))).cookie});
    try {
      const psC = await typed(bTab, 'docker ps -a');
      expect(psC.out).not.toMatch(/web|sleep/);
      const aId = (await engineContainers()).find((c) => c.Labels?.['org.dockerlab.reader'] === hello.split('/')[0])!.Id;
      for (const ref of ['web', aId.slice(0, 12), aId]) {
        const stop = await typed(bTab, `docker stop ${ref}`);
        expect(stop.end.exitCode).toBe(1);
        expect(stop.out).toContain(`No such container: ${ref}`);
        const lg = await typed(bTab, `docker logs ${ref}`);
        expect(lg.end.exitCode).toBe(1);
        expect(lg.out).not.toMatch(/^from-web/m);
      }
    } finally {
      bTab.close();
    }

    const stop = await typed(a2, 'docker stop -t 1 web');
    expect(stop.end.exitCode).toBe(0);
    expect(stop.out).toContain('web');
    await a1.waitFor((m) => m.t === 'command-end', 20_000, mark);
    keys(b, '\x03');
    await b.waitFor((m) => m.t === 'command-end', 20_000, bMark);
  }, 90_000);

  it('another reader\'s image cannot be run, by name or ID, and reads like a missing one', async () => {
    const byName = await typed(a1, `docker run --rm ${bImage} cat /secret`);
    expect(byName.end.exitCode).toBe(125);
    expect(byName.out).not.toContain('b-secret');
    expect(byName.out).toContain(`Unable to find image '${bImage}:latest' locally`);
    const id = (await lab.lab.engine.inspectImage(bImage))!.Id;
    const byId = await typed(a1, `docker run --rm ${id.slice(7, 19)} cat /secret`);
    expect(byId.end.exitCode).toBe(125);
    expect(byId.out).not.toContain('b-secret');
    const missing = await typed(a1, `docker run --rm x/${uniqueName('none')} cat /secret`);
    const norm = (s: string) => s.slice(s.indexOf('Unable to find')).replace(/'[^']*'/g, "'…'").replace(/and \S+ is not/, 'and … is not').replace(/lab\S*\$ $/, '');
    expect(norm(byName.out)).toBe(norm(missing.out));
  });

  it('an image without an owner and without a name (a classic build\'s intermediate layer, a commit) is nobody\'s base image', async () => {
    // Such images hold the files of whoever's build made them; only named unowned images are the lab's.
    const host = labEnv().DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    const {default: DockerCtor} = await import('dockerode');
    const docker = new DockerCtor({socketPath: host.replace(/^unix:\/\//, '')});
    const c = await docker.createContainer({Image: 'busybox', Cmd: ['sh', '-c', 'echo nameless-secret > /secret']});
    const imageId = await (async () => {
      try {
        await c.start();
        await c.wait();
        return ((await c.commit({})) as {Id: string}).Id;
      } finally {
        await c.remove({force: true}).catch(() => undefined);
      }
    })();
    try {
      const r = await typed(b, `docker run --rm ${imageId.replace('sha256:', '').slice(0, 12)} cat /secret`);
      expect(r.end.exitCode).toBe(125);
      expect(r.out).not.toContain('nameless-secret');
      expect(r.out).toContain('Unable to find image');
    } finally {
      await docker.getImage(imageId).remove({force: true}).catch(() => undefined);
    }
  });

  it('an image with a VOLUME does not run (an anonymous volume would bypass the read-only root)', async () => {
    const image = `lab/${uniqueName('vol')}`;
    const built = await a1.run(`docker build -t ${image} .`, ctx('FROM busybox\nVOLUME /data\n'));
    expect(built.exitCode).toBe(0);
    const before = (await engineContainers()).length;
    const {end, out} = await typed(a1, `docker run --rm ${image} sh -c 'echo ran'`);
    expect(end.exitCode).toBe(125);
    expect(out).toMatch(/declares VOLUME \/data/);
    expect(out).not.toMatch(/^ran/m);
    expect((await engineContainers()).length).toBe(before);
  });

  it('every sandbox flag is refused with a message, and nothing runs', async () => {
    const before = (await engineContainers()).length;
    for (const flag of ['--privileged', '--cap-add ALL', '--device /dev/kvm', '-v /:/host', '--mount type=bind,src=/,dst=/h', '--network host', '-p 80:80', '--pid host', '--ipc host', '--userns host', '--security-opt seccomp=unconfined', '-d', '-u 0', '--memory 10g']) {
      const {end, out} = await typed(a1, `docker run ${flag} busybox true`);
      expect(end.exitCode, flag).toBe(125);
      expect(out, flag).toMatch(/option is not supported in this terminal/);
    }
    expect((await engineContainers()).length).toBe(before);
  });
});
