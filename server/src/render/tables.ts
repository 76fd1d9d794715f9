/**
 * `docker images` and `docker history` tables as the docker CLI prints them (docker/cli
 * `formatter/image.go`, `image/formatter_history.go`, its tabwriter with minwidth 10, padding 3),
 * from dockerode's `listImages()` / `image.history()` rows.
 *
 * Lines end with `\n` (pass the result through crlf() for xterm.js).
 */
import type {HistoryEntry} from '../engine/messages';
import {charWidth} from '../terminal/width';
import {humanSize, timeAgo} from './jsonmessage';

export interface ImageRow {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created: number;
  Size: number;
}

/** A `docker history` row: one layer as the engine reports it. */
export type HistoryRow = HistoryEntry;

export interface ImagesOptions {
  /** `-q`: only IDs, one per row the table would have */
  quiet?: boolean;
  /** `--no-trunc`: full `sha256:` IDs */
  noTrunc?: boolean;
  /** `--digests`: a DIGEST column */
  digests?: boolean;
  /** clock for CREATED (ms since epoch) */
  now?: number;
}

export interface HistoryOptions {
  quiet?: boolean;
  /** full IDs and CREATED BY */
  noTrunc?: boolean;
  /** `-H` (default true); false: CREATED AT as RFC 3339 (UTC) and sizes in bytes */
  human?: boolean;
  now?: number;
}

/** Columns of a table cell (the terminal's one width rule, terminal/width.ts). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0) ?? 0);
  return w;
}

/** docker/cli formatter.Ellipsis: cut to maxWidth columns, the last one being `…`. */
export function ellipsis(s: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const runes = [...s];
  if (maxWidth === 1) return runes[0] ?? '';
  if (displayWidth(s) <= maxWidth) return s;
  let width = 0;
  let out = '';
  for (const r of runes) {
    const w = charWidth(r.codePointAt(0) ?? 0);
    if (width + w > maxWidth - 1) break;
    width += w;
    out += r;
  }
  return out + '…';
}

/** The CLI's tabwriter (minwidth 10, padding 3, spaces): every cell but a row's last is padded. */
export function table(rows: string[][]): string {
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let j = 0; j < cols - 1; j++) {
    let width = 10;
    for (const r of rows) {
      if (j < r.length - 1) width = Math.max(width, displayWidth(r[j] ?? '') + 3);
    }
    widths.push(width);
  }
  return rows
    .map((r) => r.map((c, j) => (j < r.length - 1 ? c + ' '.repeat((widths[j] ?? 0) - displayWidth(c)) : c)).join('') + '\n')
    .join('');
}

/** formatter.TruncateID: drop the `algorithm:` prefix, keep 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const hex = colon >= 0 ? id.slice(colon + 1) : id;
  return hex.length > 12 ? hex.slice(0, 12) : hex;
}

// ---------------------------------------------------------------------------------------------
// references (distribution/reference: ParseNormalizedNamed + FamiliarName, enough for RepoTags)

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_PART}(?:\\.${DOMAIN_PART})*(?::[0-9]+)?`;
const NAME_RE = new RegExp(`^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

function familiarName(name: string): string | null {
  if (name.length > 255) return null;
  const first = name.split('/')[0] ?? '';
  const hasDomain = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  const m = NAME_RE.exec(hasDomain ? name : `docker.io/${name}`);
  if (!m) return null;
  const domain = hasDomain ? (m[1] ?? '') : 'docker.io';
  let path = m[2] ?? '';
  if (domain === 'docker.io' || domain === 'index.docker.io') {
    if (path.startsWith('library/') && !path.slice(8).includes('/')) path = path.slice(8);
    return path;
  }
  return `${domain}/${path}`;
}

function parseTagged(ref: string): {repo: string; tag: string} | null {
  if (ref.includes('@')) return null;
  const colon = ref.lastIndexOf(':');
  if (colon <= ref.lastIndexOf('/')) return null;
  const tag = ref.slice(colon + 1);
  if (!TAG_RE.test(tag)) return null;
  const repo = familiarName(ref.slice(0, colon));
  return repo === null ? null : {repo, tag};
}

function parseCanonical(ref: string): {repo: string; digest: string} | null {
  const at = ref.indexOf('@');
  if (at < 0) return null;
  const digest = ref.slice(at + 1);
  if (!DIGEST_RE.test(digest)) return null;
  let name = ref.slice(0, at);
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) name = name.slice(0, colon);
  const repo = familiarName(name);
  return repo === null ? null : {repo, digest};
}

interface ImageLine {
  repo: string;
  tag: string;
  digest: string;
  image: ImageRow;
}

function isDangling(img: ImageRow): boolean {
  const tags = img.RepoTags ?? [];
  const digests = img.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

function imageLines(images: ImageRow[], withDigests: boolean): ImageLine[] {
  const lines: ImageLine[] = [];
  for (const image of images) {
    if (isDangling(image)) {
      lines.push({repo: '<none>', tag: '<none>', digest: '<none>', image});
      continue;
    }
    const repoTags = new Map<string, string[]>();
    const repoDigests = new Map<string, string[]>();
    for (const ref of image.RepoTags ?? []) {
      const p = parseTagged(ref);
      if (!p) continue;
      repoTags.set(p.repo, [...(repoTags.get(p.repo) ?? []), p.tag]);
    }
    for (const ref of image.RepoDigests ?? []) {
      const p = parseCanonical(ref);
      if (!p) continue;
      repoDigests.set(p.repo, [...(repoDigests.get(p.repo) ?? []), p.digest]);
    }
    for (const [repo, tags] of repoTags) {
      let digests = repoDigests.get(repo) ?? [];
      repoDigests.delete(repo);
      if (!withDigests) digests = [];
      for (const tag of tags) {
        if (digests.length === 0) {
          lines.push({repo, tag, digest: '<none>', image});
          continue;
        }
        for (const digest of digests) lines.push({repo, tag, digest, image});
      }
    }
    for (const [repo, digests] of repoDigests) {
      if (withDigests) {
        for (const digest of digests) lines.push({repo, tag: '<none>', digest, image});
      } else {
        lines.push({repo, tag: '<none>', digest: '', image});
      }
    }
  }
  return lines;
}

/** `docker images` (`-q`, `--no-trunc`, `--digests`). */
export function formatImages(rows: ImageRow[], opts: ImagesOptions = {}): string {
  const now = opts.now ?? Date.now();
  const id = (img: ImageRow) => (opts.noTrunc ? img.Id : truncateId(img.Id));
  const lines = imageLines(rows, opts.digests ?? false);
  if (opts.quiet) return lines.map((l) => id(l.image) + '\n').join('');
  const header = opts.digests
    ? ['REPOSITORY', 'TAG', 'DIGEST', 'IMAGE ID', 'CREATED', 'SIZE']
    : ['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'];
  const body = lines.map((l) => {
    const created = timeAgo(l.image.Created, now) || 'N/A';
    const size = humanSize(l.image.Size, 3);
    return opts.digests
      ? [l.repo, l.tag, l.digest, id(l.image), created, size]
      : [l.repo, l.tag, id(l.image), created, size];
  });
  return table([header, ...body]);
}

/** Go's time.RFC3339 in UTC. */
function rfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** 2000-01-01: older creation dates are shown blank (the CLI's `epoch`). */
const EPOCH_2000 = 946684800;

/** `docker history` (`-q`, `--no-trunc`, `-H=false`). */
export function formatHistory(rows: HistoryRow[], opts: HistoryOptions = {}): string {
  const human = opts.human ?? true;
  const trunc = !opts.noTrunc;
  const now = opts.now ?? Date.now();
  const id = (r: HistoryRow) => (trunc ? truncateId(r.Id) : r.Id);
  if (opts.quiet) return rows.map((r) => id(r) + '\n').join('');
  const header = ['IMAGE', human ? 'CREATED' : 'CREATED AT', 'CREATED BY', 'SIZE', 'COMMENT'];
  const body = rows.map((r) => {
    let created: string;
    if (!human) created = rfc3339(r.Created);
    else created = r.Created <= EPOCH_2000 ? '' : timeAgo(r.Created, now);
    const createdBy = r.CreatedBy.replace(/\t/g, ' ');
    return [
      id(r),
      created,
      trunc ? ellipsis(createdBy, 45) : createdBy,
      human ? humanSize(r.Size, 3) : String(r.Size),
      r.Comment ?? '',
    ];
  });
  return table([header, ...body]);
}
