/**
 * The environment variables the companion server reads, found in its source: `env.NAME`,
 * `env['NAME']`, and names passed as string literals to the config helpers (`int(env, 'NAME', …)`).
 * So a manifest cannot set a setting the server does not know (a guessed or outdated name is
 * silently ignored by the server, and the default applies instead).
 */
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';

function sources(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

const NAME = '[A-Z][A-Z0-9]*_[A-Z0-9_]+';
const PATTERNS = [
  new RegExp(`\\benv\\.(${NAME})\\b`, 'g'),
  new RegExp(`\\benv\\[\\s*['"\`](${NAME})['"\`]\\s*\\]`, 'g'),
  new RegExp(`['"\`]((?:LAB|DOCKER)_[A-Z0-9_]+)['"\`]`, 'g'),
];

/** Every setting name the source under `srcDir` reads (LAB_*, DOCKER_*, …): not what libraries read. */
export function settingsReadBy(srcDir: string): Set<string> {
  const out = new Set<string>();
  for (const file of sources(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const re of PATTERNS) for (const m of text.matchAll(re)) out.add(m[1]!);
  }
  return out;
}
