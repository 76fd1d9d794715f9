/**
 * The production build served as any static web host would serve it: plain
 * files (sirv), no companion server. For the recorded-playback test. Optionally
 * it later forwards `/companion/*` to a running lab server, as when a reader
 * starts the server behind the same address: the page must go live without a reload.
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import sirv from 'sirv';

export interface StaticSite {
  url: string;
  /** From now on, forward /companion (HTTP and WebSocket) to this lab server. */
  startCompanion(port: number): void;
  close(): Promise<void>;
}

export async function serveStatic(dir: string, port: number): Promise<StaticSite> {
  const files = sirv(dir, {extensions: ['html'], dev: false, etag: true});
  let companion: number | null = null;
  const server = http.createServer((req, res) => {
    if (companion !== null && req.url?.startsWith('/companion/')) {
      // Forwarded as they came (Host and Origin still name this address, as behind a reverse proxy).
      const up = http.request({host: '127.0.0.1', port: companion, path: req.url, method: req.method, headers: req.headers}, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
      return;
    }
    files(req, res, () => {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>Not found</title>');
    });
  });
  // Upgraded sockets leave the HTTP server's books: closing it must end them too.
  const tunnels = new Set<net.Socket>();
  // A static host has no WebSocket: the upgrade is refused, so the page finds no server.
  server.on('upgrade', (req, socket: net.Socket, head: Buffer) => {
    if (companion === null) {
      socket.destroy();
      return;
    }
    const up = net.connect(companion, '127.0.0.1', () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    for (const s of [socket, up]) {
      tunnels.add(s);
      s.once('close', () => tunnels.delete(s));
    }
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    startCompanion: (p) => {
      companion = p;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of tunnels) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const BUILD_DIR = path.join(__dirname, '../build');
