/**
 * Browsers apply no CORS to WebSockets, so the server checks the page's
 * Origin itself: the page must come from this server (Origin host equals the
 * Host the browser connected to) or from an origin the operator listed.
 * Clients that are not browsers send no Origin; they are let through (the
 * access token, when configured, still applies to them).
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (host && parsed.host.toLowerCase() === host.toLowerCase()) return true;
  return allowed.some((a) => a.replace(/\/$/, '').toLowerCase() === parsed.origin.toLowerCase());
}

/**
 * Without an access token the lab trusts whoever reaches it on loopback, so
 * the Host the browser asked for must be a loopback name too: a page on
 * another site that re-points its own DNS name at 127.0.0.1 (DNS
 * rebinding) carries that name in Host and Origin alike, and is refused here.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
