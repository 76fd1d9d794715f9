/**
 * A RUN step cannot reach a service of the host bound on 0.0.0.0, through
 * the bridge's gateway or the host's other addresses (issue 12 point 5);
 * DNS and the Debian mirror still work, so apt-get in the lessons does.
 *
 * The rules are scripts/lab-build-network.sh's, on the engine's default
 * bridge; the engine script applies them to its own engine. Against an engine
 * without them (an operator's DOCKER_HOST, the shared dev engine) this test
 * applies them and removes them afterwards. LAB_TEST_APPLY_BUILD_NETWORK=0
 * leaves them out, to see the test fail on an unprotected engine.
 *
 * Traffic goes only to this machine's own addresses, the machine's resolver
 * and the Debian mirror.
 */
import {spawnSync} from 'node:child_process';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {networkInterfaces} from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {labEnv, ROOT, startTestLab, TestClient, type TestLab} from './harness';

const SCRIPT = path.join(ROOT, 'scripts/lab-build-network.sh');
const MARKER = `host-service-${Math.random().toString(36).slice(2, 10)}`;

let lab: TestLab;
let client: TestClient;
let service: Server;
let port: number;
let bridge: {name: string; subnet: string; gateway: string};
let applied = false;

function sh(cmd: string, args: string[]): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync(cmd, args, {encoding: 'utf8', env: {...process.env, DOCKER_HOST: labEnv().DOCKER_HOST}, timeout: 60_000});
  return {status: r.status, stdout: r.stdout, stderr: r.stderr};
}

beforeAll(async () => {
  const inspect = sh('docker', ['network', 'inspect', 'bridge', '--format', '{{json .}}']);
  expect(inspect.status, inspect.stderr).toBe(0);
  const net = JSON.parse(inspect.stdout) as {Options: Record<string, string>; IPAM: {Config: Array<{Subnet: string; Gateway: string}>}};
  const ipam = net.IPAM.Config.find((c) => c.Subnet.includes('.'))!;
  bridge = {name: net.Options['com.docker.network.bridge.name'] ?? 'docker0', subnet: ipam.Subnet, gateway: ipam.Gateway};
  if (process.env.LAB_TEST_APPLY_BUILD_NETWORK !== '0' && sh('bash', [SCRIPT, 'status', bridge.name]).status !== 0) {
    const up = sh('bash', [SCRIPT, 'up', bridge.name, bridge.subnet]);
    expect(up.status, up.stderr).toBe(0);
    applied = true;
  }
  service = createServer((_req, res) => res.end(`${MARKER}\n`));
  await new Promise<void>((resolve) => service.listen(0, '0.0.0.0', resolve));
  port = (service.address() as AddressInfo).port;
  lab = await startTestLab({LAB_COMMANDS_PER_MINUTE: '1000'});
  client = await TestClient.connect(lab.url);
});

afterAll(async () => {
  client?.close();
  await lab?.close();
  service?.close();
  if (applied) sh('bash', [SCRIPT, 'down', bridge.name]);
});

async function build(dockerfile: string): Promise<string> {
  const mark = client.output.length;
  const end = await client.run('docker build --no-cache .', {context: 'tiny', dockerfile}, 120_000);
  const out = client.since(mark);
  expect(end.exitCode, out).toBe(0);
  return out;
}

/** This machine's IPv4 addresses other than loopback (the bridge gateway among them). */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

describe('the build network', () => {
  it('a RUN step cannot reach a host service bound on 0.0.0.0, by the gateway or any host address', async () => {
    // The service answers from this machine itself.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain(MARKER);
    const targets = [bridge.gateway, ...hostAddresses().filter((a) => a !== bridge.gateway)];
    // busybox's nc (its wget crashes on this busybox build); a refused or dropped connection prints nothing.
    const probes = targets.map((a) => `(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 4 ${a} ${port}) || echo "unreachable ${a}"`).join('; ');
    const out = await build(`FROM busybox\nRUN ${probes}\n`);
    expect(out).not.toContain(MARKER);
    for (const a of targets) expect(out).toContain(`unreachable ${a}`);
  });

  it('DNS and the Debian mirror still work (apt-get in the lessons)', async () => {
    const out = await build(
      "FROM busybox\nRUN nslookup deb.debian.org && (printf 'HEAD /debian/dists/bookworm/Release HTTP/1.1\\r\\nHost: deb.debian.org\\r\\nConnection: close\\r\\n\\r\\n'; sleep 3) " +
        "| nc -w 10 deb.debian.org 80 | grep -q '^HTTP/1' && echo mirror-ok\n",
    );
    expect(out).toContain('mirror-ok');
  });
});
