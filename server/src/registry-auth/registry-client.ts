import type {PlainResponse} from './http-request';
import {MANIFEST_TYPES, registryApiBase, registryRequest} from './registry-api';
import type {Access} from './scopes';
import type {TokenSigner} from './signer';

/**
 * The lab server's own calls to the lab registry (catalog, tags, deleting a
 * reader's repositories), with tokens it signs for itself.
 */
export class LabRegistryClient {
  readonly #base: string;

  constructor(
    registry: string,
    private readonly signer: TokenSigner,
  ) {
    this.#base = registryApiBase(registry);
  }

  async #get(path: string, access: Access[], init: {method?: string; accept?: string} = {}): Promise<PlainResponse> {
    const {token} = await this.signer.sign('docker-lab', access, 60);
    return registryRequest(this.#base, token, path, init);
  }

  /** Every repository name (follows the registry's pagination). */
  async catalog(): Promise<string[]> {
    const out: string[] = [];
    let last = '';
    for (;;) {
      const res = await this.#get(`/v2/_catalog?n=1000${last ? `&last=${encodeURIComponent(last)}` : ''}`, [
        {type: 'registry', name: 'catalog', actions: ['*']},
      ]);
      if (res.status !== 200) throw new Error(`registry catalog: HTTP ${res.status}`);
      const body = JSON.parse(res.body) as {repositories?: string[]};
      const page = body.repositories ?? [];
      out.push(...page);
      if (page.length < 1000) return out;
      last = page[page.length - 1]!;
    }
  }

  async tags(repo: string): Promise<string[]> {
    const res = await this.#get(`/v2/${repo}/tags/list`, [{type: 'repository', name: repo, actions: ['pull']}]);
    if (res.status === 404) return [];
    if (res.status !== 200) throw new Error(`registry tags of ${repo}: HTTP ${res.status}`);
    return (JSON.parse(res.body) as {tags?: string[] | null}).tags ?? [];
  }

  /** The manifest digest of repo:tag, or null. */
  async digest(repo: string, tag: string): Promise<string | null> {
    const res = await this.#get(`/v2/${repo}/manifests/${encodeURIComponent(tag)}`, [{type: 'repository', name: repo, actions: ['pull']}], {
      method: 'HEAD',
      accept: MANIFEST_TYPES,
    });
    const digest = res.headers['docker-content-digest'];
    return res.status === 200 && typeof digest === 'string' ? digest : null;
  }

  /** Delete every manifest of `repo` (its tags go with them). Returns how many were deleted. */
  async deleteRepository(repo: string): Promise<number> {
    const digests = new Set<string>();
    for (const tag of await this.tags(repo)) {
      const d = await this.digest(repo, tag);
      if (d) digests.add(d);
    }
    let deleted = 0;
    for (const d of digests) {
      const res = await this.#get(`/v2/${repo}/manifests/${d}`, [{type: 'repository', name: repo, actions: ['pull', 'delete']}], {
        method: 'DELETE',
      });
      if (res.status === 202 || res.status === 200 || res.status === 404) deleted++;
    }
    return deleted;
  }
}
