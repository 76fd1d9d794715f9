/**
 * Issue 19, points 9, 10 and 12 through a real server: `cd LESSON` switches the
 * lesson the prompt shows (and refuses lessons the page never sent), a
 * multi-line paste runs line by line and stops at the first failure, and the
 * newcomer hints (a wrong lab password, a bare `docker push hello`, a build
 * without -t) appear where a newcomer needs them.
 */
import {describe, expect, it} from 'vitest';
import {createReader, fileTestLab, labEnv, TestClient, uniqueReaderName} from './harness';

const env = labEnv();
const registry = env.LAB_REGISTRY ?? 'localhost:5000';
const tokenAuth = !!env.LAB_TOKEN_KEY;
const TINY = {context: 'tiny', dockerfile: 'FROM busybox\nCOPY hello.txt /hello.txt\n'};
const IGNORE = {context: 'ignore', dockerfile: 'FROM busybox\nCOPY keep.txt /keep.txt\n'};

const t = fileTestLab();

async function connect(): Promise<{c: TestClient; name: string}> {
  const reader = await createReader(t.lab, uniqueReaderName('nt'));
  const c = await TestClient.connect(t.url, {cookie: reader.cookie});
  await c.waitForText(/lab\$ $/);
  return {c, name: reader.name};
}

/** The prompt the terminal shows last. */
function lastPrompt(c: TestClient): string {
  return c.text.trimEnd().split('\n').at(-1) ?? '';
}

describe('cd LESSON (issue 19 point 10)', () => {
  it('switches the lesson the prompt shows, and only to lessons the page sent', async () => {
    const {c} = await connect();
    c.send({t: 'context', ...TINY});
    await c.waitFor((m) => m.t === 'status' && m.session.context === 'tiny');
    await c.waitForText(/lab:tiny\$ $/);

    // A lesson folder that exists, but whose Dockerfile this page never sent.
    let mark = c.output.length;
    expect((await c.type('cd ignore')).exitCode).toBe(1);
    expect(c.since(mark)).toContain('cd: the page has not sent the Dockerfile of lesson "ignore"');
    expect(c.since(mark)).toContain('the lesson is still tiny');
    expect(c.session.context).toBe('tiny');

    mark = c.output.length;
    expect((await c.type('cd ../../etc')).exitCode).toBe(1);
    expect(c.since(mark)).toContain('cd: no lesson named "../../etc"');
    expect(c.since(mark)).toContain('Lessons on this page: tiny');

    c.send({t: 'context', ...IGNORE});
    expect((await c.type('cd ignore')).exitCode).toBe(0);
    await c.waitForText(/lab:ignore\$ $/);
    expect(c.session.context).toBe('ignore');

    mark = c.output.length;
    expect((await c.type('cd')).exitCode).toBe(0);
    expect(c.since(mark)).toContain('Current lesson: ignore');
    expect(c.since(mark)).toContain('Lessons on this page: ignore, tiny');
    c.close();
  });
});

describe('multi-line paste (issue 19 point 9)', () => {
  it('runs the lines one after another and stops at the first failure, saying what it skipped', async () => {
    const {c} = await connect();
    c.send({t: 'context', ...TINY});
    c.send({t: 'context', ...IGNORE});
    await c.waitForText(/lab:tiny\$ $/);
    const from = c.messages.length;
    const mark = c.output.length;
    // What xterm.js sends for a paste: the lines joined by CR, in one input frame.
    c.send({t: 'input', data: 'cd ignore\rcd tiny\rcd nosuch\rcd ignore\rdocker images\r'});
    await c.waitForText(/2 pasted lines were not run: the command above failed \(exit status 1\)\.\s+lab:tiny\$ $/);
    const ends = c.messages.slice(from).filter((m) => m.t === 'command-end');
    expect(ends.map((m) => m.t === 'command-end' && m.exitCode)).toEqual([0, 0, 1]);
    const shown = c.since(mark);
    expect(shown).toContain('lab:ignore$ cd tiny');
    expect(shown).toContain('lab:tiny$ cd nosuch');
    expect(shown).not.toContain('$ docker images');
    expect(lastPrompt(c)).toBe('lab:tiny$');
    c.close();
  });
});

describe('newcomer hints (issue 19 point 12)', () => {
  it.skipIf(!tokenAuth)('a wrong lab password says where the lab password is', async () => {
    const {c, name} = await connect();
    const from = c.messages.length;
    const mark = c.output.length;
    c.send({t: 'input', data: `docker login -u ${name} ${registry}\r`});
    await c.waitForText(/Password: $/m, 30_000);
    c.send({t: 'input', data: 'not-the-lab-password\r'});
    const end = await c.waitFor((m) => m.t === 'command-end', 60_000, from);
    expect(end.t === 'command-end' && end.exitCode).toBe(1);
    const shown = c.since(mark);
    expect(shown).toContain(`The lab registry's user name is your lab name (${name})`);
    expect(shown).toContain('press Show (or Copy) next to "Lab password"');
    expect(shown).not.toContain('not-the-lab-password');
    c.close();
  });

  it('docker push hello suggests the lab registry name; docker build without -t says it cannot be pushed', async () => {
    const {c, name} = await connect();
    let mark = c.output.length;
    expect((await c.type('docker push hello')).exitCode).toBe(1);
    expect(c.since(mark)).toContain('An image does not exist locally with the tag: hello');
    expect(c.since(mark)).toContain(`Did you mean \`${registry}/${name}/hello\`?`);

    mark = c.output.length;
    expect((await c.type('docker biuld .')).exitCode).toBe(1);
    expect(c.since(mark)).toContain('Did you mean `docker build`?');

    mark = c.output.length;
    expect((await c.run('docker build .', TINY)).exitCode).toBe(0);
    expect(c.since(mark)).toContain(`Tip: this image has no name (no -t), so it cannot be pushed. Name it when you build: docker build -t ${registry}/${name}/tiny .`);
    c.close();
  });
});
