import {readFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import {EngineError} from './errors';
import {assessEngine, type EngineAssessment, type EngineVersion} from './version';

/** Default engine socket when DOCKER_HOST is not set (as the docker CLI). */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/**
 * dockerode connection options from a DOCKER_HOST value (unix:// or tcp://), as the docker CLI reads
 * it: with DOCKER_TLS_VERIFY set, a tcp:// engine is spoken to over TLS (default port 2376) with the
 * client certificate and CA from DOCKER_CERT_PATH (default ~/.docker: ca.pem, cert.pem, key.pem),
 * and its certificate is verified.
 */
/** The folder of the TLS client certificate for a network engine at `dockerHost`; null: plain HTTP (or a socket). */
export function tlsCertDir(dockerHost: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (dockerHost.startsWith('unix://')) return null;
  if (!env.DOCKER_TLS_VERIFY && !dockerHost.startsWith('https://')) return null;
  return env.DOCKER_CERT_PATH || path.join(os.homedir(), '.docker');
}

export function dockerOptionsFor(dockerHost: string, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  if (dockerHost.startsWith('unix://')) return {socketPath: dockerHost.slice('unix://'.length)};
  if (dockerHost.startsWith('tcp://') || dockerHost.startsWith('http://') || dockerHost.startsWith('https://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    const dir = tlsCertDir(dockerHost, env);
    if (dir === null) return {host: url.hostname, port: Number(url.port || 2375), protocol: 'http'};
    const read = (file: string) => {
      try {
        return readFileSync(path.join(dir, file));
      } catch {
        throw new Error(`DOCKER_TLS_VERIFY is set but ${path.join(dir, file)} cannot be read (DOCKER_CERT_PATH)`);
      }
    };
    return {
      host: url.hostname,
      port: Number(url.port || 2376),
      protocol: 'https',
      ca: read('ca.pem'),
      cert: read('cert.pem'),
      key: read('key.pem'),
    };
  }
  throw new Error(`unsupported DOCKER_HOST "${dockerHost}": use unix:///path or tcp://host:port`);
}

/**
 * The one place that holds the engine connection. dockerode does no API
 * version negotiation, so ask the engine for its version first and pin the
 * client to it (newer engines refuse old versions; older ones new).
 */
export class EngineConnection {
  readonly address: string;
  #docker: Docker | null = null;
  #negotiating: Promise<Docker> | null = null;
  readonly #onVersion: ((v: EngineVersion, assessment: EngineAssessment) => void) | undefined;
  #reported = '';
  readonly #env: NodeJS.ProcessEnv | undefined;

  /**
   * `onVersion` hears each negotiation's outcome (at start, and again after the engine came back).
   * `env` stands for the process environment's DOCKER_TLS_VERIFY / DOCKER_CERT_PATH (an engine of a pool
   * with its own certificates).
   */
  constructor(dockerHost?: string, onVersion?: (v: EngineVersion, assessment: EngineAssessment) => void, env?: NodeJS.ProcessEnv) {
    this.address = dockerHost ?? DEFAULT_DOCKER_HOST;
    this.#onVersion = onVersion;
    this.#env = env;
  }

  /** A dockerode client pinned to the engine's API version (negotiated once, again after `reset`). */
  async docker(): Promise<Docker> {
    if (this.#docker) return this.#docker;
    this.#negotiating ??= this.#negotiate().finally(() => {
      this.#negotiating = null;
    });
    return this.#negotiating;
  }

  /** Forget the negotiated client (the engine went away; it may come back as another version). */
  reset(): void {
    this.#docker = null;
  }

  async #negotiate(): Promise<Docker> {
    const probe = new Docker(dockerOptionsFor(this.address, this.#env));
    // GET /version answers on every API version (unversioned path).
    const v = (await probe.version()) as EngineVersion;
    const assessment = assessEngine(v);
    // Once per engine version seen: a refused engine is asked again at every call.
    const key = `${v.Version} ${v.ApiVersion}`;
    if (key !== this.#reported) this.#onVersion?.(v, assessment);
    this.#reported = key;
    if (assessment.verdict === 'refuse') throw new EngineError(assessment.message, 0);
    this.#docker = new Docker({...dockerOptionsFor(this.address, this.#env), version: `v${v.ApiVersion}`});
    return this.#docker;
  }
}
