/**
 * Placeholders in lesson blocks: `<registry>/`, `<registry>` and `<username>`.
 *
 * Lessons are written once for both registries the reader can push to: the
 * lab's own registry (default) and Docker Hub. What the block SHOWS and what
 * Run SENDS both go through `resolvePlaceholders`, so they never differ.
 * Plain functions, no DOM: unit-tested in `__tests__/placeholders.test.ts`.
 */

export type RegistryChoice = 'lab' | 'hub';

export const REGISTRY_CHOICES: readonly RegistryChoice[] = ['lab', 'hub'];

/** Used until the server's `SessionInfo.labRegistry` is known (and for server rendering). */
export const DEFAULT_LAB_REGISTRY = 'localhost:5000';

/** User name shown for the lab registry when nobody is logged in there. */
export const DEFAULT_LAB_USER = 'student';

/** Keys under which a Docker Hub login may appear in `SessionInfo.logins` (after `normalizeRegistry`). */
const HUB_KEYS = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'hub.docker.com'];

export interface ResolveOptions {
  registry: RegistryChoice;
  /** The server's `labRegistry`, e.g. `localhost:5000`. */
  labRegistry: string;
  /** The server's `logins`: registry address → user name. */
  logins: Readonly<Record<string, string>>;
  /** The reader's lab name (their namespace on the lab registry), once chosen. */
  readerName?: string | null;
}

/** `https://index.docker.io/v1/` → `index.docker.io`; `localhost:5000/` → `localhost:5000`. */
export function normalizeRegistry(address: string): string {
  return address
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/v[12]\/?$/, '')
    .replace(/\/+$/, '');
}

/** The user logged in at the chosen registry, or null. */
export function loggedInUser(opts: ResolveOptions): string | null {
  const wanted = opts.registry === 'lab' ? [normalizeRegistry(opts.labRegistry)] : HUB_KEYS;
  for (const [address, user] of Object.entries(opts.logins)) {
    if (user && wanted.includes(normalizeRegistry(address))) return user;
  }
  return null;
}

/**
 * What `<username>` becomes: on the lab registry the reader's lab name (else the logged-in user,
 * else `student`); on Docker Hub the logged-in user, else null (left as is).
 */
export function usernameFor(opts: ResolveOptions): string | null {
  if (opts.registry === 'lab' && opts.readerName) return opts.readerName;
  return loggedInUser(opts) ?? (opts.registry === 'lab' ? DEFAULT_LAB_USER : null);
}

const REGISTRY_PREFIX = /<registry>\//g;
const REGISTRY_ALONE = /([ \t]*)<registry>([ \t]*)/g;
const USERNAME = /<username>/g;

/**
 * Replace the placeholders in `text`.
 * - `<registry>/` → `localhost:5000/` (lab) or `` (Docker Hub: images are `user/name`);
 * - `<registry>` alone → `localhost:5000` (lab) or `` (Hub), without leaving a double space
 *   or a trailing space behind (`docker login <registry>` → `docker login`);
 * - `<username>` → the logged-in user, `student` on the lab registry, else left as `<username>`.
 */
export function resolvePlaceholders(text: string, opts: ResolveOptions): string {
  const lab = opts.registry === 'lab';
  const host = normalizeRegistry(opts.labRegistry) || DEFAULT_LAB_REGISTRY;
  let out = text.replace(REGISTRY_PREFIX, lab ? `${host}/` : '');
  out = out.replace(REGISTRY_ALONE, (_m, before: string, after: string) => {
    if (lab) return `${before}${host}${after}`;
    // Hub: drop the placeholder; keep one space only if it sat between two words.
    return before && after ? ' ' : '';
  });
  const user = usernameFor(opts);
  if (user) out = out.replace(USERNAME, user);
  return out;
}

/** True when `text` still holds a placeholder that could not be resolved. */
export function hasPlaceholder(text: string): boolean {
  return /<(registry|username)>/.test(text);
}
