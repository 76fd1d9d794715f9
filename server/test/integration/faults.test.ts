/**
 * Faults of the real parts: the engine stopping mid-build, the registry
 * stopping mid-push. The reader gets a clear error, the server stays up, the
 * next command works once the part is back, and no build container is left.
 *
 * These stop and restart the private engine and registry of
 * scripts/lab-engine.sh; against an engine or registry it did not start,
 * they are skipped (stopping someone else's engine is not a test's business).
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {labEnv, ROOT, startTestLab, TestClient, uniqueName, type TestLab} from './harness';

const env = labEnv();
const script = path.join(ROOT, 'scripts/lab-engine.sh');
const engine = (cmd: string) => execFileSync('bash', [script, cmd], {stdio: 'pipe', env: {...process.env}, timeout: 120_000});
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const user = env.LAB_REGISTRY_USER ?? 'student';
const password = env.LAB_REGISTRY_PASSWORD ?? 'docker-lab';

let lab: TestLab;
beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  engine('up'); // whatever happened, leave the parts running
  await lab?.close();
});

async function statusOk(): Promise<boolean> {
  const port = new URL(lab.url).port;
  const res = await fetch(`http://127.0.0.1:${port}/companion/status`);
  return res.ok;
}

describe.skipIf(env.LAB_ENGINE_KIND !== 'private')('the engine goes away', () => {
  it('stopping dockerd mid-build: a clear error, the server stays up, the next command works once it is back', async () => {
    const containersBefore = (await lab.lab.engine.listContainers({all: true})).length;
    const client = await TestClient.connect(lab.url);
    const from = client.messages.length;
    client.sendRun('doomed', `docker build --no-cache -t lab/${uniqueName('fault-engine')} .`, {context: 'tiny', dockerfile: `FROM busybox\nRUN echo waiting && sleep 40 # ${Date.now()}\n`});
    await client.waitForText(/#\d+ [\d.]+ waiting/);
    engine('stop-engine');
    const end = await client.waitFor((m) => m.t === 'command-end', 60_000, from);
    expect(end.t === 'command-end' && end.exitCode).not.toBe(0);
    expect(client.text).toMatch(/connection to the Docker daemon .* was lost|ended the build without an image|Cannot connect to the Docker daemon/);
    expect(client.text).not.toMatch(/internal error/);
    expect(await statusOk()).toBe(true);

    // While it is down: a clear message, no crash.
    let mark = client.output.length;
    const down = await client.type('docker images');
    expect(down.exitCode).toBe(1);
    expect(client.since(mark)).toMatch(/Cannot connect to the Docker daemon at .*Is the docker daemon running\?/);

    engine('up');
    mark = client.output.length;
    const back = await client.type('docker images');
    expect(back.exitCode, client.since(mark)).toBe(0);
    expect(client.since(mark)).toMatch(/REPOSITORY/);
    const containersAfter = (await lab.lab.engine.listContainers({all: true})).length;
    expect(containersAfter).toBeLessThanOrEqual(containersBefore);
    // And a build works again.
    expect((await client.run(`docker build -t lab/${uniqueName('fault-after')} .`, {context: 'tiny', dockerfile: 'FROM busybox\n'})).exitCode).toBe(0);
    client.close();
  });
});

const buildCgroup = env.LAB_BUILD_CGROUP ?? 'docker-lab-builds';
const engineCgroup = env.LAB_ENGINE_CGROUP ?? 'docker-lab-engine';
const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
/** A cgroup's file, v1 (CONTROLLER/NAME/FILE) or v2 (NAME/FILE). */
const cgroupFile = (controller: string, name: string, v1: string, v2: string) =>
  cgroupV2 ? `/sys/fs/cgroup/${name}/${v2}` : `/sys/fs/cgroup/${controller}/${name}/${v1}`;
const limitFile = existsSync(cgroupFile('memory', buildCgroup, 'memory.limit_in_bytes', 'memory.max'))
  ? cgroupFile('memory', buildCgroup, 'memory.limit_in_bytes', 'memory.max')
  : null;
const stateDir = process.env.LAB_STATE_DIR || path.join(ROOT, '.lab');

describe.skipIf(env.LAB_ENGINE_KIND !== 'private' || !limitFile)('build limits', () => {
  it('every build step runs in the engine\'s build cgroup, and a step over its memory limit is stopped with a clear message', async () => {
    const client = await TestClient.connect(lab.url);
    let mark = client.output.length;
    const placed = await client.run(`docker build --no-cache -t lab/${uniqueName('limit-where')} .`, {
      context: 'tiny',
      dockerfile: `FROM busybox\nRUN cat /proc/self/cgroup # ${Date.now()}\n`,
    });
    expect(placed.exitCode).toBe(0);
    expect(client.since(mark)).toMatch(new RegExp(`(memory|0:):/${buildCgroup}/`));
    // The CPU limit of that cgroup: LAB_BUILD_CPUS (default 1) CPUs.
    const cpus = Number(process.env.LAB_BUILD_CPUS ?? 1);
    const quota = readFileSync(cgroupFile('cpu', buildCgroup, 'cpu.cfs_quota_us', 'cpu.max'), 'utf8').split(' ')[0]!;
    expect(Number(quota)).toBe(cpus * 100_000);

    // Lower the limit for this test (the script sets it when it starts dockerd), then restore it.
    const before = readFileSync(limitFile!, 'utf8').trim();
    writeFileSync(limitFile!, String(64 * 1024 * 1024));
    try {
      mark = client.output.length;
      // awk doubles a string past 256 MB: far over the 64 MiB the step may use.
      const end = await client.run(`docker build --no-cache -t lab/${uniqueName('limit-oom')} .`, {
        context: 'tiny',
        dockerfile: `FROM busybox\nRUN awk 'BEGIN { s = "x"; while (length(s) < 300000000) s = s s; print length(s) }' # ${Date.now()}\n`,
      });
      expect(end.exitCode).not.toBe(0);
      expect(client.since(mark)).toMatch(/exit code: 137/);
      expect(client.since(mark)).toMatch(/more memory than the lab allows builds/);
    } finally {
      writeFileSync(limitFile!, before);
    }
    client.close();
  });
});

describe.skipIf(env.LAB_REGISTRY_KIND !== 'private')('the registry goes away', () => {
  it('stopping the registry mid-push: a clear error, and the push works once it is back', async () => {
    const client = await TestClient.connect(lab.url);
    const repo = `${registry}/${user}/${uniqueName('fault-push')}`;
    // A big random layer, so the push takes a while.
    const dockerfile = `FROM busybox\nRUN head -c 150000000 /dev/urandom > /blob # ${Date.now()}\n`;
    expect((await client.run(`docker build -t ${repo} .`, {context: 'tiny', dockerfile}, 180_000)).exitCode).toBe(0);
    const loginFrom = client.messages.length;
    client.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
    await client.waitForText(/Password: $/m);
    client.send({t: 'input', data: `${password}\r`});
    await client.waitFor((m) => m.t === 'command-end', 30_000, loginFrom);

    const from = client.messages.length;
    const mark = client.output.length;
    client.send({t: 'run', blockId: 'push', command: `docker push ${repo}`});
    await client.waitForText(/Pushing/);
    engine('stop-registry');
    const end = await client.waitFor((m) => m.t === 'command-end', 120_000, from);
    expect(end.t === 'command-end' && end.exitCode).not.toBe(0);
    expect(client.since(mark)).toMatch(/connection refused|EOF|broken pipe|connection reset|dial tcp/i);
    expect(await statusOk()).toBe(true);

    engine('up');
    const again = await client.run(`docker push ${repo}`, undefined, 180_000);
    expect(again.exitCode, client.text.slice(-1500)).toBe(0);
    expect(client.text).toMatch(/latest: digest: sha256:[0-9a-f]{64}/);
    client.close();
  });
});

describe.skipIf(env.LAB_ENGINE_KIND !== 'private' || !limitFile)('engine and build cgroups', () => {
  it('dockerd and its containerd run in the engine\'s own cgroup, with CPU, memory and PID limits', () => {
    const pid = readFileSync(path.join(stateDir, 'run/dockerd.pid'), 'utf8').trim();
    const own = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    for (const controller of cgroupV2 ? ['0:'] : ['memory', 'cpu', 'pids']) {
      expect(own).toMatch(new RegExp(`${controller}[^\\n]*:/${engineCgroup}$`, 'm'));
    }
    const procs = readFileSync(cgroupFile('pids', engineCgroup, 'cgroup.procs', 'cgroup.procs'), 'utf8');
    expect(procs.split('\n')).toContain(pid);
    expect(readFileSync(cgroupFile('memory', engineCgroup, 'memory.limit_in_bytes', 'memory.max'), 'utf8').trim()).toBe(
      process.env.LAB_ENGINE_MEMORY_BYTES ?? '4294967296',
    );
    const quota = readFileSync(cgroupFile('cpu', engineCgroup, 'cpu.cfs_quota_us', 'cpu.max'), 'utf8').split(' ')[0]!;
    expect(Number(quota)).toBe(Number(process.env.LAB_ENGINE_CPUS ?? 1.5) * 100_000);
    expect(readFileSync(cgroupFile('pids', engineCgroup, 'pids.max', 'pids.max'), 'utf8').trim()).toBe(process.env.LAB_ENGINE_PIDS ?? '4096');
  });

  it('build steps share a PID limit: a step forking past it fails, and the next build works', async () => {
    const pidsMax = cgroupFile('pids', buildCgroup, 'pids.max', 'pids.max');
    expect(readFileSync(pidsMax, 'utf8').trim()).toBe(process.env.LAB_BUILD_PIDS ?? '1024');
    const client = await TestClient.connect(lab.url);
    const before = readFileSync(pidsMax, 'utf8').trim();
    writeFileSync(pidsMax, '40');
    try {
      const mark = client.output.length;
      // 100 sleeping processes at once: over the 40 allowed.
      const end = await client.run(`docker build --no-cache -t lab/${uniqueName('limit-pids')} .`, {
        context: 'tiny',
        dockerfile: `FROM busybox\nRUN for i in $(seq 1 100); do sleep 5 & done; wait # ${Date.now()}\n`,
      });
      expect(end.exitCode, client.since(mark).slice(-1500)).not.toBe(0);
      expect(client.since(mark)).toMatch(/can't fork|Resource temporarily unavailable|fork/i);
    } finally {
      writeFileSync(pidsMax, before);
    }
    const again = await client.run(`docker build --no-cache -t lab/${uniqueName('limit-pids-after')} .`, {
      context: 'tiny',
      dockerfile: `FROM busybox\nRUN for i in $(seq 1 100); do sleep 1 & done; wait # ${Date.now()}\n`,
    });
    expect(again.exitCode, client.text.slice(-1500)).toBe(0);
    client.close();
  });
});
