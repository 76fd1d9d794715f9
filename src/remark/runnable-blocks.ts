/**
 * Remark plugin: a fenced code block whose meta holds the word `run` becomes
 * `<RunnableBlock …/>` (provided globally by `src/theme/MDXComponents.tsx`).
 *
 *     ```dockerfile title="Dockerfile" run context="hello" tag="<registry>/<username>/hello"
 *     ```bash run context="hello"
 *
 * Other blocks are left alone. A `run` block that could not run (unknown
 * language, bad context name, several commands in a shell block, ...) fails
 * the build with a message naming the file and line.
 *
 * Registered in `docusaurus.config.ts` under `presets.classic.docs.remarkPlugins`.
 */
import {existsSync, statSync} from 'node:fs';
import path from 'node:path';
import type {Code, Parent, Root} from 'mdast';
import type {MdxJsxAttribute, MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import {visit} from 'unist-util-visit';
import {
  blockKind,
  CONTEXT_NAME,
  RUNNABLE_LANGS,
  shellCommandLine,
  TAG_PATTERN,
  shortHash,
} from '../blocks';

export const COMPONENT_NAME = 'RunnableBlock';

/** One `key`, `key=value` or `key="value"` item of a code block's meta string. */
export interface MetaToken {
  key: string;
  value: string | null;
  /** The token as written (to pass unknown tokens on to the code block untouched). */
  raw: string;
}

export class MetaSyntaxError extends Error {}

/**
 * Split a meta string into tokens. Values may be bare (`showLineNumbers=3`),
 * double- or single-quoted (`title="My file"`); `{1,3-4}` line ranges are
 * kept as single tokens. Throws `MetaSyntaxError` on an unterminated quote.
 */
export function tokenizeMeta(meta: string): MetaToken[] {
  const tokens: MetaToken[] = [];
  let i = 0;
  while (i < meta.length) {
    if (/\s/.test(meta[i]!)) {
      i += 1;
      continue;
    }
    const start = i;
    if (meta[i] === '{') {
      const end = meta.indexOf('}', i);
      if (end === -1) throw new MetaSyntaxError(`unterminated "{" at column ${i + 1} of the meta`);
      i = end + 1;
      const raw = meta.slice(start, i);
      tokens.push({key: raw, value: null, raw});
      continue;
    }
    while (i < meta.length && !/[\s=]/.test(meta[i]!)) {
      if (meta[i] === '"' || meta[i] === "'") {
        throw new MetaSyntaxError(`unexpected quote at column ${i + 1} of the meta`);
      }
      i += 1;
    }
    const key = meta.slice(start, i);
    let value: string | null = null;
    if (meta[i] === '=') {
      i += 1;
      const q = meta[i];
      if (q === '"' || q === "'") {
        const end = meta.indexOf(q, i + 1);
        if (end === -1) {
          throw new MetaSyntaxError(`unterminated ${q} quote in the value of "${key}"`);
        }
        value = meta.slice(i + 1, end);
        i = end + 1;
        if (i < meta.length && !/\s/.test(meta[i]!)) {
          throw new MetaSyntaxError(`missing space after the value of "${key}"`);
        }
      } else {
        const vStart = i;
        while (i < meta.length && !/\s/.test(meta[i]!)) i += 1;
        value = meta.slice(vStart, i);
      }
      if (key === '') throw new MetaSyntaxError(`"=" without a name at column ${start + 1} of the meta`);
    }
    tokens.push({key, value, raw: meta.slice(start, i)});
  }
  return tokens;
}

/** True when the meta holds the bare word `run` (not `title="run it"`). */
export function isRunnableMeta(meta: string | null | undefined): boolean {
  if (!meta || !/\brun\b/.test(meta)) return false;
  try {
    return tokenizeMeta(meta).some((t) => t.key === 'run');
  } catch {
    // Malformed meta that mentions run: let parseRunMeta report it.
    return /(^|\s)run(\s|=|$)/.test(meta);
  }
}

export interface RunnableProps {
  lang: string;
  code: string;
  title?: string;
  context?: string;
  tag?: string;
  /** The rest of the meta (line highlights, showLineNumbers, ...), for the code block. */
  meta?: string;
}

/** Validate a runnable block; returns the component's props or throws a `MetaSyntaxError`. */
export function parseRunnable(node: Pick<Code, 'lang' | 'meta' | 'value'>): RunnableProps {
  const tokens = tokenizeMeta(node.meta ?? '');
  const kind = blockKind(node.lang);
  if (!node.lang) {
    throw new MetaSyntaxError(
      `a "run" block needs a language (one of ${RUNNABLE_LANGS.join(', ')})`,
    );
  }
  if (!kind) {
    throw new MetaSyntaxError(
      `"${node.lang}" blocks cannot run (use one of ${RUNNABLE_LANGS.join(', ')})`,
    );
  }
  const seen = new Set<string>();
  const props: RunnableProps = {lang: node.lang, code: node.value};
  const rest: string[] = [];
  for (const t of tokens) {
    if (['run', 'context', 'tag', 'title'].includes(t.key)) {
      if (seen.has(t.key)) throw new MetaSyntaxError(`"${t.key}" is given twice`);
      seen.add(t.key);
    }
    switch (t.key) {
      case 'run':
        if (t.value !== null) throw new MetaSyntaxError(`"run" takes no value (found run=${t.value})`);
        break;
      case 'context':
        if (t.value === null || !CONTEXT_NAME.test(t.value)) {
          throw new MetaSyntaxError(
            `context=${JSON.stringify(t.value ?? '')} is not a lesson context name: use lowercase letters, digits and "-" (at most 63 characters, starting with a letter or digit), the name of a folder under lessons/`,
          );
        }
        props.context = t.value;
        break;
      case 'tag':
        if (t.value === null || !TAG_PATTERN.test(t.value)) {
          throw new MetaSyntaxError(
            `tag=${JSON.stringify(t.value ?? '')} is not an image reference (letters, digits, ".", "_", "-", ":", "/", "@" and the <registry>/<username> placeholders)`,
          );
        }
        if (kind !== 'dockerfile') throw new MetaSyntaxError('"tag" applies only to dockerfile blocks');
        props.tag = t.value;
        break;
      case 'title':
        if (t.value === null) throw new MetaSyntaxError('"title" needs a value, e.g. title="Dockerfile"');
        props.title = t.value;
        break;
      default:
        rest.push(t.raw);
    }
  }
  if (node.value.trim() === '') throw new MetaSyntaxError('the block is empty');
  if (kind === 'dockerfile' && !props.context) {
    throw new MetaSyntaxError(
      'a runnable dockerfile block needs context="<lesson folder>" (the build context its Build button uses)',
    );
  }
  if (kind === 'shell') {
    const line = shellCommandLine(node.value);
    if ('error' in line) throw new MetaSyntaxError(line.error);
  }
  if (rest.length) props.meta = rest.join(' ');
  return props;
}

function attribute(name: string, value: string): MdxJsxAttribute {
  return {type: 'mdxJsxAttribute', name, value};
}

/** A stable, short id for the block (file + line), used to match command-start/-end to it. */
export function blockIdFor(filePath: string | undefined, line: number | undefined): string {
  const rel = (filePath ?? 'unknown').split(path.sep).join('/');
  const base = path.posix.basename(rel).replace(/\.mdx?$/, '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 60);
  return `${base || 'block'}-L${line ?? 0}-${shortHash(rel)}`;
}

function createElement(props: RunnableProps, blockId: string, node: Code): MdxJsxFlowElement {
  const attributes: MdxJsxAttribute[] = [
    attribute('blockId', blockId),
    attribute('lang', props.lang),
    attribute('code', props.code),
  ];
  for (const key of ['title', 'context', 'tag', 'meta'] as const) {
    const v = props[key];
    if (v !== undefined) attributes.push(attribute(key, v));
  }
  return {
    type: 'mdxJsxFlowElement',
    name: COMPONENT_NAME,
    attributes,
    children: [],
    position: node.position,
  };
}

/** The part of the file's path to show in messages and ids: relative to the site. */
function displayPath(file: {path?: string; cwd?: string} | undefined): string | undefined {
  if (!file?.path) return undefined;
  const rel = path.relative(file.cwd ?? process.cwd(), file.path);
  return rel && !rel.startsWith('..') ? rel : file.path;
}

export interface RunnableBlocksOptions {
  /**
   * When set, every `context="name"` must be a folder `<lessonsDir>/name`
   * (relative to the site, e.g. `lessons`), or the build fails.
   */
  lessonsDir?: string;
}

function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

export default function runnableBlocks(options: RunnableBlocksOptions = {}) {
  return (tree: Root, file?: {path?: string; cwd?: string}): void => {
    const where = displayPath(file);
    const lessons = options.lessonsDir
      ? path.resolve(file?.cwd ?? process.cwd(), options.lessonsDir)
      : null;
    const at = (node: Code) =>
      `${where ?? '<unknown file>'}:${node.position?.start.line ?? '?'}:${node.position?.start.column ?? '?'}`;
    // Lessons whose Dockerfile is on this page, and the shell blocks that run in a lesson.
    const dockerfileContexts = new Set<string>();
    const shellContexts: Array<{context: string; node: Code}> = [];
    visit(tree, 'code', (node: Code, index, parent: Parent | undefined) => {
      if (!parent || index === undefined || !isRunnableMeta(node.meta)) return;
      const line = node.position?.start.line;
      let props: RunnableProps;
      try {
        props = parseRunnable(node);
        if (lessons && props.context && !isDirectory(path.join(lessons, props.context))) {
          throw new MetaSyntaxError(
            `context="${props.context}" has no lesson folder: expected ${path.join(options.lessonsDir!, props.context)}/`,
          );
        }
      } catch (e) {
        if (!(e instanceof MetaSyntaxError)) throw e;
        throw new Error(
          `[runnable-blocks] ${at(node)}: invalid runnable code block \`\`\`${node.lang ?? ''} ${node.meta ?? ''}\n  ${e.message}`,
          {cause: e},
        );
      }
      if (props.context && blockKind(props.lang) === 'dockerfile') dockerfileContexts.add(props.context);
      else if (props.context) shellContexts.push({context: props.context, node});
      parent.children.splice(index, 1, createElement(props, blockIdFor(where, line), node) as never);
    });
    // A shell block that runs in a lesson builds that lesson's Dockerfile as the page shows it:
    // the page must show it, or the server has no text to build.
    for (const {context, node} of shellContexts) {
      if (dockerfileContexts.has(context)) continue;
      throw new Error(
        `[runnable-blocks] ${at(node)}: invalid runnable code block \`\`\`${node.lang ?? ''} ${node.meta ?? ''}\n  context="${context}" has no runnable Dockerfile block with context="${context}" on this page (the server builds the Dockerfile the page shows)`,
      );
    }
  };
}
