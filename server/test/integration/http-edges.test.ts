/**
 * Requests the URL parser or the cookie decoder cannot read get 400 and a
 * closed socket (issue 12 point 8); every response carries a
 * Content-Security-Policy with frame-ancestors (point 10).
 */
import {connect} from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {STATUS_PATH} from '../../../src/protocol';
import {startTestLab, type TestLab} from './harness';

const TOKEN = 'a-long-enough-token-1234';
let open: TestLab;
let guarded: TestLab;
beforeAll(async () => {
  open = await startTestLab();
  guarded = await startTestLab({LAB_ACCESS_TOKEN: TOKEN});
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

/** Send raw bytes; resolve with what came back once the server closed the socket (or after 5 s). */
function raw(port: number, request: string): Promise<{response: string; closed: boolean}> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({response, closed: false});
    }, 5000);
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({response, closed: true});
    });
    socket.on('error', () => undefined);
    socket.write(request);
  });
}

const port = (lab: TestLab) => lab.lab.port;
const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

describe('requests the server cannot read', () => {
  it.each([
    ['a URL that does not parse', 'GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['a URL that does not parse, as an upgrade', `GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE}\r\n`],
  ])('%s: 400 and closed', async (_what, request) => {
    const r = await raw(port(open), request);
    expect(r.response).toMatch(/^HTTP\/1\.1 400 /);
    expect(r.closed).toBe(true);
  });

  it.each([
    ['a malformed lab_token cookie', `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: lab_token=%E0%A4%A\r\n\r\n`],
    ['a malformed lab_token cookie, as an upgrade', `GET /companion/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: lab_token=%E0%A4%A\r\n${UPGRADE}\r\n`],
    ['a URL that does not parse, with a token', `GET //[?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`],
  ])('%s: 400 and closed', async (_what, request) => {
    const r = await raw(port(guarded), request);
    expect(r.response).toMatch(/^HTTP\/1\.1 400 /);
    expect(r.closed).toBe(true);
  });

  it('keeps serving afterwards', async () => {
    const res = await fetch(`http://127.0.0.1:${port(open)}${STATUS_PATH}`);
    expect(res.status).toBe(200);
  });
});

describe('headers', () => {
  it('every response has a Content-Security-Policy that forbids framing by other sites', async () => {
    for (const path of [STATUS_PATH, '/', '/no-such-page']) {
      const res = await fetch(`http://127.0.0.1:${port(open)}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toMatch(/frame-ancestors 'self'/);
      expect(csp, path).toMatch(/default-src 'self'/);
      expect(csp, path).toMatch(/object-src 'none'/);
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    const refused = await fetch(`http://127.0.0.1:${port(guarded)}/`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-security-policy')).toMatch(/frame-ancestors/);
  });
});
