import type {IncomingMessage, ServerResponse} from 'node:http';
import {REGISTRY_VIEW_PATH, type RegistryViewReply} from '../../../src/protocol/views';
import {requestClientKey} from '../limits/client-key';
import {KeyedRateLimit, sampledRefusals} from '../limits/keyed-rate-limit';
import type {Logger} from '../log';
import type {ReaderServices} from '../readers/services';
import {RegistryDenied, type RegistryView} from './registry-view';

/** Registry page requests per client address: five a second on average, bursts of a classroom's refresh. */
const REQUESTS_PER_SECOND = 5;
const BURST = 60;

function send(res: ServerResponse, status: number, body: RegistryViewReply): void {
  res.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store'});
  res.end(JSON.stringify(body));
}

/**
 *   GET /companion/registry            the cookie's reader's repositories on the lab registry
 *   GET /companion/registry?repo=NAME  one repository, read with the reader's rights (403 if not theirs)
 */
export function registryViewRoute(services: ReaderServices, view: RegistryView | null, log: Logger) {
  // Each call asks the registry (and the token service): a page refreshes it now and then, a script
  // in a loop is slowed to this per client address (issue 23).
  const clientKeyOf = requestClientKey(services.config.trustedProxies);
  const rate = new KeyedRateLimit(REQUESTS_PER_SECOND, BURST);
  const logFlood = sampledRefusals(log, 'registry-view-rate-limited', 'registry page requests over the rate limit from one address');
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== REGISTRY_VIEW_PATH) return false;
    const source = clientKeyOf(req);
    if (!rate.take(source)) {
      logFlood(source);
      res.setHeader('retry-after', String(rate.retryAfterSeconds(source)));
      send(res, 429, {error: 'too many requests for the registry page: try again in a moment'});
      return true;
    }
    if (req.method !== 'GET') {
      send(res, 405, {error: 'GET only'});
      return true;
    }
    const reader = await services.fromCookie(req.headers.cookie);
    if (!reader) {
      send(res, 401, {error: 'choose a lab name first: your repositories are under it'});
      return true;
    }
    if (!view) {
      send(res, 404, {error: 'this lab registry does not use lab passwords, so the lab cannot show it per reader'});
      return true;
    }
    const registry = services.config.labRegistry;
    try {
      const repo = url.searchParams.get('repo');
      const repositories = repo !== null ? [await view.repository(reader.name, repo)] : await view.repositories(reader.name);
      send(res, 200, {registry, repositories});
    } catch (err) {
      if (err instanceof RegistryDenied) send(res, 403, {registry, error: err.message});
      else {
        log.warn({event: 'registry-view', err: (err as Error).message}, 'could not read the lab registry');
        send(res, 502, {registry, error: 'the lab registry did not answer as expected'});
      }
    }
    return true;
  };
}
