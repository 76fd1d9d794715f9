import {isIP} from 'node:net';

/**
 * The key the per-client session cap counts by, from a connection's source
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
