import {expect, it} from 'vitest';
import {clientKey} from '../../src/limits/client-key';

it('groups loopback, unmaps IPv4 and counts IPv6 by /64', () => {
  expect(clientKey('127.0.0.1')).toBe('loopback');
  expect(clientKey('127.200.3.4')).toBe('loopback');
  expect(clientKey('::ffff:127.0.0.9')).toBe('loopback');
  expect(clientKey('::1')).toBe('loopback');
  expect(clientKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
  expect(clientKey('192.0.2.7')).toBe('192.0.2.7');
  expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:0db8:1:2:bbbb:cccc:dddd:eeee'));
  expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
  expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
  expect(clientKey(undefined)).toBe('unknown');
});

it('believes X-Forwarded-For only from a trusted proxy, and only up to the first untrusted hop (LAB_TRUSTED_PROXIES)', async () => {
  const {requestClientKey} = await import('../../src/limits/client-key');
  const {loadConfig} = await import('../../src/config');
  const req = (peer: string, xff?: string) => ({socket: {remoteAddress: peer}, connection: {remoteAddress: peer}, headers: xff ? {'x-forwarded-for': xff} : {}}) as never;
  const none = requestClientKey([]);
  expect(none(req('10.0.0.5', '203.0.113.9'))).toBe('10.0.0.5');
  const ingress = requestClientKey(['10.0.0.0/8']);
  expect(ingress(req('10.0.0.5', '203.0.113.9'))).toBe('203.0.113.9');
  // A client that writes its own header cannot choose its key: the nearest untrusted address counts.
  expect(ingress(req('10.0.0.5', '198.51.100.1, 203.0.113.9'))).toBe('203.0.113.9');
  expect(ingress(req('10.0.0.5', '203.0.113.9, 10.0.0.7'))).toBe('203.0.113.9');
  // A peer that is not a trusted proxy: its header is ignored.
  expect(ingress(req('192.0.2.4', '203.0.113.9'))).toBe('192.0.2.4');
  expect(ingress(req('10.0.0.5'))).toBe('10.0.0.5');
  expect(() => loadConfig({LAB_TRUSTED_PROXIES: 'not-an-address'})).toThrow(/LAB_TRUSTED_PROXIES/);
  expect(loadConfig({LAB_TRUSTED_PROXIES: 'loopback, 10.0.0.0/8'}).trustedProxies).toEqual(['loopback', '10.0.0.0/8']);
});
