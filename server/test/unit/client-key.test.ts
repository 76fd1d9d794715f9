import {expect, it} from 'vitest';
import {clientKey} from '../../src/http/client-key';

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
