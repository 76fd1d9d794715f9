/**
 * The lab registry's page for a reader's images (the live replacement for a Docker Hub screenshot):
 * their repositories, tags, each tag's digest, platform, compressed size, push time and layers.
 *
 * Read from the registry's HTTP API with the reader's own rights: every request about a repository
 * carries a token signed for that reader with `pull` on that repository only, and only if the lab's
 * grant gives the reader that repository (registry-auth/scopes.ts): for another reader's repository
 * the token grants nothing and the registry itself refuses. The one call made with the lab's rights
 * is the catalog (names only, which the registry has no per-namespace form of); only names under
 * `<reader>/` are kept from it.
 */
import {stat} from 'node:fs/promises';
import path from 'node:path';
import type {RegistryLayer, RegistryRepository, RegistryTag} from '../../../src/protocol/views';
import type {PlainResponse} from '../registry-auth/http-request';
import {MANIFEST_TYPES, registryApiBase, registryRequest} from '../registry-auth/registry-api';
import {grant, type Access} from '../registry-auth/scopes';
import type {TokenSigner} from '../registry-auth/signer';
import {shortCreatedBy} from './built-image';

/** Distribution's repository name grammar (lowercase path components). */
const REPO = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
/** Tags shown per repository (a reader has a handful). */
const MAX_TAGS = 50;

/** The registry refused the reader (not theirs, or not there). */
export class RegistryDenied extends Error {}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: {os?: string; architecture?: string; variant?: string};
}
interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}
interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  history?: Array<{created_by?: string; empty_layer?: boolean}>;
}

export interface RegistryViewOptions {
  /** The registry as the reader names it (`localhost:5000`): the pull line uses it. */
  registry: string;
  signer: TokenSigner;
  /** Every repository name (the lab's catalog call). */
  catalog: () => Promise<string[]>;
  /** The registry's filesystem storage (`…/registry/data`), when it is on this machine: push times. */
  storageDir?: string;
}

export class RegistryView {
  readonly #base: string;

  constructor(private readonly opts: RegistryViewOptions) {
    this.#base = registryApiBase(opts.registry);
  }

  /** The reader's repositories (names under `<reader>/`), each with its tags. */
  async repositories(reader: string): Promise<RegistryRepository[]> {
    const names = (await this.opts.catalog()).filter((r) => r.startsWith(`${reader}/`) && REPO.test(r)).sort();
    const out: RegistryRepository[] = [];
    for (const name of names) {
      try {
        out.push(await this.repository(reader, name));
      } catch (err) {
        if (!(err instanceof RegistryDenied)) throw err;
      }
    }
    return out.filter((r) => r.tags.length > 0);
  }

  /** One repository, read with the reader's rights: RegistryDenied when the registry refuses them. */
  async repository(reader: string, name: string): Promise<RegistryRepository> {
    if (!REPO.test(name)) throw new RegistryDenied('not a repository name');
    const token = await this.#token(reader, name);
    const list = await this.#get(token, `/v2/${name}/tags/list`);
    if (list.status === 404) return {name, tags: []};
    const tags = ((JSON.parse(list.body) as {tags?: string[] | null}).tags ?? []).filter((t) => TAG.test(t)).sort().slice(0, MAX_TAGS);
    const out: RegistryTag[] = [];
    for (const tag of tags) {
      const t = await this.#tag(token, name, tag);
      if (t) out.push(t);
    }
    return {name, tags: out};
  }

  /** A token for `reader` with what the lab grants them of `pull` on `name`: nothing if it is not theirs. */
  async #token(reader: string, name: string): Promise<string> {
    const access: Access[] = grant({kind: 'reader', name: reader}, [{type: 'repository', name, actions: ['pull']}]);
    return (await this.opts.signer.sign(reader, access, 60)).token;
  }

  async #get(token: string, pathname: string, accept?: string): Promise<PlainResponse> {
    const res = await registryRequest(this.#base, token, pathname, {...(accept ? {accept} : {}), maxBytes: 4 * 1024 * 1024});
    if (res.status === 401 || res.status === 403) throw new RegistryDenied('denied: requested access to the resource is denied');
    if (res.status !== 200 && res.status !== 404) throw new Error(`registry ${pathname}: HTTP ${res.status}`);
    return res;
  }

  async #tag(token: string, name: string, tag: string): Promise<RegistryTag | null> {
    const res = await this.#get(token, `/v2/${name}/manifests/${tag}`, MANIFEST_TYPES);
    const digest = res.headers['docker-content-digest'];
    if (res.status !== 200 || typeof digest !== 'string') return null;
    let manifest = JSON.parse(res.body) as Manifest;
    let platform: string | null = null;
    if (manifest.manifests) {
      // An index: the image for a real platform (attestation manifests say unknown/unknown).
      const image = manifest.manifests.find((m) => m.platform?.os && m.platform.os !== 'unknown');
      if (!image) return null;
      platform = platformOf(image.platform!);
      const inner = await this.#get(token, `/v2/${name}/manifests/${image.digest}`, MANIFEST_TYPES);
      if (inner.status !== 200) return null;
      manifest = JSON.parse(inner.body) as Manifest;
    }
    let config: ImageConfig = {};
    if (manifest.config) {
      const blob = await this.#get(token, `/v2/${name}/blobs/${manifest.config.digest}`);
      if (blob.status === 200) config = JSON.parse(blob.body) as ImageConfig;
    }
    const steps = (config.history ?? []).filter((h) => !h.empty_layer).map((h) => h.created_by);
    const layers: RegistryLayer[] = (manifest.layers ?? []).map((l, i) => ({
      digest: l.digest,
      size: l.size,
      ...(steps[i] ? {createdBy: shortCreatedBy(steps[i]!)} : {}),
    }));
    return {
      tag,
      digest,
      platform: platform ?? platformOf(config),
      compressedSize: layers.reduce((a, l) => a + l.size, 0),
      pushedAt: await this.#pushedAt(name, tag),
      createdAt: config.created ?? null,
      layers,
      pull: `docker pull ${this.opts.registry}/${name}:${tag}`,
    };
  }

  /** When the tag was last pushed: the time its link was written in the registry's storage (the API does not say). */
  async #pushedAt(name: string, tag: string): Promise<string | null> {
    if (!this.opts.storageDir || !REPO.test(name) || !TAG.test(tag)) return null;
    const link = path.join(this.opts.storageDir, 'docker/registry/v2/repositories', name, '_manifests/tags', tag, 'current/link');
    try {
      return (await stat(link)).mtime.toISOString();
    } catch {
      return null;
    }
  }
}

function platformOf(p: {os?: string; architecture?: string; variant?: string}): string {
  return [p.os ?? 'unknown', p.architecture ?? 'unknown', p.variant].filter(Boolean).join('/');
}
