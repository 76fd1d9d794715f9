/**
 * A tcp:// engine with DOCKER_TLS_VERIFY (as deploy/ runs its engines): the server speaks TLS with the
 * client certificate from DOCKER_CERT_PATH and verifies the engine's certificate. The engine here is
 * the real one, behind a TLS listener on loopback that demands a client certificate signed by a test
 * CA and forwards bytes to the engine's unix socket (what dockerd --tlsverify does itself).
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {dockerOptionsFor, EngineConnection} from '../../src/engine/connection';
import {EnginePool} from '../../src/engine/pool';
import {parseEngineList} from '../../src/engine/pool-config';
import {labEnv} from './lab-env';

const env = labEnv();
const socketPath = env.DOCKER_HOST?.startsWith('unix://') ? env.DOCKER_HOST.slice('unix://'.length) : null;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, {cwd, stdio: 'ignore'});
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as `docker` expects them. */
function makeCerts(dir: string): void {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=lab test CA'], dir);
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}-cert.pem`, '-days', '1', '-extfile', `${name}.ext`], dir);
  }
}

describe.skipIf(!socketPath)('an engine over TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  let dir: string;
  let clientDir: string;
  let server: tls.Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'lab-tls-'));
    makeCerts(dir);
    // The client's folder holds what the docker CLI reads: ca.pem, cert.pem, key.pem.
    clientDir = path.join(dir, 'client');
    execFileSync('mkdir', [clientDir]);
    writeFileSync(path.join(clientDir, 'ca.pem'), readFileSync(path.join(dir, 'ca.pem')));
    writeFileSync(path.join(clientDir, 'cert.pem'), readFileSync(path.join(dir, 'client-cert.pem')));
    writeFileSync(path.join(clientDir, 'key.pem'), readFileSync(path.join(dir, 'client-key.pem')));
    server = tls.createServer(
      {
        key: readFileSync(path.join(dir, 'server-key.pem')),
        cert: readFileSync(path.join(dir, 'server-cert.pem')),
        ca: readFileSync(path.join(dir, 'ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (socket) => {
        const engine = net.connect(socketPath!);
        socket.pipe(engine).pipe(socket);
        const end = () => {
          socket.destroy();
          engine.destroy();
        };
        socket.on('error', end);
        engine.on('error', end);
      },
    );
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    rmSync(dir, {recursive: true, force: true});
  });

  it('without DOCKER_TLS_VERIFY a tcp:// engine is plain HTTP on 2375 (as the CLI)', () => {
    expect(dockerOptionsFor('tcp://10.0.0.9', {})).toEqual({host: '10.0.0.9', port: 2375, protocol: 'http'});
  });

  it('with DOCKER_TLS_VERIFY and the client certificate, the real engine answers over TLS', async () => {
    const opts = dockerOptionsFor(`tcp://127.0.0.1:${port}`, {DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: clientDir});
    expect(opts.protocol).toBe('https');
    const saved = {v: process.env.DOCKER_TLS_VERIFY, p: process.env.DOCKER_CERT_PATH};
    process.env.DOCKER_TLS_VERIFY = '1';
    process.env.DOCKER_CERT_PATH = clientDir;
    try {
      const docker = await new EngineConnection(`tcp://127.0.0.1:${port}`).docker();
      const version = (await docker.version()) as {ApiVersion: string};
      expect(version.ApiVersion).toMatch(/^1\.\d+$/);
      const images = await docker.listImages();
      expect(images.some((i) => (i.RepoTags ?? []).includes('busybox:latest'))).toBe(true);
    } finally {
      if (saved.v === undefined) delete process.env.DOCKER_TLS_VERIFY;
      else process.env.DOCKER_TLS_VERIFY = saved.v;
      if (saved.p === undefined) delete process.env.DOCKER_CERT_PATH;
      else process.env.DOCKER_CERT_PATH = saved.p;
    }
  });

  it('an engine of LAB_ENGINES with ?certs= speaks TLS with its own folder, whatever DOCKER_TLS_VERIFY says', async () => {
    const saved = process.env.DOCKER_TLS_VERIFY;
    delete process.env.DOCKER_TLS_VERIFY;
    try {
      const specs = parseEngineList(`one=${env.DOCKER_HOST},tls=tcp://127.0.0.1:${port}?certs=${clientDir}`, undefined);
      const pool = EnginePool.fromSpecs(specs);
      expect(await pool.check()).toEqual([]); // both answer
      const images = await pool.byName('tls')!.engine.listImages();
      expect(images.some((i) => (i.RepoTags ?? []).includes('busybox:latest'))).toBe(true);
      // The same address without the folder is refused by the TLS listener.
      const bare = EnginePool.fromSpecs(parseEngineList(`tls=tcp://127.0.0.1:${port}`, undefined));
      expect((await bare.check()).map((m) => m.name)).toEqual(['tls']);
      expect(bare.members[0]!.up).toBe(false);
    } finally {
      if (saved !== undefined) process.env.DOCKER_TLS_VERIFY = saved;
    }
  });

  it('without a client certificate the engine refuses (so TLS is really in use), and a missing folder is named', async () => {
    const plain = new EngineConnection(`tcp://127.0.0.1:${port}`);
    await expect(plain.docker()).rejects.toThrow();
    expect(() => dockerOptionsFor(`tcp://127.0.0.1:${port}`, {DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(dir, 'nowhere')})).toThrow(
      /DOCKER_CERT_PATH/,
    );
  });
});
