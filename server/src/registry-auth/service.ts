import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import type {Logger} from '../log';
import {grant, parseScopes, type Principal} from './scopes';
import type {TokenSigner} from './signer';

/** Checks a name and password; null when they do not match. */
export type Authenticate = (username: string, password: string) => Promise<Principal | null>;

/** Failed logins one account may have per minute before the service stops checking for a while. */
const FAILURES_PER_MINUTE = 10;

/**
 * The registry's token service (Docker registry token spec, `GET /token`).
 * The engine calls it with the reader's lab name and lab password (Basic),
 * `service` and the `scope`s it needs; the token grants only what `grant`
 * allows. Credentials are never logged; the token is never logged.
 */
export function createTokenHandler(signer: TokenSigner, authenticate: Authenticate, log: Logger) {
  const failures = new Map<string, number[]>();
  const tooMany = (user: string): boolean => {
    const now = Date.now();
    const recent = (failures.get(user) ?? []).filter((t) => now - t < 60_000);
    if (recent.length) failures.set(user, recent);
    else failures.delete(user);
    return recent.length >= FAILURES_PER_MINUTE;
  };
  const failed = (user: string) => {
    const list = failures.get(user) ?? [];
    list.push(Date.now());
    failures.set(user, list);
    if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const json = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(code, {'content-type': 'application/json', 'cache-control': 'no-store', ...headers});
      res.end(JSON.stringify(body));
    };
    const unauthorized = (message: string) =>
      json(401, {errors: [{code: 'UNAUTHORIZED', message}]}, {'www-authenticate': 'Basic realm="docker-lab"'});
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
      if (tooMany(creds.user)) {
        log.warn({event: 'token-throttled'}, 'too many failed registry logins for one account');
        unauthorized('too many failed logins: wait a minute');
        return;
      }
      who = await authenticate(creds.user, creds.password);
      if (!who) {
        failed(creds.user);
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
