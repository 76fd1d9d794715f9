/**
 * Image references, following the grammar of github.com/distribution/reference
 * (the package the docker CLI and the engine use):
 *
 *   reference   := name [ ":" tag ] [ "@" digest ]
 *   name        := [domain "/"] path-component ["/" path-component]*
 *   domain      := host [":" port]     host: DNS-like name or IPv4 (no [IPv6])
 *   path-component := [a-z0-9]+ ( ([._]|__|-+) [a-z0-9]+ )*
 *   tag         := [\w][\w.-]{0,127}
 *   digest      := algorithm ":" hex   (sha256/sha384/sha512 here)
 *
 * Normalisation ("familiar" names, as the CLI shows them): a first component is
 * a domain only if it contains "." or ":" or is "localhost"; otherwise the
 * domain is docker.io, and a one-component path on Docker Hub gets "library/".
 * "index.docker.io" is canonicalised to "docker.io".
 */

export interface ImageRef {
  /** Registry host[:port], e.g. "docker.io", "localhost:5000". */
  domain: string;
  /** Repository path inside the registry, e.g. "library/busybox", "u/x". */
  path: string;
  tag?: string;
  /** "sha256:<hex>" */
  digest?: string;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
export const DOCKER_HUB_AUTH_SERVER = 'https://index.docker.io/v1/';

const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
/** Longest repository name (domain/path) accepted. */
const NAME_MAX = 255;

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
// IPv6 literals ("[::1]:5000") are left out, as in the engine this lab drives (20.10).
const domainAndPort = `${domainComponent}(?:\\.${domainComponent})*(?::[0-9]+)?`;
const pathComponent = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(
  `^((?:${domainAndPort}/)?${remoteName})(?::(${tagPat}))?(?:@(${digestPat}))?$`,
);
const NAME_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const TAG_RE = new RegExp(`^${tagPat}$`);

/** Hex length of each digest algorithm the engine knows (go-digest's registered ones). */
const DIGEST_HEX_LENGTH = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

export type ParseReferenceResult = {ok: true; ref: ImageRef} | {ok: false; error: string};

/**
 * Parses a familiar or full reference as `docker` does (ParseNormalizedNamed).
 * Error texts are the library's, e.g. "invalid reference format",
 * "invalid reference format: repository name (library/Foo) must be lowercase".
 */
export function parseReference(s: string): ParseReferenceResult {
  if (IDENTIFIER_RE.test(s)) {
    return {ok: false, error: `invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`};
  }
  const [domain, remainder] = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    return {ok: false, error: `invalid reference format: repository name (${remote}) must be lowercase`};
  }
  return parseCanonical(`${domain}/${remainder}`);
}

/**
 * Parses an already-qualified "domain/path[:tag][@digest]" (the library's Parse
 * after normalisation).
 */
function parseCanonical(s: string): ParseReferenceResult {
  const m = REFERENCE_RE.exec(s);
  if (!m) {
    const lower = s.toLowerCase();
    if (lower !== s && REFERENCE_RE.test(lower)) {
      return {ok: false, error: 'invalid reference format: repository name must be lowercase'};
    }
    return {ok: false, error: 'invalid reference format'};
  }
  const name = m[1]!;
  if (name.length > NAME_MAX) {
    return {ok: false, error: `repository name must not be more than ${NAME_MAX} characters`};
  }
  const nm = NAME_RE.exec(name);
  if (!nm || nm[1] === undefined) return {ok: false, error: 'invalid reference format'};
  const ref: ImageRef = {domain: nm[1], path: nm[2]!};
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) {
    const digestError = validateDigest(m[3]);
    if (digestError !== undefined) return {ok: false, error: digestError};
    ref.digest = m[3];
  }
  return {ok: true, ref};
}

/** go-digest's checks on a syntactically matched digest. */
function validateDigest(digest: string): string | undefined {
  const sep = digest.indexOf(':');
  const algorithm = digest.slice(0, sep);
  const hex = digest.slice(sep + 1);
  const length = DIGEST_HEX_LENGTH.get(algorithm);
  if (length === undefined) return 'unsupported digest algorithm';
  if (hex.length !== length) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(hex)) return 'invalid checksum digest format';
  return undefined;
}

/** Splits a familiar name into domain and the rest (path[:tag][@digest]). */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (first !== 'localhost' && !/[.:]/.test(first))) {
    domain = DOCKER_HUB_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(slash + 1);
  }
  if (domain === LEGACY_HUB_DOMAIN) domain = DOCKER_HUB_DOMAIN;
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) {
    remainder = OFFICIAL_PREFIX + remainder;
  }
  return [domain, remainder];
}

/** True for a full 64-hex image ID ("sha256:" omitted), as ParseAnyReference accepts. */
export function isImageIdentifier(s: string): boolean {
  return IDENTIFIER_RE.test(s);
}

/** True for a valid tag (without the ":"). */
export function isValidTag(s: string): boolean {
  return TAG_RE.test(s);
}

/** domain/path[:tag][@digest], e.g. "docker.io/library/busybox:latest". */
export function fullName(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}${suffix(ref)}`;
}

/** The reference as the docker CLI prints it: "busybox:latest", "u/x:1", "localhost:5000/u/x:1". */
export function familiarName(ref: ImageRef): string {
  return repository(ref) + suffix(ref);
}

/** The familiar repository name without tag or digest: "busybox", "localhost:5000/u/x". */
export function repository(ref: ImageRef): string {
  if (ref.domain !== DOCKER_HUB_DOMAIN) return `${ref.domain}/${ref.path}`;
  if (ref.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = ref.path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.path;
}

/** Adds the tag "latest" when the reference has neither a tag nor a digest. */
export function withDefaultTag(ref: ImageRef): ImageRef {
  if (ref.tag !== undefined || ref.digest !== undefined) return ref;
  return {...ref, tag: DEFAULT_TAG};
}

/** The `serveraddress` for an authconfig: Docker Hub's v1 address, or the registry's host[:port]. */
export function registryAuthServer(ref: ImageRef): string {
  return ref.domain === DOCKER_HUB_DOMAIN ? DOCKER_HUB_AUTH_SERVER : ref.domain;
}

const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Normalises the SERVER of `docker login SERVER` / `docker logout SERVER`:
 * drops an http(s):// scheme and anything from the first "/" on; Docker Hub's
 * names (and an empty string) become DOCKER_HUB_AUTH_SERVER, as the CLI does.
 */
export function normalizeServerAddress(s: string): string {
  let host = s.trim().replace(/^https?:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  if (host === '' || HUB_HOSTS.has(host.toLowerCase())) return DOCKER_HUB_AUTH_SERVER;
  return host;
}

function suffix(ref: ImageRef): string {
  return (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/**
 * Whether two registry addresses name the same registry: loopback spellings
 * (localhost, 127.0.0.1, [::1]) are one host, so `127.0.0.1:5000` is the lab
 * registry `localhost:5000` too.
 */
export function sameRegistry(a: string, b: string): boolean {
  const canon = (addr: string) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(addr.toLowerCase());
    if (!m) return addr.toLowerCase();
    let host = m[1]!.replace(/^\[(.*)\]$/, '$1');
    if (host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)) host = 'localhost';
    return `${host}:${m[2] ?? ''}`;
  };
  return canon(a) === canon(b);
}
