import type {IncomingMessage} from 'node:http';
import {isIP} from 'node:net';
import proxyaddr from 'proxy-addr';

/**
 * The key the per-client bounds count by (the terminal cap, the rate limits), from a connection's source
 * address: every loopback address is one client (127.x.y.z are all this
 * machine), an IPv4-mapped IPv6 address is its IPv4 address, and an IPv6
 * address counts by its /64 (one host usually holds a whole /64).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  let a = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) a = mapped[1]!;
  if (a === '::1' || /^127\./.test(a)) return 'loopback';
  if (isIP(a) !== 6) return a;
  // Expand "::" to get the first four groups.
  const [head, tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = a.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * The client address of a request, for the per-client bounds (terminals, lab names, the registry
 * page): the socket's peer, or, when that peer is one of `trustedProxies` (LAB_TRUSTED_PROXIES:
 * addresses, CIDRs, or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`), the nearest
 * address in `X-Forwarded-For` that is not a trusted proxy, as Express reads it (proxy-addr).
 * Without trusted proxies nothing trusts the header: anyone could write it.
 */
export function requestClientKey(trustedProxies: readonly string[]): (req: IncomingMessage) => string {
  if (!trustedProxies.length) return (req) => clientKey(req.socket.remoteAddress);
  const trust = proxyaddr.compile([...trustedProxies]);
  return (req) => {
    try {
      return clientKey(proxyaddr(req, trust));
    } catch {
      return clientKey(req.socket.remoteAddress); // a header proxy-addr cannot read: the peer
    }
  };
}

/** Throws (with proxy-addr's words) when a LAB_TRUSTED_PROXIES entry is not an address, CIDR or name it knows. */
export function checkTrustedProxies(list: readonly string[]): void {
  proxyaddr.compile([...list]);
}
