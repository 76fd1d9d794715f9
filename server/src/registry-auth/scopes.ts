/**
 * Scopes of Distribution's token authentication ("repository:alice/hello:push,pull")
 * and what the lab grants: a reader gets push and pull on `<name>/*` and nothing else.
 * Pure functions (unit-tested).
 */

export interface Access {
  type: string;
  name: string;
  actions: string[];
}

/** Who asks for a token. `lab` is the companion server itself (admin work: catalog, delete). */
export type Principal = {kind: 'reader'; name: string} | {kind: 'lab'};

const READER_ACTIONS = new Set(['push', 'pull']);

/**
 * A repository name in Distribution's grammar (its reference package): path components of lower-case
 * letters and digits joined by `.`, `_`, `__` or dashes, separated by `/`. A name the registry would
 * refuse (`alice/../bob/app`, `alice//x`, `Alice/x`) is granted nothing.
 */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

export function isRepositoryName(name: string): boolean {
  return name.length <= 255 && REPOSITORY_NAME.test(name);
}

/** `type:name:actions`; the name may not hold a colon in this lab (no registry host in it). */
export function parseScope(scope: string): Access | null {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return null;
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const actions = scope
    .slice(last + 1)
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (!/^[a-z()]+$/.test(type) || !name || name.length > 255 || name.includes(':')) return null;
  return {type, name, actions};
}

/** Every scope of a token request (`?scope=a&scope=b`; one parameter may also hold several, space-separated). */
export function parseScopes(values: string[]): Access[] {
  const out: Access[] = [];
  for (const v of values) {
    for (const part of v.split(' ')) {
      const a = part ? parseScope(part) : null;
      if (a) out.push(a);
    }
  }
  return out;
}

/** The part of `requested` that `who` may have. A reader: `push`/`pull` on repositories under `<name>/` only. */
export function grant(who: Principal, requested: Access[]): Access[] {
  const out: Access[] = [];
  for (const r of requested) {
    if (who.kind === 'lab') {
      out.push({type: r.type, name: r.name, actions: [...new Set(r.actions)]});
      continue;
    }
    if (r.type !== 'repository' || !isRepositoryName(r.name) || !r.name.startsWith(`${who.name}/`)) continue;
    const actions = [...new Set(r.actions.filter((a) => READER_ACTIONS.has(a)))];
    if (actions.length) out.push({type: r.type, name: r.name, actions});
  }
  return out;
}
