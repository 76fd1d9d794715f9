import {statSync} from 'node:fs';
import path from 'node:path';
import tarStream from 'tar-stream';
import {describe, expect, it} from 'vitest';
import {ContextError, LessonContexts} from '../../src/lessons/context';

const lessons = new LessonContexts(path.join(__dirname, '../fixtures/lessons'));

async function entries(stream: NodeJS.ReadableStream, mtimes?: Map<string, Date>): Promise<Map<string, string>> {
  const extract = tarStream.extract();
  const found = new Map<string, string>();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => chunks.push(c as Buffer));
    body.on('end', () => {
      const name = header.name.replace(/^\.\//, '');
      if (header.mtime) mtimes?.set(name, header.mtime);
      if (header.type === 'file') found.set(name, Buffer.concat(chunks).toString());
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', () => resolve());
    extract.on('error', (err: unknown) => reject(err));
  });
  stream.pipe(extract);
  await done;
  return found;
}

describe('lesson build contexts', () => {
  it('packs the folder with the page\'s Dockerfile and applies .dockerignore as the docker CLI does', async () => {
    const packed = await lessons.pack('ignore', {name: 'Dockerfile', text: 'FROM busybox\n'}, 1024 * 1024);
    const files = await entries(packed.stream);
    expect([...files.keys()].sort()).toEqual(['.dockerignore', 'Dockerfile', 'keep.txt', 'sub/also.md']);
    expect(files.get('Dockerfile')).toBe('FROM busybox\n');
    expect(packed.files).toBe(4);
  });

  it('sends real file times (the CLI does; 1 Jan 1970 showed up in `COPY . /x`), the page\'s Dockerfile dated now', async () => {
    const before = Date.now();
    const packed = await lessons.pack('ignore', {name: 'Dockerfile', text: 'FROM busybox\n'}, 1024 * 1024);
    const mtimes = new Map<string, Date>();
    await entries(packed.stream, mtimes);
    const keep = statSync(path.join(__dirname, '../fixtures/lessons/ignore/keep.txt')).mtime;
    expect(Math.floor(mtimes.get('keep.txt')!.getTime() / 1000)).toBe(Math.floor(keep.getTime() / 1000));
    // tar keeps whole seconds
    expect(mtimes.get('Dockerfile')!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    for (const [name, t] of mtimes) expect(t.getUTCFullYear(), name).toBeGreaterThan(1970);
  });

  it('uses the folder\'s own file when -f names another Dockerfile', async () => {
    const packed = await lessons.pack('ignore', {name: 'keep.txt', text: null}, 1024 * 1024);
    const files = await entries(packed.stream);
    expect(files.get('Dockerfile')).toMatch(/the folder's own/);
  });

  it('refuses a context over the limit, an unknown lesson and a Dockerfile outside the context', async () => {
    await expect(lessons.pack('ignore', {name: 'Dockerfile', text: 'FROM busybox\n'}, 20)).rejects.toThrow(ContextError);
    await expect(lessons.pack('no-such-lesson', {name: 'Dockerfile', text: ''}, 1024)).rejects.toThrow(/no lesson context/);
    await expect(lessons.pack('ignore', {name: '../x', text: ''}, 1024)).rejects.toThrow(/inside the build context/);
    await expect(lessons.pack('ignore', {name: 'missing', text: null}, 1024)).rejects.toThrow(/no file named/);
  });
});
