import {randomUUID} from 'node:crypto';
import type {Readable} from 'node:stream';
import type Docker from 'dockerode';
import type {HistoryEntry} from './messages';
import type {Secret} from '../secret';
import {EngineConnection} from './connection';
import {EngineError, toEngineError} from './errors';
import type {EngineAssessment, EngineVersion} from './version';

export {EngineError} from './errors';

/** Credentials for one registry; the password stays a Secret until the request is made. */
export interface RegistryAuth {
  username: string;
  password: Secret;
  /** Registry address as the engine expects it: `localhost:5000`, or Docker Hub's `https://index.docker.io/v1/`. */
  serveraddress: string;
}

export interface BuildRequest {
  /** Tar stream of the build context. */
  context: Readable;
  tags: string[];
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  noCache?: boolean;
  pull?: boolean;
  target?: string;
  labels?: Record<string, string>;
  builder: 'buildkit' | 'classic';
  /** Classic builder only (BuildKit ignores them): memory limit in bytes, CPU quota per 100 ms period. */
  memory?: number;
  cpuQuota?: number;
  signal: AbortSignal;
}

export interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests?: string[] | null;
  Created: number;
  Size: number;
  Labels?: Record<string, string> | null;
}

export type {HistoryEntry} from './messages';

export interface ImageDetails {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Config?: {Labels?: Record<string, string> | null; Env?: string[] | null};
}

/**
 * All engine access of the lab goes through here: one class, one connection,
 * so that a pool of engines can take its place later. Every method maps
 * failures to EngineError with the docker CLI's wording.
 */
export class Engine {
  readonly #connection: EngineConnection;

  /**
   * `onVersion` hears the engine's version and the lab's verdict on it, at the first call and after a reconnect;
   * `env` replaces the process environment for TLS settings (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH).
   */
  constructor(dockerHost?: string, onVersion?: (v: EngineVersion, assessment: EngineAssessment) => void, env?: NodeJS.ProcessEnv) {
    this.#connection = new EngineConnection(dockerHost, onVersion, env);
  }

  get address(): string {
    return this.#connection.address;
  }

  async #call<T>(fn: (docker: Docker) => Promise<T>): Promise<T> {
    let docker: Docker;
    try {
      docker = await this.#connection.docker();
    } catch (err) {
      throw toEngineError(err, this.address);
    }
    try {
      return await fn(docker);
    } catch (err) {
      const e = toEngineError(err, this.address);
      if (e.unreachable) this.#connection.reset();
      throw e;
    }
  }

  /** True when the engine answers. */
  async ping(): Promise<boolean> {
    try {
      await this.#call((d) => d.ping());
      return true;
    } catch {
      return false;
    }
  }

  async version(): Promise<{Version: string; ApiVersion: string; Os: string; Arch: string; KernelVersion?: string}> {
    return this.#call((d) => d.version() as Promise<never>);
  }

  /** The engine's data root on its host (`docker info`'s DockerRootDir), asked once. */
  async rootDir(): Promise<string> {
    this.#rootDir ??= this.#call((d) => d.info() as Promise<{DockerRootDir?: string}>).then((i) => i.DockerRootDir ?? '');
    return this.#rootDir.catch((err) => {
      this.#rootDir = undefined;
      throw err;
    });
  }

  #rootDir: Promise<string> | undefined;

  /** Start a build; resolves with the engine's JSON message stream once the engine accepted the request. */
  async build(req: BuildRequest): Promise<{stream: NodeJS.ReadableStream; buildId: string}> {
    const buildId = randomUUID();
    // A fresh options object per call: dockerode mutates what it is given.
    const opts: Record<string, unknown> = {
      t: req.tags,
      dockerfile: req.dockerfile ?? 'Dockerfile',
      buildargs: req.buildArgs ?? {},
      nocache: req.noCache ?? false,
      pull: req.pull ? '1' : '',
      labels: req.labels ?? {},
      rm: true,
      forcerm: true,
      buildid: buildId,
      abortSignal: req.signal,
    };
    if (req.target) opts.target = req.target;
    if (req.builder === 'buildkit') opts.version = '2';
    else {
      if (req.memory) {
        opts.memory = req.memory;
        opts.memswap = req.memory;
      }
      if (req.cpuQuota) {
        opts.cpuperiod = 100_000;
        opts.cpuquota = req.cpuQuota;
      }
    }
    const stream = await this.#call(
      (d) => d.buildImage(req.context, opts as Docker.ImageBuildOptions) as Promise<NodeJS.ReadableStream>,
    );
    return {stream, buildId};
  }

  /** Ask BuildKit to stop a build (the request's abort alone may leave it running). */
  async cancelBuild(buildId: string): Promise<void> {
    await this.#call(
      (d) =>
        new Promise<void>((resolve, reject) => {
          d.modem.dial(
            {path: '/build/cancel?', method: 'POST', options: {id: buildId}, statusCodes: {200: true, 404: true}},
            (err: unknown) => (err ? reject(err) : resolve()),
          );
        }),
    ).catch(() => undefined);
  }

  /** Start a push of `repository:tag`; resolves with the engine's JSON message stream. */
  async push(repository: string, tag: string, auth: RegistryAuth | null, signal: AbortSignal): Promise<NodeJS.ReadableStream> {
    return this.#call((d) => {
      const opts: Record<string, unknown> = {tag, abortSignal: signal};
      // Anonymous pushes still need a header: the engine rejects a missing one for some registries.
      opts.authconfig = auth
        ? {username: auth.username, password: auth.password.reveal(), serveraddress: auth.serveraddress}
        : {};
      return d.getImage(repository).push(opts) as Promise<NodeJS.ReadableStream>;
    });
  }

  /** Check credentials against a registry through the engine (`POST /auth`). */
  async checkAuth(auth: RegistryAuth): Promise<void> {
    await this.#call((d) =>
      d.checkAuth({username: auth.username, password: auth.password.reveal(), serveraddress: auth.serveraddress}),
    );
  }

  async listImages(opts: {all?: boolean; labels?: string[]; reference?: string} = {}): Promise<ImageSummary[]> {
    const filters: Record<string, string[]> = {};
    if (opts.labels?.length) filters.label = opts.labels;
    if (opts.reference) filters.reference = [opts.reference];
    return this.#call((d) => d.listImages({all: opts.all ?? false, filters: JSON.stringify(filters)}) as Promise<ImageSummary[]>);
  }

  /** Inspect an image; null when the engine has no such image. */
  async inspectImage(name: string): Promise<ImageDetails | null> {
    try {
      return await this.#call((d) => d.getImage(name).inspect() as Promise<ImageDetails>);
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return null;
      throw err;
    }
  }

  async tagImage(source: string, repo: string, tag: string): Promise<void> {
    await this.#call((d) => d.getImage(source).tag({repo, tag}));
  }

  /** Remove an image or a tag; returns the engine's Untagged/Deleted list. */
  async removeImage(name: string, force: boolean): Promise<Array<{Untagged?: string; Deleted?: string}>> {
    return this.#call((d) => d.getImage(name).remove({force, noprune: false}) as Promise<never>);
  }

  async history(name: string): Promise<HistoryEntry[]> {
    return this.#call((d) => d.getImage(name).history() as Promise<HistoryEntry[]>);
  }

  async listContainers(opts: {all?: boolean; labels?: string[]} = {}): Promise<Docker.ContainerInfo[]> {
    const filters: Record<string, string[]> = {};
    if (opts.labels?.length) filters.label = opts.labels;
    return this.#call((d) => d.listContainers({all: opts.all ?? true, filters: JSON.stringify(filters)}));
  }

  // ---------------------------------------------------------------- containers (docker run, ps, stop, logs)
  // The sandbox (HostConfig) is decided by server/src/containers/sandbox.ts; these calls only carry it.

  /** Create a container; returns its ID. */
  async createContainer(spec: Docker.ContainerCreateOptions): Promise<string> {
    return this.#call(async (d) => (await d.createContainer({...spec})).id);
  }

  /**
   * Attach to a created container before it starts. With `stdin` the stream is
   * hijacked (raw TTY bytes both ways); without, it carries stdout/stderr
   * (multiplexed unless the container has a TTY).
   */
  async attachContainer(id: string, opts: {stdin: boolean}): Promise<NodeJS.ReadWriteStream> {
    return this.#call(
      (d) =>
        d.getContainer(id).attach({
          stream: true,
          stdout: true,
          stderr: true,
          stdin: opts.stdin,
          hijack: opts.stdin,
        }) as Promise<NodeJS.ReadWriteStream>,
    );
  }

  async startContainer(id: string): Promise<void> {
    await this.#call((d) => d.getContainer(id).start());
  }

  /** Wait for the container to end (`removed`: and to be removed, for AutoRemove); resolves with its exit status. */
  async waitContainer(id: string, condition: 'next-exit' | 'removed', signal?: AbortSignal): Promise<number> {
    const r = (await this.#call((d) =>
      d.getContainer(id).wait({condition, ...(signal ? {abortSignal: signal} : {})}),
    )) as {StatusCode?: number};
    return r.StatusCode ?? 0;
  }

  /** Stop (SIGTERM, then SIGKILL after `seconds`); a container already gone or stopped is fine. */
  async stopContainer(id: string, seconds: number): Promise<void> {
    try {
      await this.#call((d) => d.getContainer(id).stop({t: seconds}));
    } catch (err) {
      if (err instanceof EngineError && (err.status === 304 || err.status === 404 || err.status === 409)) return;
      throw err;
    }
  }

  /** Send a signal (default SIGKILL); a container already gone or stopped is fine. */
  async killContainer(id: string, signal = 'SIGKILL'): Promise<void> {
    try {
      await this.#call((d) => d.getContainer(id).kill({signal}));
    } catch (err) {
      if (err instanceof EngineError && (err.status === 404 || err.status === 409)) return;
      throw err;
    }
  }

  /** Remove (forced); a container already gone is fine. */
  async removeContainer(id: string): Promise<void> {
    try {
      await this.#call((d) => d.getContainer(id).remove({force: true, v: true}));
    } catch (err) {
      if (err instanceof EngineError && (err.status === 404 || err.status === 409)) return;
      throw err;
    }
  }

  /** Set a TTY container's size. */
  async resizeContainer(id: string, cols: number, rows: number): Promise<void> {
    await this.#call((d) => d.getContainer(id).resize({w: cols, h: rows}));
  }

  /** A container's logs: a stream when following, else the whole (bounded by `tail`) buffer; multiplexed without a TTY. */
  async containerLogs(
    id: string,
    opts: {follow: boolean; tail?: number; timestamps: boolean; signal: AbortSignal},
  ): Promise<NodeJS.ReadableStream | Buffer> {
    return this.#call(
      (d) =>
        d.getContainer(id).logs({
          follow: opts.follow as true,
          stdout: true,
          stderr: true,
          timestamps: opts.timestamps,
          tail: opts.tail ?? 'all',
          abortSignal: opts.signal,
        } as never) as unknown as Promise<NodeJS.ReadableStream | Buffer>,
    );
  }

  /** Inspect a container; null when the engine has no such container. */
  async inspectContainer(id: string): Promise<Docker.ContainerInspectInfo | null> {
    try {
      return await this.#call((d) => d.getContainer(id).inspect());
    } catch (err) {
      if (err instanceof EngineError && err.status === 404) return null;
      throw err;
    }
  }
}

