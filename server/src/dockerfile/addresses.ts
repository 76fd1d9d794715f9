import {lookup as dnsLookup} from 'node:dns/promises';
import {BlockList, isIP} from 'node:net';
import {networkInterfaces} from 'node:os';

/** Resolve a host name to its addresses (dns.lookup: /etc/hosts first, as the engine's resolver does). */
export type Resolve = (host: string) => Promise<string[]>;

export const resolveHost: Resolve = async (host) => (await dnsLookup(host, {all: true, verbatim: true})).map((a) => a.address);

/**
 * Addresses a URL in a reader's Dockerfile may not point at: the engine
 * fetches ADD URLs itself, from the host, so these reach the host's own
 * services (the registry, the lab server) or the networks behind it.
 */
const refused = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // includes Docker's bridges
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  refused.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 maps onto IPv4
  ['2002::', 16], // 6to4 maps onto IPv4
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  refused.addSubnet(net, bits, 'ipv6');
}

/** This machine's own addresses (every interface), which are the lab's own whatever their range. */
function ownAddresses(): Set<string> {
  const own = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) own.add(a.address.toLowerCase());
  return own;
}

/** Why `address` (an IP literal) may not be fetched from, or null when it may. */
export function refusedAddress(address: string, extra: readonly string[] = []): string | null {
  let a = address.toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) a = mapped[1]!;
  const family = isIP(a);
  if (!family) return 'not an IP address';
  if (ownAddresses().has(a) || extra.map((x) => x.toLowerCase()).includes(a)) return "one of the lab's own addresses";
  if (refused.check(a, family === 4 ? 'ipv4' : 'ipv6')) return 'a loopback, link-local or private address';
  return null;
}

/** The host part of an ADD source if it is a URL (http, https, git), or null for a path in the context. */
export function urlHost(source: string): {host: string} | {error: string} | null {
  const scp = /^[A-Za-z0-9._~-]+@([^:/]+):/.exec(source); // git@host:path
  if (scp) return {host: scp[1]!};
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(source)) return null;
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return {error: 'is not a valid URL'};
  }
  if (!['http:', 'https:', 'git:', 'ssh:'].includes(url.protocol)) return {error: `uses ${url.protocol}//, which the engine does not fetch`};
  if (!url.hostname) return {error: 'has no host'};
  return {host: url.hostname.replace(/^\[|\]$/g, '')};
}

/**
 * May the engine fetch from `host`? Refused when it is, or resolves to, a
 * refused address (any of them). Names under .localhost and names that do
 * not resolve are refused too. Only the name is looked up: nothing is sent
 * to the host itself.
 */
export async function checkHost(host: string, resolve: Resolve = resolveHost, extra: readonly string[] = []): Promise<string | null> {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return `${host} is this machine (loopback)`;
  if (isIP(name)) {
    const why = refusedAddress(name, extra);
    return why && `${host} is ${why}`;
  }
  let addresses: string[];
  try {
    addresses = await resolve(name);
  } catch {
    return `${host} does not resolve`;
  }
  if (!addresses.length) return `${host} does not resolve`;
  for (const a of addresses) {
    const why = refusedAddress(a, extra);
    if (why) return `${host} resolves to ${a}, ${why}`;
  }
  return null;
}
