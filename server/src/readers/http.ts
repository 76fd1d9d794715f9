import {timingSafeEqual} from 'node:crypto';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {ADMIN_PATH, READER_PATH, type ReaderView} from '../../../src/protocol/readers';
import {engineAdminRoute} from '../engine/pool-admin';
import {requestClientKey} from '../limits/client-key';
import {isLoopbackHost, isOriginAllowed} from '../http/origin';
import {KeyedRateLimit, sampledRefusals} from '../limits/keyed-rate-limit';
import type {Logger} from '../log';
import {ReaderNameError, type Reader} from './store';
import type {ReaderServices} from './services';

/** A further admin route (mounted by app.ts): answers true when the path was its own. Runs after the token check. */
export type AdminRoute = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/** Largest JSON body these routes read. */
const MAX_BODY = 4096;

export function readerView(services: ReaderServices, reader: Reader): ReaderView {
  return {
    name: reader.name,
    disk: {used: reader.diskBytes, limit: services.config.readers.diskBytes},
    passwordKnown: reader.password !== null,
    labRegistry: services.config.labRegistry,
    tokenAuth: services.signer !== null,
    idleDays: Math.round((services.config.readers.idleMs / 86_400_000) * 10) / 10,
    ...(services.progress ? {progress: services.progress.view(reader)} : {}),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers});
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send JSON (content-type: application/json)');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'request too large');
    chunks.push(chunk as Buffer);
  }
  if (!size) return {};
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* below */
  }
  throw new HttpError(400, 'the body is not a JSON object');
}

/**
 * HTTP routes of readers and of the admin API, mounted by the lab's HTTP server.
 * Returns false when the path is not one of them.
 *
 *   GET  /companion/reader            this browser's reader (from the cookie), or null
 *   POST /companion/reader            {name}: choose a lab name; sets the cookie; returns the lab password once
 *   POST /companion/reader/password   {action: "show" | "regenerate"}: the lab password
 *   GET    /companion/admin/readers                 (Authorization: Bearer LAB_ADMIN_TOKEN)
 *   POST   /companion/admin/readers/NAME/password   a new lab password for NAME
 *   DELETE /companion/admin/readers/NAME            remove NAME, their images and repositories
 *   GET    /companion/admin/engines                 placement and load per engine (src/protocol/engines.ts)
 *   POST   /companion/admin/engines/NAME/drain      no new readers on NAME (…/undrain: again)
 *   GET    /companion/admin/cohort[.csv|/events]    the cohort's progress (server/src/progress/cohort.ts)
 */
export function readerRoutes(
  services: ReaderServices,
  allowedOrigins: string[],
  log: Logger,
  loopbackOnly = true,
  /** Further admin routes (the cohort view, ...), asked after the token was checked. */
  adminRoutes: AdminRoute[] = [],
) {
  const perHour = services.config.readers.namesPerAddressPerHour;
  const clientKeyOf = requestClientKey(services.config.trustedProxies);
  const namesRate = new KeyedRateLimit(perHour / 3600, perHour);
  const logNamesFlood = sampledRefusals(log, 'names-rate-limited', 'lab names over the rate limit from one address');
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const p = url.pathname;
    if (p !== READER_PATH && !p.startsWith(`${READER_PATH}/`) && !p.startsWith(`${ADMIN_PATH}/`)) return false;
    try {
      if (p.startsWith(`${ADMIN_PATH}/`)) await admin(req, res, p);
      else await reader(req, res, p);
    } catch (err) {
      if (err instanceof HttpError) send(res, err.status, {error: err.message});
      else {
        log.error({err: (err as Error).message, path: p}, 'reader route failed');
        send(res, 500, {error: 'internal error (logged)'});
      }
    }
    return true;
  };

  async function reader(req: IncomingMessage, res: ServerResponse, p: string): Promise<void> {
    if (req.method === 'POST') {
      // Only the lab's own pages (or listed origins) may change a reader: no cross-site form posts.
      if (!req.headers.origin || !isOriginAllowed(req.headers.origin, req.headers.host, allowedOrigins)) {
        throw new HttpError(403, 'forbidden origin');
      }
      // Without an access token the lab trusts loopback only: a page that re-points its own name
      // at 127.0.0.1 (DNS rebinding) has a matching Origin and Host, but not a loopback one.
      if (loopbackOnly && !isLoopbackHost(req.headers.host)) throw new HttpError(403, 'forbidden host');
    }
    const current = await services.fromCookie(req.headers.cookie);
    if (p === READER_PATH && req.method === 'GET') {
      if (current) await Promise.all([services.recount(current), services.progress?.load(current)]);
      send(res, 200, {reader: current ? readerView(services, current) : null});
      return;
    }
    if (p === READER_PATH && req.method === 'POST') {
      if (current) throw new HttpError(409, `this browser already has the lab name "${current.name}"`);
      // Each name brings its own per-reader limits: names from one address are bounded (issue 23).
      const source = clientKeyOf(req);
      if (!namesRate.take(source)) {
        logNamesFlood(source);
        throw new HttpError(429, `too many lab names from your address in the last hour (at most ${services.config.readers.namesPerAddressPerHour}): try again later`);
      }
      const body = await readJson(req);
      try {
        const {reader: r, password} = await services.store.create(body.name);
        log.info({event: 'reader-created', reader: r.name}, 'reader chose a lab name');
        const secure = req.headers['x-forwarded-proto'] === 'https' || 'encrypted' in req.socket;
        send(res, 201, {reader: readerView(services, r), password}, {'set-cookie': services.cookies.setCookie(r.id, secure)});
      } catch (err) {
        if (err instanceof ReaderNameError) throw new HttpError(/taken/.test(err.message) ? 409 : 400, err.message);
        throw err;
      }
      return;
    }
    if (p === `${READER_PATH}/password` && req.method === 'POST') {
      if (!current) throw new HttpError(401, 'choose a lab name first');
      const body = await readJson(req);
      if (body.action === 'regenerate') {
        send(res, 200, {password: await services.regenerate(current), reader: readerView(services, current)});
        return;
      }
      if (body.action === 'show') {
        if (!current.password) throw new HttpError(404, 'the lab server restarted since your password was made: regenerate it to see a new one');
        send(res, 200, {password: current.password.reveal()});
        return;
      }
      throw new HttpError(400, 'action must be "show" or "regenerate"');
    }
    throw new HttpError(404, 'no such route');
  }

  async function admin(req: IncomingMessage, res: ServerResponse, p: string): Promise<void> {
    const token = services.config.readers.adminToken;
    if (!token) throw new HttpError(404, 'the admin API is off: set LAB_ADMIN_TOKEN');
    const m = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '');
    const a = Buffer.from(m?.[1] ?? '');
    const b = Buffer.from(token.reveal());
    if (!(a.length === b.length && timingSafeEqual(a, b))) {
      log.warn({event: 'admin-refused'}, 'admin API: wrong or missing token');
      throw new HttpError(401, 'Authorization: Bearer <LAB_ADMIN_TOKEN> required');
    }
    // The engine pool: placement and load per engine, drain (server/src/engine/pool-admin.ts).
    const engines = engineAdminRoute(services.engines, req.method ?? 'GET', p, (id) => services.store.byId(id)?.name);
    if (engines) {
      if (engines.status === 200 && req.method === 'POST') log.info({event: 'admin-engine', path: p}, 'admin changed an engine');
      send(res, engines.status, engines.body);
      return;
    }
    for (const route of adminRoutes) if (await route(req, res, p)) return;
    if (p === `${ADMIN_PATH}/readers` && req.method === 'GET') {
      const readers = await Promise.all(
        services.store.list().map(async (r) => {
          await services.recount(r);
          return {name: r.name, createdAt: new Date(r.record.createdAt).toISOString(), lastSeen: new Date(r.lastSeen).toISOString(), sessions: r.sessions, diskBytes: r.diskBytes};
        }),
      );
      readers.sort((x, y) => x.name.localeCompare(y.name));
      send(res, 200, {readers});
      return;
    }
    const m2 = /^\/companion\/admin\/readers\/([^/]+)(\/password)?$/.exec(p);
    const target = m2 ? services.store.get(decodeURIComponent(m2[1]!)) : undefined;
    if (m2 && !target) throw new HttpError(404, 'no reader of that name');
    if (target && m2?.[2] && req.method === 'POST') {
      const password = await services.regenerate(target);
      log.info({event: 'admin-reset-password', reader: target.name}, 'admin reset a lab password');
      send(res, 200, {name: target.name, password});
      return;
    }
    if (target && !m2?.[2] && req.method === 'DELETE') {
      const removed = await services.remove(target, 'admin');
      send(res, 200, {name: target.name, removed});
      return;
    }
    throw new HttpError(404, 'no such route');
  }
}
