/**
 * The session manager's count of open terminals, as the engine pool (and so the cohort page's
 * Engines section and placement) sees it: a page that went away is no terminal while its session
 * waits out the grace period; it counts again when the page comes back, once, however often the
 * page reconnects. The engine is a stand-in: nothing here reaches it.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {loadConfig} from '../../src/config';
import type {Engine} from '../../src/engine';
import {EnginePool} from '../../src/engine/pool';
import type {LessonContexts} from '../../src/lessons/context';
import {createLogger} from '../../src/log';
import {SessionManager} from '../../src/session/manager';

const fakeEngine = {address: 'unix:///fake.sock', ping: async () => true, listImages: async () => []} as unknown as Engine;

function manager() {
  const pool = EnginePool.single(fakeEngine);
  const m = new SessionManager({
    engine: fakeEngine,
    pool,
    config: loadConfig({LAB_SESSION_GRACE_MS: '60000', LAB_MAX_SESSIONS_PER_CLIENT: '2'}, process.cwd()),
    lessons: {} as LessonContexts,
    log: createLogger({level: 'silent'}),
  });
  const open = () => pool.load()[0]!.sessions;
  return {m, open};
}

let made: SessionManager[] = [];
afterEach(async () => {
  await Promise.all(made.map((m) => m.closeAll()));
  made = [];
});

describe('open terminals', () => {
  it('a detached session is not an open terminal; it counts again when its page comes back', async () => {
    const {m, open} = manager();
    made.push(m);
    const a = m.create('client-a');
    const b = m.create('client-b');
    expect(open()).toBe(2);
    m.detached(a);
    expect(m.size).toBe(2); // still waiting for its page
    expect(open()).toBe(1);
    m.detached(a); // a second close event changes nothing
    expect(open()).toBe(1);
    m.attached(a);
    m.attached(a); // a replacing connection attaches again
    expect(open()).toBe(2);
    await m.close(b, 'test');
    expect(open()).toBe(1);
    m.detached(a);
    await m.close(a, 'grace period over');
    expect(open()).toBe(0);
    expect(m.size).toBe(0);
  });

  it('a session replaced at the per-client limit leaves the count of open terminals right', async () => {
    const {m, open} = manager();
    made.push(m);
    const first = m.create('one-address');
    m.create('one-address');
    m.detached(first); // its tab closed
    expect(open()).toBe(1);
    m.create('one-address'); // a new tab: the detached session makes room
    expect(m.size).toBe(2);
    expect(open()).toBe(2);
  });
});
