/**
 * The companion server end to end: a real WebSocket client, the real server,
 * a real dockerd and registry (scripts/lab-engine.sh). No mocked engine.
 */
import {readdirSync, readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {labEnv, registryGet, startTestLab, TestClient, uniqueName, type TestLab} from './harness';

const TINY = {
  context: 'tiny',
  dockerfile: 'FROM busybox\nCOPY hello.txt /hello.txt\nRUN echo "built: $(cat /hello.txt)"\n',
};

/** Processes of the cancel test's RUN step on this machine (the test engine is local). */
function sleepers(): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() === 'sleep 67') n++;
    } catch {
      /* gone */
    }
  }
  return n;
}

let lab: TestLab;
const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const user = env.LAB_REGISTRY_USER ?? 'student';
const password = env.LAB_REGISTRY_PASSWORD ?? 'docker-lab';

beforeAll(async () => {
  lab = await startTestLab();
});
afterAll(async () => {
  await lab?.close();
});

describe('docker build', () => {
  it('builds the lesson context with the page\'s Dockerfile and tags the image', async () => {
    const client = await TestClient.connect(lab.url);
    const name = `lab/${uniqueName('it-build')}`;
    // A RUN line of its own, so that this build's step runs rather than coming from the cache.
    const dockerfile = `FROM busybox\nCOPY hello.txt /hello.txt\nRUN echo "built: $(cat /hello.txt)" ${name}\n`;
    const end = await client.run(`docker build -t ${name}:v1 .`, {context: 'tiny', dockerfile});
    expect(end.exitCode, client.text).toBe(0);
    // BuildKit's plain progress, as the CLI prints it.
    expect(client.text).toMatch(/#\d+ \[2\/3\] COPY hello.txt \/hello.txt/);
    expect(client.text).toMatch(/#\d+ [\d.]+ built: hello from the tiny test context/);
    expect(client.text).toMatch(/#\d+ DONE \d+\.\d+s/);
    const image = await lab.lab.engine.inspectImage(`${name}:v1`);
    expect(image?.RepoTags).toContain(`${name}:v1`);
    client.close();
  });

  it('shows the engine\'s error for a failing Dockerfile and exits non-zero', async () => {
    const client = await TestClient.connect(lab.url);
    const end = await client.run(`docker build -t lab/${uniqueName('it-fail')} .`, {
      context: 'tiny',
      dockerfile: 'FROM busybox\nRUN echo about to fail && exit 3\n',
    });
    expect(end.exitCode).not.toBe(0);
    expect(client.text).toMatch(/about to fail/);
    expect(client.text).toMatch(/ERROR/);
    expect(client.text).toMatch(/exit code: 3/);
    // as buildx 0.13 prints it on Docker 26 (server/test/fixtures/bk26-fail.buildx-0.13.txt)
    expect(client.text).toContain('#0 building with "default" instance using docker driver');
    expect(client.text).toContain('   2 | >>> RUN echo about to fail && exit 3');
    expect(client.text).toMatch(/ERROR: failed to solve: process .* did not complete successfully: exit code: 3/);
    client.close();
  });

  it('reports a malformed Dockerfile without building anything', async () => {
    const client = await TestClient.connect(lab.url);
    const end = await client.run(`docker build -t lab/${uniqueName('it-bad')} .`, {
      context: 'tiny',
      dockerfile: 'FROM busybox\nFROBNICATE now\n',
    });
    expect(end.exitCode).not.toBe(0);
    expect(client.text).toMatch(/unknown instruction: FROBNICATE/i);
    // buildx shows the line the parser names
    expect(client.text).toContain('   2 | >>> FROBNICATE now');
    client.close();
  });

  it('Ctrl-C stops a running build as buildx does (CANCELED, exit code 1) and leaves no container behind', async () => {
    const before = (await lab.lab.engine.listContainers({all: true})).length;
    const client = await TestClient.connect(lab.url);
    const from = client.messages.length;
    client.sendRun('sleepy', `docker build --no-cache -t lab/${uniqueName('it-cancel')} .`, {context: 'tiny', dockerfile: 'FROM busybox\nRUN echo sleeping && sleep 67\n'});
    // The step's own output (not the echoed command line): the RUN is under way.
    await client.waitForText(/#\d+ [\d.]+ sleeping/);
    // `sleep` starts just after the echo: on a busy machine, a moment later.
    for (let i = 0; i < 40 && sleepers() === 0; i++) await new Promise((r) => setTimeout(r, 250));
    expect(sleepers()).toBeGreaterThan(0);
    client.send({t: 'input', data: '\x03'});
    const end = await client.waitFor((m) => m.t === 'command-end', 30_000, from);
    // buildx handles Ctrl-C itself and exits 1 (server/test/fixtures/bk26-cancel.buildx-0.13.txt)
    expect(end.t === 'command-end' && end.exitCode).toBe(1);
    expect(client.text).toMatch(/#\d+ CANCELED/);
    expect(client.text).toContain('ERROR: failed to solve: Canceled: context canceled');
    // The engine may take a moment to tear a step down.
    let after = -1;
    for (let i = 0; i < 20; i++) {
      after = (await lab.lab.engine.listContainers({all: true})).length;
      if (after === before) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(after).toBe(before);
    // BuildKit runs steps without engine containers: check that the step's process is gone too.
    for (let i = 0; i < 20 && sleepers() > 0; i++) await new Promise((r) => setTimeout(r, 500));
    expect(sleepers()).toBe(0);
    // The session is usable again.
    const next = await client.type('docker images -q');
    expect(next.exitCode).toBe(0);
    client.close();
  });

  it('builds with the classic builder when configured', async () => {
    const classic = await startTestLab({LAB_BUILDER: 'classic'});
    try {
      const client = await TestClient.connect(classic.url);
      const end = await client.run(`docker build -t lab/${uniqueName('it-classic')} .`, TINY);
      expect(end.exitCode, client.text).toBe(0);
      expect(client.text).toMatch(/Step 1\/\d+ : FROM busybox/);
      expect(client.text).toMatch(/Successfully built [0-9a-f]{12}/);
      client.close();
    } finally {
      await classic.close();
    }
  });
});

describe('docker login and push', () => {
  it('refuses a wrong password, stores nothing, then accepts the right one', async () => {
    const client = await TestClient.connect(lab.url);
    const from = client.messages.length;
    client.send({t: 'input', data: `docker login ${registry}\r`});
    await client.waitForText(/Username: $/m);
    client.send({t: 'input', data: `${user}\r`});
    await client.waitForText(/Password: $/m);
    client.send({t: 'input', data: 'certainly-wrong\r'});
    const end = (await client.waitFor((m) => m.t === 'command-end', 30_000, from)) as {exitCode: number};
    expect(end.exitCode).toBe(1);
    expect(client.text).toMatch(/unauthorized/i);
    expect(client.text).not.toContain('certainly-wrong');
    expect(client.session.logins).toEqual({});

    const mark = client.output.length;
    const from2 = client.messages.length;
    client.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
    await client.waitForText(/Password: $/m);
    client.send({t: 'input', data: `${password}\r`});
    const ok = (await client.waitFor((m) => m.t === 'command-end', 30_000, from2)) as {exitCode: number};
    expect(ok.exitCode, client.text).toBe(0);
    expect(client.since(mark)).toMatch(/Login Succeeded/);
    expect(client.text).not.toContain(password);
    await client.waitFor((m) => m.t === 'status' && m.session.logins[registry] === user);
    client.close();
  });

  it('pushes to the lab registry: the registry lists the tag with the digest the terminal printed', async () => {
    const client = await TestClient.connect(lab.url);
    const repo = `${registry}/${user}/${uniqueName('it-push')}`;
    expect((await client.run(`docker build -t ${repo}:v1 .`, TINY)).exitCode).toBe(0);

    const unauth = await client.run(`docker push ${repo}:v1`);
    expect(unauth.exitCode).not.toBe(0);
    expect(client.text).toMatch(/log in to the lab registry first/);

    client.send({t: 'input', data: `docker login -u ${user} ${registry}\r`});
    await client.waitForText(/Password: $/m);
    const from = client.messages.length;
    client.send({t: 'input', data: `${password}\r`});
    await client.waitFor((m) => m.t === 'command-end', 30_000, from);

    const mark = client.output.length;
    const end = await client.run(`docker push ${repo}:v1`);
    const shown = client.since(mark);
    expect(end.exitCode, shown).toBe(0);
    expect(shown).toMatch(/The push refers to repository \[/);
    expect(shown).toMatch(/[0-9a-f]{12}: (Pushed|Mounted from|Layer already exists)/);
    const digest = /v1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(shown)?.[1];
    expect(digest).toBeDefined();

    const path = repo.slice(registry.length + 1);
    const tags = (await (await registryGet(`/v2/${path}/tags/list`)).json()) as {tags: string[]};
    expect(tags.tags).toContain('v1');
    const manifest = await registryGet(`/v2/${path}/manifests/v1`, {
      accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    });
    expect(manifest.headers.get('docker-content-digest')).toBe(digest);

    // Logout forgets the credentials.
    await client.run(`docker logout ${registry}`);
    await client.waitFor((m) => m.t === 'status' && !(registry in m.session.logins));
    client.close();
  });

  it('a name without a registry host goes to Docker Hub, with a clear error when it cannot be reached', async () => {
    const client = await TestClient.connect(lab.url);
    const name = `${user}/${uniqueName('it-hub')}`;
    expect((await client.run(`docker build -t ${name} .`, TINY)).exitCode).toBe(0);
    const end = await client.run(`docker push ${name}`, undefined, 120_000);
    expect(end.exitCode).not.toBe(0);
    expect(client.text).toMatch(/docker\.io/);
    client.close();
  });
});

describe('the terminal is not a shell', () => {
  it('answers an unknown command with what it supports and status 127', async () => {
    const client = await TestClient.connect(lab.url);
    const end = await client.type('ls -la');
    expect(end.exitCode).toBe(127);
    expect(client.text).toMatch(/ls: command not found/);
    expect(client.text).toMatch(/docker build/);
    const exec = await client.type('docker exec web sh');
    expect(exec.exitCode).toBe(127);
    client.close();
  });

  it('refuses ; and | with a message and runs nothing', async () => {
    const client = await TestClient.connect(lab.url);
    const semi = await client.type('docker images; docker rmi busybox');
    expect(semi.exitCode).not.toBe(0);
    expect(client.text).toMatch(/not a shell/);
    const pipe = await client.type('docker images | grep busybox');
    expect(pipe.exitCode).not.toBe(0);
    expect(client.text).toMatch(/\|/);
    // Neither half ran: nothing was listed or removed.
    expect(client.text).not.toMatch(/REPOSITORY|Untagged|Deleted/);
    expect(await lab.lab.engine.inspectImage('busybox:latest')).not.toBeNull();
    client.close();
  });

  it('answers a frame that is not the protocol with an error and keeps the session', async () => {
    const client = await TestClient.connect(lab.url);
    client.sendRaw('{"t":"input","data":42}');
    await client.waitFor((m) => m.t === 'error' && m.code === 'bad-frame');
    client.sendRaw('not json');
    const end = await client.type('help');
    expect(end.exitCode).toBe(0);
    client.close();
  });
});
