import {createHash} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {ServerResponse} from 'node:http';

/**
 * The hashes of the inline scripts the built site carries (Docusaurus writes
 * its colour-mode script and a loader check inline into every page), so the
 * Content-Security-Policy can allow exactly those and no other inline script.
 */
export function inlineScriptHashes(siteDir: string): string[] {
  const hashes = new Set<string>();
  const visit = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, {withFileTypes: true});
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && depth < 8 && e.name !== 'assets') visit(p, depth + 1);
      else if (e.isFile() && e.name.endsWith('.html')) {
        const html = readFileSync(p, 'utf8');
        for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
          const attrs = m[1]!;
          if (/\bsrc\s*=/i.test(attrs)) continue;
          const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]?.toLowerCase();
          if (type && type !== 'text/javascript' && type !== 'module') continue; // data blocks (ld+json) do not run
          hashes.add(`'sha256-${createHash('sha256').update(m[2]!, 'utf8').digest('base64')}'`);
        }
      }
    }
  };
  visit(siteDir, 0);
  return [...hashes].sort();
}

/**
 * Headers on every response: a Content-Security-Policy that lets the page
 * load only from this server (scripts: its files and the site's own inline
 * scripts by hash; the terminal's WebSocket on the same origin) and be framed
 * only by itself or the origins the operator listed; no MIME sniffing.
 */
export function securityHeaders(opts: {scriptHashes: string[]; allowedOrigins: string[]}): Record<string, string> {
  const ancestors = ["'self'", ...opts.allowedOrigins.map((o) => o.replace(/\/$/, ''))].join(' ');
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${opts.scriptHashes.join(' ')}`.trim(),
    // Docusaurus, CodeMirror and xterm.js set element styles from script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join('; ');
  return {
    'content-security-policy': csp,
    // For browsers without frame-ancestors.
    'x-frame-options': 'SAMEORIGIN',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
}

export function setHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}
