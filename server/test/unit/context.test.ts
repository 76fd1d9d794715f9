import path from 'node:path';
import tarStream from 'tar-stream';
import {describe, expect, it} from 'vitest';
import {ContextError, LessonContexts} from '../../src/lessons/context';

const lessons = new LessonContexts(path.join(__dirname, '../fixtures/lessons'));

async function entries(stream: NodeJS.ReadableStream): Promise<Map<string, string>> {
  const extract = tarStream.extract();
  const found = new Map<string, string>();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (c: unknown) => chunks.push(c as Buffer));
    body.on('end', () => {
      if (header.type === 'file') found.set(header.name.replace(/^\.\//, ''), Buffer.concat(chunks).toString());
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
