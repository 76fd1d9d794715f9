/**
 * The engine pool's pure parts: LAB_ENGINES, least-loaded placement, stickiness, moving off an
 * engine that stopped answering, drain, and the admin view. Engines here are stand-ins answering
 * ping and listImages; the two-engine integration test (engine-pool.test.ts) uses real dockerds.
 */
import {describe, expect, it} from 'vitest';
import type {Engine, ImageSummary} from '../../src/engine';
import {engineAdminRoute} from '../../src/engine/pool-admin';
import {EnginePool} from '../../src/engine/pool';
import {parseEngineList} from '../../src/engine/pool-config';
import {leastLoaded} from '../../src/engine/placement';
import {movedNotice} from '../../src/terminal/moved-notice';

class FakeEngine {
  up = true;
  images: ImageSummary[] = [];
  constructor(readonly address: string) {}
  async ping() {
    return this.up;
  }
  async listImages(opts: {labels?: string[]} = {}) {
    if (!this.up) throw new Error('down');
    const [k, v] = (opts.labels?.[0] ?? '').split('=');
    return this.images.filter((i) => !k || i.Labels?.[k!] === v);
  }
}

function pool(n: number) {
  const fakes = Array.from({length: n}, (_, i) => new FakeEngine(`unix:///e${i + 1}.sock`));
  const p = new EnginePool(fakes.map((f, i) => ({name: `e${i + 1}`, engine: f as unknown as Engine})));
  return {p, fakes};
}

describe('LAB_ENGINES', () => {
  it('is DOCKER_HOST alone when unset (the zero-setting case)', () => {
    expect(parseEngineList(undefined, undefined)).toEqual([{name: 'default', address: 'unix:///var/run/docker.sock'}]);
    expect(parseEngineList('', 'unix:///x.sock')).toEqual([{name: 'default', address: 'unix:///x.sock'}]);
  });

  it('lists named or numbered engines, unix or tcp with a certificate folder', () => {
    expect(parseEngineList('unix:///a.sock, b=tcp://10.0.0.2:2376?certs=/etc/lab/b\n tcp://h:2375', undefined)).toEqual([
      {name: 'engine-1', address: 'unix:///a.sock'},
      {name: 'b', address: 'tcp://10.0.0.2:2376', certDir: '/etc/lab/b'},
      {name: 'engine-3', address: 'tcp://h:2375'},
    ]);
  });

  it('refuses what it cannot use, naming the entry', () => {
    expect(() => parseEngineList('ssh://host', undefined)).toThrow(/ssh:\/\/host.*unix:\/\/\/path or tcp/);
    expect(() => parseEngineList('a=unix:///x,a=unix:///y', undefined)).toThrow(/"a" is used twice/);
    expect(() => parseEngineList('unix:///x,unix:///x', undefined)).toThrow(/listed twice/);
    expect(() => parseEngineList('tcp://h:1?tls=1', undefined)).toThrow(/unknown option "tls"/);
    expect(() => parseEngineList('Big Name=unix:///x', undefined)).toThrow();
    expect(() => parseEngineList('BIG=unix:///x', undefined)).toThrow(/not an engine name/);
  });
});

describe('placement', () => {
  const c = (active: number, extra: Partial<{up: boolean; draining: boolean; running: number; placed: number}> = {}) => ({
    up: true,
    draining: false,
    running: 0,
    placed: active,
    active,
    ...extra,
  });

  it('takes the least loaded engine that answers and is not drained', () => {
    const [a, b, x] = [c(3), c(1), c(0, {up: false})];
    expect(leastLoaded([a, b, x])).toBe(b);
    const d = c(0, {draining: true});
    expect(leastLoaded([a, b, d])).toBe(b);
    // Ties: fewer running commands, then fewer placed readers, then the first listed.
    const [p, q] = [c(1, {running: 2}), c(1, {running: 0})];
    expect(leastLoaded([p, q])).toBe(q);
    const [r, s] = [c(1, {placed: 5}), c(1, {placed: 2})];
    expect(leastLoaded([r, s])).toBe(s);
    expect(leastLoaded([c(1), c(1)])).not.toBeNull();
    // All drained: still somewhere; none answers: nowhere.
    const dr = c(2, {draining: true});
    expect(leastLoaded([dr, c(0, {up: false})])).toBe(dr);
    expect(leastLoaded([c(0, {up: false})])).toBeNull();
  });

  it('spreads new readers, keeps them where they are, and moves only those of an engine that stopped answering', async () => {
    const {p, fakes} = pool(2);
    for (const o of ['r1', 'r2', 'r3', 'r4']) p.sessionOpened(o);
    await Promise.all(['r1', 'r2', 'r3', 'r4'].map((o) => p.place(o)));
    const on = (name: string) => p.load().find((l) => l.member.name === name)!.owners.sort();
    expect(on('e1').length).toBe(2);
    expect(on('e2').length).toBe(2);
    // Sticky: more readers on e2 do not move anyone.
    const before = on('e1');
    expect((await p.place(before[0]!)).member.name).toBe('e1');

    fakes[0]!.up = false;
    await p.check();
    expect(p.members[0]!.up).toBe(false);
    const stayed = on('e2');
    const moved = await p.place(before[0]!);
    expect(moved).toMatchObject({member: {name: 'e2'}, moved: {from: 'e1', to: 'e2'}});
    // Asked again: no second notice. Readers of e2 are where they were.
    expect((await p.place(before[0]!)).moved).toBeUndefined();
    for (const o of stayed) expect((await p.place(o)).member.name).toBe('e2');
    // Nobody answers: a reader stays where they are (the command then says the engine is down).
    fakes[1]!.up = false;
    await p.check();
    expect((await p.place(before[1]!)).member.name).toBe('e1');
  });

  it('finds a reader again after a restart by their images, and drained engines take nobody new', async () => {
    const {p, fakes} = pool(2);
    fakes[1]!.images = [{Id: 'sha256:1', RepoTags: [], Created: 0, Size: 1, Labels: {'org.dockerlab.session': 'old'}}];
    expect((await p.place('old')).member.name).toBe('e2');
    p.drain('e1', true);
    for (const o of ['n1', 'n2', 'n3']) {
      p.sessionOpened(o);
      expect((await p.place(o)).member.name).toBe('e2');
    }
    p.drain('e1', false);
    p.sessionOpened('n4');
    expect((await p.place('n4')).member.name).toBe('e1');
  });

  it('with one engine places without asking it anything', async () => {
    const {p, fakes} = pool(1);
    fakes[0]!.listImages = () => {
      throw new Error('not asked');
    };
    p.sessionOpened('a');
    expect((await p.place('a')).member.name).toBe('e1');
    expect(p.load()[0]).toMatchObject({owners: ['a'], active: 1, sessions: 1});
  });
});

describe('admin view and drain', () => {
  it('shows placement and load per engine, drains and opens by name', async () => {
    const {p} = pool(2);
    p.sessionOpened('id-alice');
    p.sessionOpened('anon');
    await p.place('id-alice');
    await p.place('anon');
    const names = (id: string) => (id === 'id-alice' ? 'alice' : undefined);
    const r = engineAdminRoute(p, 'GET', '/companion/admin/engines', names)!;
    expect(r.status).toBe(200);
    const engines = (r.body as {engines: Array<{name: string; readers: string[]; anonymous: number; active: number}>}).engines;
    expect(engines.map((e) => e.name)).toEqual(['e1', 'e2']);
    expect(engines.flatMap((e) => e.readers)).toEqual(['alice']);
    expect(engines.reduce((a, e) => a + e.anonymous, 0)).toBe(1);
    expect(engines.every((e) => e.active === 1)).toBe(true);
    expect(engineAdminRoute(p, 'POST', '/companion/admin/engines/e2/drain', names)).toMatchObject({status: 200, body: {engine: {name: 'e2', draining: true}}});
    expect(p.members[1]!.draining).toBe(true);
    expect(engineAdminRoute(p, 'POST', '/companion/admin/engines/e2/undrain', names)?.status).toBe(200);
    expect(p.members[1]!.draining).toBe(false);
    expect(engineAdminRoute(p, 'POST', '/companion/admin/engines/nope/drain', names)?.status).toBe(404);
    expect(engineAdminRoute(p, 'GET', '/companion/admin/engines/e2/drain', names)?.status).toBe(405);
    expect(engineAdminRoute(p, 'GET', '/companion/admin/readers', names)).toBeNull();
  });

  it('tells a moved reader what is gone and where their pushed images are', () => {
    const text = movedNotice({from: 'e1', to: 'e2'}, 'localhost:5000', 'alice').replace(/\x1b\[[0-9;]*m/g, '');
    expect(text).toMatch(/engine "e1" stopped answering.*engine "e2"/);
    expect(text).toMatch(/kept there \(localhost:5000\/alice\/…\) and can be pulled back from it/);
  });
});
