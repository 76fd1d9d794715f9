import Docker from 'dockerode';

/** Default engine socket when DOCKER_HOST is not set (as the docker CLI). */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** dockerode connection options from a DOCKER_HOST value (unix:// or tcp://). */
export function dockerOptionsFor(dockerHost: string): Docker.DockerOptions {
  if (dockerHost.startsWith('unix://')) return {socketPath: dockerHost.slice('unix://'.length)};
  if (dockerHost.startsWith('tcp://') || dockerHost.startsWith('http://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return {host: url.hostname, port: Number(url.port || 2375), protocol: 'http'};
  }
  throw new Error(`unsupported DOCKER_HOST "${dockerHost}": use unix:///path or tcp://host:port`);
}

/** Lowest Engine API version the lab speaks (Docker 20.10). */
export const MIN_API_VERSION = '1.41';

function compareVersions(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
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

  constructor(dockerHost?: string) {
    this.address = dockerHost ?? DEFAULT_DOCKER_HOST;
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
    const probe = new Docker(dockerOptionsFor(this.address));
    const v = (await probe.version()) as {ApiVersion: string};
    if (compareVersions(v.ApiVersion, MIN_API_VERSION) < 0) {
      throw new Error(`the engine speaks API ${v.ApiVersion}; Docker Lab needs ${MIN_API_VERSION} or newer`);
    }
    this.#docker = new Docker({...dockerOptionsFor(this.address), version: `v${v.ApiVersion}`});
    return this.#docker;
  }
}
