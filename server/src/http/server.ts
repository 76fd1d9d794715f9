import {existsSync} from 'node:fs';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import path from 'node:path';
import {timingSafeEqual} from 'node:crypto';
import type {Duplex} from 'node:stream';
import sirv from 'sirv';
import {WebSocketServer} from 'ws';
import {MAX_CLIENT_FRAME_BYTES, STATUS_PATH, WS_PATH} from '../../../src/protocol';
import type {LabConfig} from '../config';
import type {Logger} from '../log';
import {handleConnection} from '../session/connection';
import type {SessionManager} from '../session/manager';
import {requestClientKey} from '../limits/client-key';
import {inlineScriptHashes, securityHeaders, setHeaders} from './headers';
import {isLoopbackHost, isOriginAllowed} from './origin';
import type {ReaderServices} from '../readers/services';

/** Routes mounted by other parts (readers, admin): they answer true when the path was theirs. */
export interface ExtraHttp {
  routes: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /** Names the reader of a WebSocket from its cookie. */
  readers: ReaderServices;
}

const TOKEN_COOKIE = 'lab_token';

export interface LabHttpServer {
  server: Server;
  wss: WebSocketServer;
  close(): Promise<void>;
}

/**
 * The companion's HTTP side: the built site (static files), a JSON status
 * endpoint, and the terminal's WebSocket at WS_PATH, whose upgrade checks the
 * page's Origin and, when configured, the access token.
 */
export function createLabServer(config: LabConfig, manager: SessionManager, log: Logger, extra?: ExtraHttp): LabHttpServer {
  // Frames up to 4× the protocol's limit reach the validator, which answers with an error frame;
  // only beyond that does ws close the connection (1009), without reading the frame.
  const wss = new WebSocketServer({noServer: true, maxPayload: 4 * MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false});
  const site = existsSync(config.siteDir)
    ? sirv(config.siteDir, {extensions: ['html'], dev: false, etag: true, gzip: false})
    : null;
  const notFoundPage = path.join(config.siteDir, '404.html');
  const clientKeyOf = requestClientKey(config.trustedProxies);

  const headers = securityHeaders({scriptHashes: inlineScriptHashes(config.siteDir), allowedOrigins: config.allowedOrigins});

  const tokenOk = (req: IncomingMessage, url: URL): boolean => {
    if (!config.accessToken) return true;
    const given = url.searchParams.get('token') ?? readCookie(req, TOKEN_COOKIE) ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(config.accessToken);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      log.error({event: 'http-error', err: err instanceof Error ? err.message : String(err)}, 'request failed');
      if (!res.headersSent) res.writeHead(500, {'content-type': 'text/plain; charset=utf-8', connection: 'close'});
      res.end('Internal Server Error\n');
    });
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    setHeaders(res, headers);
    const url = readRequest(req);
    if (!url) {
      // A URL or a cookie the server cannot read: say so and close, never leave the socket hanging.
      res.writeHead(400, {'content-type': 'text/plain; charset=utf-8', connection: 'close'});
      res.end('Bad Request\n');
      return;
    }
    if (url.pathname === STATUS_PATH && !tokenOk(req, url)) {
      // Liveness and readiness probes (Kubernetes, deploy/) carry no token: they learn only that it answers.
      res.writeHead(200, {'content-type': 'application/json', 'cache-control': 'no-store'});
      res.end(JSON.stringify({ok: true}));
      return;
    }
    if (!tokenOk(req, url)) {
      res.writeHead(401, {'content-type': 'text/plain; charset=utf-8'});
      res.end('Docker Lab: open this address with ?token=<access token> (ask whoever runs the lab).\n');
      return;
    }
    if (config.accessToken && url.searchParams.has('token')) {
      // Remember the token for the page's own requests and its WebSocket.
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(config.accessToken)}; Path=/; HttpOnly; SameSite=Strict`);
    }
    if (extra && (await extra.routes(req, res, url))) return;
    if (url.pathname === STATUS_PATH) {
      res.writeHead(200, {'content-type': 'application/json', 'cache-control': 'no-store'});
      res.end(
        JSON.stringify({
          ok: true,
          engine: manager.engineUp ? 'up' : 'down',
          labRegistry: config.labRegistry,
          builder: config.builder,
          sessions: manager.size,
        }),
      );
      return;
    }
    if (!site) {
      res.writeHead(404, {'content-type': 'text/plain; charset=utf-8'});
      res.end(`Docker Lab companion server. The site is not built (${config.siteDir} is missing): run npm run build.\n`);
      return;
    }
    site(req, res, () => {
      res.statusCode = 404;
      if (existsSync(notFoundPage)) {
        req.url = '/404.html';
        site(req, res, () => {
          res.end('Not found\n');
        });
      } else res.end('Not found\n');
    });
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (code: number, text: string) => {
      log.warn({event: 'ws-refused', code, reason: text, origin: req.headers.origin}, 'websocket refused');
      socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${text}\n`);
    };
    const url = readRequest(req);
    if (!url) return refuse(400, 'Bad Request');
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!isOriginAllowed(req.headers.origin, req.headers.host, config.allowedOrigins)) {
      return refuse(403, 'Forbidden origin');
    }
    if (!config.accessToken && !isLoopbackHost(req.headers.host)) return refuse(403, 'Forbidden host');
    if (!tokenOk(req, url)) return refuse(401, 'Unauthorized');
    const key = clientKeyOf(req);
    void (async () => {
      const reader = await extra?.readers.fromCookie(req.headers.cookie);
      wss.handleUpgrade(req, socket, head, (ws) =>
        handleConnection(ws, manager, log, key, reader ? extra!.readers.link(reader) : undefined),
      );
    })().catch((err: unknown) => {
      log.error({event: 'ws-error', err: err instanceof Error ? err.message : String(err)}, 'upgrade failed');
      socket.destroy();
    });
  });

  return {
    server,
    wss,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The request's URL, or null when the URL or the lab's cookie cannot be read (the request gets 400). */
function readRequest(req: IncomingMessage): URL | null {
  try {
    const url = new URL(req.url ?? '/', 'http://lab.invalid');
    readCookie(req, TOKEN_COOKIE);
    return url;
  } catch {
    return null;
  }
}
