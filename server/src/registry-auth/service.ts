import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {clientKey} from '../limits/client-key';
import {KeyedRateLimit, sampledRefusals} from '../limits/keyed-rate-limit';
import type {Logger} from '../log';
import {grant, parseScopes, type Principal} from './scopes';
import type {TokenSigner} from './signer';

/** Checks a name and password; null when they do not match. */
export type Authenticate = (username: string, password: string) => Promise<Principal | null>;

/**
 * Requests one client address may make a second on average (bursts of `TOKEN_BURST`). The engine
 * asks for a token per push and pull it does for readers, so its address needs room for a class
 * pushing at once; anything beyond is a flood, refused before a password is hashed.
 */
export const TOKEN_REQUESTS_PER_SECOND = 50;
export const TOKEN_BURST = 500;

/**
 * The registry's token service (Docker registry token spec, `GET /token`).
 * The engine calls it with the reader's lab name and lab password (Basic),
 * `service` and the `scope`s it needs; the token grants only what `grant`
 * allows. Credentials are never logged; the token is never logged.
 *
 * No account is ever locked: lab passwords are made by the lab (about 99 bits,
 * readers/passwords.ts), so guessing one is hopeless whatever the rate, and a lock
 * per account let anyone who knew a reader's name shut them out of the registry
 * with ten wrong logins (issue 23). What is bounded is the work: requests per
 * client address (the lab's `docker login` is further bounded per terminal by
 * LAB_COMMANDS_PER_MINUTE), refusals logged once a minute per address.
 */
export function createTokenHandler(
  signer: TokenSigner,
  authenticate: Authenticate,
  log: Logger,
  rate = new KeyedRateLimit(TOKEN_REQUESTS_PER_SECOND, TOKEN_BURST),
) {
  const logFlood = sampledRefusals(log, 'token-rate-limited', 'token requests over the rate limit from one address');

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const json = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(code, {'content-type': 'application/json', 'cache-control': 'no-store', ...headers});
      res.end(JSON.stringify(body));
    };
    const unauthorized = (message: string) =>
      json(401, {errors: [{code: 'UNAUTHORIZED', message}]}, {'www-authenticate': 'Basic realm="docker-lab"'});
    // As the other per-address limits count: 127.x.y.z is one client, IPv6 by its /64.
    const source = clientKey(req.socket.remoteAddress);
    if (!rate.take(source)) {
      logFlood(source);
      json(429, {errors: [{code: 'TOOMANYREQUESTS', message: 'too many token requests: slow down'}]}, {'retry-after': String(rate.retryAfterSeconds(source))});
      return;
    }
    if (req.method !== 'GET' || url.pathname !== '/token') {
      json(404, {errors: [{code: 'NOT_FOUND', message: 'the token service answers GET /token'}]});
      return;
    }
    if (url.searchParams.get('service') !== signer.service) {
      json(400, {errors: [{code: 'DENIED', message: `unknown service (this token service is for ${signer.service})`}]});
      return;
    }
    const requested = parseScopes(url.searchParams.getAll('scope'));
    const creds = basicCredentials(req.headers.authorization);
    let who: Principal | null = null;
    let subject = '';
    if (creds) {
      who = await authenticate(creds.user, creds.password);
      if (!who) {
        log.info({event: 'token-refused'}, 'registry login refused');
        unauthorized('incorrect lab name or lab password');
        return;
      }
      subject = creds.user;
    }
    // Anonymous: a token that grants nothing (the registry then answers "unauthorized").
    const access = who ? grant(who, requested) : [];
    const {token, expiresIn, issuedAt} = await signer.sign(subject, access);
    log.debug(
      {event: 'token', account: subject || null, granted: access.map((a) => `${a.name}:${a.actions.join(',')}`)},
      'registry token issued',
    );
    json(200, {token, access_token: token, expires_in: expiresIn, issued_at: issuedAt});
  };
}

/** `Authorization: Basic base64(user:password)`, or null. */
export function basicCredentials(header: string | undefined): {user: string; password: string} | null {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return {user: text.slice(0, colon), password: text.slice(colon + 1)};
}

export interface TokenListener {
  server: Server | null;
  port: number;
  close(): Promise<void>;
}

/**
 * Serve the token handler on host:port (loopback by default: the engine calls it).
 * When another lab server on the same state folder already serves that port, this
 * one relies on it (readers are on disk, so either answers for both).
 */
export async function listenTokenService(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  host: string,
  port: number,
  log: Logger,
): Promise<TokenListener> {
  const server = createServer((req, res) => {
    handler(req, res).catch((err: Error) => {
      log.error({err: err.message}, 'token service failed');
      if (!res.headersSent) res.writeHead(500, {'content-type': 'application/json'});
      res.end('{"errors":[{"code":"UNKNOWN","message":"token service error"}]}');
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    log.warn({event: 'token-port-in-use', port}, `token port ${port} is in use: another lab server on this state folder serves it`);
    return {server: null, port, close: async () => {}};
  }
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
