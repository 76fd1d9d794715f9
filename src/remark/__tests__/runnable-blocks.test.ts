import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {unified} from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkStringify from 'remark-stringify';
import {VFile} from 'vfile';
import type {Root} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import runnableBlocks, {isRunnableMeta, tokenizeMeta} from '../runnable-blocks';

const fixtures = path.join(__dirname, '__fixtures__');
const siteDir = path.resolve(__dirname, '../../..');

function fixtureFile(name: string): VFile {
  const p = path.join(fixtures, name);
  return new VFile({path: p, cwd: siteDir, value: readFileSync(p, 'utf8')});
}

async function transform(
  name: string,
  options?: Parameters<typeof runnableBlocks>[0],
): Promise<{markdown: string; tree: Root}> {
  const file = fixtureFile(name);
  const processor = unified()
    .use(remarkParse)
    .use(remarkMdx)
    .use(runnableBlocks, options)
    .use(remarkStringify);
  const tree = await processor.run(processor.parse(file), file);
  return {markdown: processor.stringify(tree as Root, file), tree: tree as Root};
}

function elements(tree: Root): MdxJsxFlowElement[] {
  const out: MdxJsxFlowElement[] = [];
  const walk = (n: {type: string; children?: unknown[]}) => {
    if (n.type === 'mdxJsxFlowElement' && (n as MdxJsxFlowElement).name === 'RunnableBlock') {
      out.push(n as MdxJsxFlowElement);
    }
    for (const c of (n.children ?? []) as {type: string}[]) walk(c);
  };
  walk(tree);
  return out;
}

function props(el: MdxJsxFlowElement): Record<string, unknown> {
  return Object.fromEntries(
    el.attributes.map((a) => [(a as {name: string}).name, (a as {value: unknown}).value]),
  );
}

describe('runnable-blocks remark plugin', () => {
  it('turns a runnable Dockerfile block into <RunnableBlock>', async () => {
    const {markdown, tree} = await transform('dockerfile-build.md');
    const [el] = elements(tree);
    expect(props(el!)).toEqual({
      blockId: expect.stringMatching(/^dockerfile-build-L3-[0-9a-z]+$/),
      lang: 'dockerfile',
      code: 'FROM alpine:3.20\nRUN echo "it\'s \\"quoted\\"" > /hello.txt\nCMD ["cat", "/hello.txt"]',
      title: 'Dockerfile',
      context: 'hello',
      tag: '<registry>/<username>/hello',
    });
    expect(markdown).toMatchSnapshot();
  });

  it('turns runnable shell blocks into <RunnableBlock>', async () => {
    const {markdown, tree} = await transform('shell-run.md');
    const els = elements(tree).map(props).filter((e) => e.lang === 'bash');
    expect(els).toHaveLength(2);
    expect(els[0]).toMatchObject({lang: 'bash', code: 'docker run --rm <registry>/<username>/hello'});
    expect(els[0]).not.toHaveProperty('context');
    expect(els[1]).toMatchObject({lang: 'bash', context: 'hello'});
    expect(els[0]!.blockId).not.toBe(els[1]!.blockId);
    expect(markdown).toMatchSnapshot();
  });

  it('leaves blocks without the word run alone', async () => {
    const {markdown, tree} = await transform('not-runnable.md');
    expect(elements(tree)).toHaveLength(0);
    expect(markdown).toBe(readFileSync(path.join(fixtures, 'not-runnable.md'), 'utf8'));
  });

  it('passes other meta (line highlights, showLineNumbers) on to the code block', async () => {
    const {tree} = await transform('extra-meta.md');
    expect(props(elements(tree)[0]!)).toMatchObject({
      title: 'Dockerfile',
      context: 'web-app',
      meta: '{2} showLineNumbers',
    });
  });

  it('works inside JSX in .mdx files', async () => {
    const {markdown, tree} = await transform('in-mdx.mdx');
    expect(props(elements(tree)[0]!)).toMatchObject({lang: 'sh', code: 'docker images'});
    expect(markdown).toMatchSnapshot();
  });

  const malformed: Array<[string, RegExp]> = [
    ['malformed-context.md', /context="Hello World" is not a lesson context name/],
    ['malformed-quote.md', /unterminated " quote in the value of "context"/],
    ['malformed-several-commands.md', /exactly one command line \(found 2/],
    ['malformed-no-context.md', /needs context=/],
    ['malformed-language.md', /"python" blocks cannot run/],
    ['malformed-tag-on-shell.md', /"tag" applies only to dockerfile blocks/],
    ['malformed-duplicate.md', /"context" is given twice/],
    ['malformed-shell-context.md', /context="hello" has no runnable Dockerfile block with context="hello" on this page/],
  ];
  for (const [name, reason] of malformed) {
    it(`fails with file and line on ${name}`, async () => {
      const error = await transform(name).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      const line = name === 'malformed-context.md' ? 5 : 1;
      expect(error!.message).toContain(`src/remark/__tests__/__fixtures__/${name}:${line}:1`);
      expect(error!.message).toMatch(reason);
      expect(error!.message).toMatchSnapshot();
    });
  }
});

describe('lesson folder check (lessonsDir option)', () => {
  const lessonsDir = 'src/remark/__tests__/__fixtures__/lessons';
  it('accepts a context with a folder', async () => {
    const {tree} = await transform('dockerfile-build.md', {lessonsDir});
    expect(elements(tree)).toHaveLength(1);
  });
  it('fails on a context without a folder, naming file and line', async () => {
    const error = await transform('unknown-context.md', {lessonsDir}).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('src/remark/__tests__/__fixtures__/unknown-context.md:3:1');
    expect(error?.message).toContain(
      'context="no-such-lesson" has no lesson folder: expected src/remark/__tests__/__fixtures__/lessons/no-such-lesson/',
    );
  });
});

describe('meta parsing', () => {
  it('tokenizes quoted, bare and range items', () => {
    expect(tokenizeMeta(`{1,3-4} title="My file" showLineNumbers=2 run context='x'`)).toEqual([
      {key: '{1,3-4}', value: null, raw: '{1,3-4}'},
      {key: 'title', value: 'My file', raw: 'title="My file"'},
      {key: 'showLineNumbers', value: '2', raw: 'showLineNumbers=2'},
      {key: 'run', value: null, raw: 'run'},
      {key: 'context', value: 'x', raw: "context='x'"},
    ]);
  });
  it('recognises run only as a word of its own', () => {
    expect(isRunnableMeta('run')).toBe(true);
    expect(isRunnableMeta('title="x" run')).toBe(true);
    expect(isRunnableMeta('title="run me"')).toBe(false);
    expect(isRunnableMeta('runner')).toBe(false);
    expect(isRunnableMeta(null)).toBe(false);
  });
});
