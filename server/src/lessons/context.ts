import {promises as fs, statSync} from 'node:fs';
import path from 'node:path';
import type {Readable} from 'node:stream';
import dockerignore from '@balena/dockerignore';
import tar from 'tar-fs';
import {CONTEXT_NAME} from '../../../src/protocol';
import {formatLimitBytes} from '../limits/format';

/** A build context ready to send: its tar stream and what went into it. */
export interface PackedContext {
  stream: Readable;
  bytes: number;
  files: number;
}

export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextError';
  }
}

const NAME = CONTEXT_NAME;

/**
 * Lesson build contexts: `lessons/<name>/` holds a lesson's files, and the
 * Dockerfile is the text the page sends (the page's block is the one source of
 * truth; the folder holds no copy). Packed with tar-fs; refused over a size
 * limit before anything is sent to the engine.
 */
export class LessonContexts {
  constructor(private readonly dir: string) {}

  async exists(name: string): Promise<boolean> {
    if (!NAME.test(name)) return false;
    try {
      return (await fs.stat(path.join(this.dir, name))).isDirectory();
    } catch {
      return false;
    }
  }

  /** The text of a lesson's own file (a Dockerfile named with -f), or null if there is none. */
  async readText(name: string, file: string, limitBytes: number): Promise<string | null> {
    if (!(await this.exists(name))) return null;
    const rel = path.posix.normalize(file).replace(/^(\.\/)+/, '');
    if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return null;
    try {
      const handle = await fs.open(path.join(this.dir, name, rel), 'r');
      try {
        const buf = Buffer.alloc(Math.min(limitBytes, (await handle.stat()).size));
        await handle.read(buf, 0, buf.length, 0);
        return buf.toString('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return null;
    }
  }

  /**
   * Pack lesson `name` with `dockerfile` as the file `dockerfileName` (the
   * folder's own file of that name, if any, is replaced). Throws ContextError
   * when the context is missing or larger than `limitBytes`.
   */
  async pack(name: string, dockerfile: {name: string; text: string | null}, limitBytes: number): Promise<PackedContext> {
    if (!(await this.exists(name))) throw new ContextError(`no lesson context named "${name}"`);
    const root = path.join(this.dir, name);
    const dockerfileName = path.posix.normalize(dockerfile.name).replace(/^(\.\/)+/, '');
    if (dockerfileName.startsWith('..') || path.posix.isAbsolute(dockerfileName)) {
      throw new ContextError(`the Dockerfile must be inside the build context (got "${dockerfile.name}")`);
    }
    // As the docker CLI does: .dockerignore is applied before sending (the engine does not apply it to an
    // uploaded context); the Dockerfile and .dockerignore themselves are always sent.
    const excluded = await dockerignoreFilter(root, dockerfileName);
    // With text, the page's Dockerfile replaces the folder's file of that name; without, the folder's own is used.
    const replace = dockerfile.text !== null;
    let bytes = replace ? Buffer.byteLength(dockerfile.text!) : 0;
    let files = replace ? 1 : 0;
    let found = replace;
    for await (const file of walk(root)) {
      if (excluded(file.rel)) continue;
      if (file.rel === dockerfileName) {
        found = true;
        if (replace) continue;
      }
      bytes += file.size;
      files += 1;
      if (bytes > limitBytes) {
        throw new ContextError(
          `build context is larger than the lab's limit of ${formatLimitBytes(limitBytes)}: nothing was sent to the engine`,
        );
      }
    }
    if (!found) {
      throw new ContextError(`unable to prepare context: no file named "${dockerfileName}" in the lesson's context`);
    }
    const text = dockerfile.text;
    const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
    const isFile = (p: string) => {
      try {
        return !statSync(p).isDirectory();
      } catch {
        return true;
      }
    };
    const skip = (p: string) => isFile(p) && excluded(rel(p));
    const stream = (
      text === null
        ? tar.pack(root, {ignore: skip})
        : tar.pack(root, {
            ignore: (p) => skip(p) || rel(p) === dockerfileName,
            finalize: false,
            finish: (pack) => {
              // The page's text has no file: like a file just saved, it gets the time it was packed
              // (the CLI sends the Dockerfile's real mtime; 1 Jan 1970 showed up in `COPY . /x`).
              pack.entry({name: dockerfileName, mode: 0o644, mtime: new Date()}, text);
              pack.finalize();
            },
          })
    ) as unknown as Readable;
    return {stream, bytes, files};
  }
}

/** A predicate for the context's .dockerignore (Docker's own matching rules); nothing excluded without one. */
async function dockerignoreFilter(root: string, dockerfileName: string): Promise<(rel: string) => boolean> {
  let text: string;
  try {
    text = await fs.readFile(path.join(root, '.dockerignore'), 'utf8');
  } catch {
    return () => false;
  }
  const ig = dockerignore().add(text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#')));
  return (rel) => rel !== dockerfileName && rel !== '.dockerignore' && ig.ignores(rel);
}

async function* walk(root: string, rel = ''): AsyncGenerator<{rel: string; size: number}> {
  const entries = await fs.readdir(path.join(root, rel), {withFileTypes: true});
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(root, r);
    else {
      const st = await fs.lstat(path.join(root, r));
      yield {rel: r, size: st.size};
    }
  }
}
