/**
 * Session limits (issue 12): the per-client cap holds for every loopback
 * address (127.x.y.z is one client), and a page that went away does not hold
 * a place in a full lab for its reconnect grace.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startTestLab, TestClient, type TestLab} from './harness';

let lab: TestLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

const refused = (c: TestClient) => c.messages.some((m) => m.t === 'error' && m.code === 'session-limit');

describe('session caps', () => {
  it('127.x.y.z addresses count as one client', async () => {
    lab = await startTestLab({LAB_MAX_SESSIONS_PER_CLIENT: '2', LAB_SESSION_GRACE_MS: '60000'});
    const clients: TestClient[] = [];
    for (const localAddress of ['127.0.0.2', '127.0.0.3', '127.1.2.3']) clients.push(await TestClient.connect(lab.url, {localAddress}));
    expect(clients.slice(0, 2).map(refused)).toEqual([false, false]);
    expect(refused(clients[2]!)).toBe(true);
    for (const c of clients) c.close();
  });

  it('behind a trusted proxy (LAB_TRUSTED_PROXIES), each X-Forwarded-For client has its own cap: a room of 30', async () => {
    lab = await startTestLab({LAB_MAX_SESSIONS_PER_CLIENT: '2', LAB_SESSION_GRACE_MS: '60000', LAB_TRUSTED_PROXIES: 'loopback'});
    const room = await Promise.all(Array.from({length: 30}, (_, i) => TestClient.connect(lab!.url, {forwardedFor: `203.0.113.${i + 1}`})));
    expect(room.filter(refused)).toHaveLength(0);
    // One of them opens a second and a third tab: the third is over their own cap, nobody else's.
    const second = await TestClient.connect(lab.url, {forwardedFor: '203.0.113.1'});
    const third = await TestClient.connect(lab.url, {forwardedFor: '198.51.100.7, 203.0.113.1'});
    expect([refused(second), refused(third)]).toEqual([false, true]);
    for (const c of [...room, second, third]) c.close();
  });

  it('without trusted proxies X-Forwarded-For is not believed: the peer\'s address counts', async () => {
    lab = await startTestLab({LAB_MAX_SESSIONS_PER_CLIENT: '2', LAB_SESSION_GRACE_MS: '60000'});
    const clients: TestClient[] = [];
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) clients.push(await TestClient.connect(lab.url, {forwardedFor: ip}));
    expect(clients.map(refused)).toEqual([false, false, true]);
    for (const c of clients) c.close();
  });

  it('a full lab makes room by ending the oldest session whose page went away', async () => {
    lab = await startTestLab({LAB_MAX_SESSIONS: '2', LAB_SESSION_GRACE_MS: '60000'});
    const a = await TestClient.connect(lab.url);
    const b = await TestClient.connect(lab.url);
    a.close();
    await new Promise((r) => setTimeout(r, 300));
    const c = await TestClient.connect(lab.url);
    expect(refused(c)).toBe(false);
    expect(c.session.sessionId).toBeTruthy();
    // With every page attached, the lab is full.
    const d = await TestClient.connect(lab.url);
    expect(refused(d)).toBe(true);
    for (const x of [b, c, d]) x.close();
  });
});
