/**
 * The registry token service's limits (issue 23, finding 4), over real HTTP on loopback with a
 * stand-in signer: wrong logins under another reader's name never lock that reader out; a flood
 * from one address is refused with 429 before any password is checked, and logged once a minute.
 */
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {Writable} from 'node:stream';
import {afterEach, describe, expect, it} from 'vitest';
import {KeyedRateLimit, sampledRefusals} from '../../src/limits/keyed-rate-limit';
import {createLogger} from '../../src/log';
import {createTokenHandler} from '../../src/registry-auth/service';
import type {TokenSigner} from '../../src/registry-auth/signer';

const signer = {service: 'lab-registry', sign: async () => ({token: 'tok', expiresIn: 300, issuedAt: new Date(0).toISOString()})} as unknown as TokenSigner;
const PASSWORDS: Record<string, string> = {bob: 'right-password'};
let checked = 0;
const authenticate = async (user: string, password: string) => {
  checked++;
  return PASSWORDS[user] === password ? {kind: 'reader' as const, name: user} : null;
};

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
  checked = 0;
});

async function serve(rate?: KeyedRateLimit): Promise<{url: string; logs: string[]}> {
  const logs: string[] = [];
  const log = createLogger({level: 'info', destination: new Writable({write: (c, _e, cb) => (logs.push(String(c)), cb())})});
  const handler = createTokenHandler(signer, authenticate, log, rate);
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?service=lab-registry&scope=repository:bob/x:pull`, logs};
}

const basic = (user: string, password: string) => ({authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`});

describe('token service', () => {
  it('never refuses the right password, however many wrong ones came for that name', async () => {
    const {url} = await serve();
    for (let i = 0; i < 25; i++) expect((await fetch(url, {headers: basic('bob', `guess-${i}`)})).status).toBe(401);
    expect((await fetch(url, {headers: basic('bob', 'right-password')})).status).toBe(200);
  });

  it('refuses a flood from one address with 429 and Retry-After, checks no password for it, logs it once', async () => {
    const {url, logs} = await serve(new KeyedRateLimit(1, 5));
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(url, {headers: basic('bob', 'wrong')})).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(checked).toBe(5);
    const last = await fetch(url);
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(logs.filter((l) => l.includes('token-rate-limited'))).toHaveLength(1);
    expect(logs.join('')).not.toContain('wrong');
  });
});

describe('KeyedRateLimit', () => {
  it('keeps a bucket per key, bounded in number', () => {
    let t = 0;
    const r = new KeyedRateLimit(1, 2, 3, () => t);
    expect([r.take('a'), r.take('a'), r.take('a')]).toEqual([true, true, false]);
    expect(r.take('b')).toBe(true);
    t += 1000;
    expect(r.take('a')).toBe(true);
    for (const k of ['c', 'd', 'e']) r.take(k); // 'a' and 'b' go (least recently used)
    expect(r.take('a')).toBe(true);
  });

  it('logs once a minute per key with the count in between', () => {
    let t = 0;
    const lines: unknown[] = [];
    const log = {warn: (o: unknown) => lines.push(o)} as unknown as Parameters<typeof sampledRefusals>[0];
    const refuse = sampledRefusals(log, 'x', 'm', () => t);
    for (let i = 0; i < 5; i++) refuse('1.2.3.4');
    t = 61_000;
    refuse('1.2.3.4');
    expect(lines).toEqual([
      {event: 'x', client: '1.2.3.4', notLoggedSince: 0},
      {event: 'x', client: '1.2.3.4', notLoggedSince: 4},
    ]);
  });
});
