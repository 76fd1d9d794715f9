/**
 * The lessons' runnable blocks in reading order, as the site build sees them:
 * each lesson file goes through the same remark plugin the build uses
 * (src/remark/runnable-blocks.ts), so ids, text and attributes are the ones the
 * page has. Used by the recorder (`npm run record`) and by the check that every
 * block has an up-to-date recording.
 */
import {createHash} from 'node:crypto';
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import type {Root} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import {unified} from 'unified';
import {visit} from 'unist-util-visit';
import {VFile} from 'vfile';
import {blockKind, buildCommand, shellCommandLine} from '../../../src/blocks';
import runnableBlocks, {COMPONENT_NAME} from '../../../src/remark/runnable-blocks';
import sidebars from '../../../sidebars';

export interface LessonBlock {
  blockId: string;
  /** The lesson file, relative to the site (`docs/building.mdx`), and the block's first line. */
  file: string;
  line: number;
  lang: string;
  code: string;
  context?: string;
  tag?: string;
  /** What Run sends, placeholders unresolved (`docker build -t <registry>/<username>/hello .`). */
  command: string;
  /** A Dockerfile block (Build), not a shell block (Run). */
  dockerfile: boolean;
}

/** sha256 of what makes the block run as it does: its language, lesson, tag and text. */
export function blockTextHash(b: Pick<LessonBlock, 'lang' | 'code' | 'context' | 'tag'>): string {
  const text = JSON.stringify([b.lang, b.context ?? null, b.tag ?? null, b.code]);
  return createHash('sha256').update(text).digest('hex');
}

/** A block as messages name it: `docs/building.mdx line 22 ("docker build . -t …", block building-L22-ws16aq)`. */
export function describeBlock(b: Pick<LessonBlock, 'file' | 'line' | 'command' | 'blockId'>): string {
  return `${b.file} line ${b.line} ("${b.command}", block ${b.blockId})`;
}

type SidebarItem = string | {type?: string; id?: string; items?: SidebarItem[]};

function docIds(items: unknown): string[] {
  const out: string[] = [];
  const walk = (item: SidebarItem) => {
    if (typeof item === 'string') out.push(item);
    else if (item.type === 'doc' && item.id) out.push(item.id);
    else if (Array.isArray(item.items)) item.items.forEach(walk);
  };
  if (Array.isArray(items)) (items as SidebarItem[]).forEach(walk);
  return out;
}

/** Lesson files in reading order: the sidebars' order, then any other doc (by name). */
export function lessonFiles(root: string): string[] {
  const docsDir = path.join(root, 'docs');
  const files = readdirSync(docsDir).filter((f) => /\.mdx?$/.test(f));
  const byId = new Map(files.map((f) => [f.replace(/\.mdx?$/, ''), f]));
  const ordered: string[] = [];
  for (const items of Object.values(sidebars as Record<string, unknown>)) {
    for (const id of docIds(items)) {
      const f = byId.get(id);
      if (f && !ordered.includes(f)) ordered.push(f);
    }
  }
  for (const f of files.sort()) if (!ordered.includes(f)) ordered.push(f);
  return ordered.map((f) => `docs/${f}`);
}

function attr(node: MdxJsxFlowElement, name: string): string | undefined {
  const a = node.attributes.find((x) => x.type === 'mdxJsxAttribute' && x.name === name);
  return a && typeof a.value === 'string' ? a.value : undefined;
}

/** The runnable blocks of one lesson file, in page order (the build's rules: a bad block throws). */
export function blocksOfFile(root: string, file: string): LessonBlock[] {
  const vfile = new VFile({path: path.join(root, file), cwd: root, value: readFileSync(path.join(root, file), 'utf8')});
  const processor = unified().use(remarkParse).use(remarkMdx).use(runnableBlocks, {lessonsDir: 'lessons'});
  const tree = processor.runSync(processor.parse(vfile), vfile) as Root;
  const blocks: LessonBlock[] = [];
  visit(tree, 'mdxJsxFlowElement', (node: MdxJsxFlowElement) => {
    if (node.name !== COMPONENT_NAME) return;
    const lang = attr(node, 'lang') ?? '';
    const code = attr(node, 'code') ?? '';
    const tag = attr(node, 'tag');
    const dockerfile = blockKind(lang) === 'dockerfile';
    const line = shellCommandLine(code);
    blocks.push({
      blockId: attr(node, 'blockId') ?? '',
      file,
      line: node.position?.start.line ?? 0,
      lang,
      code,
      context: attr(node, 'context'),
      tag,
      command: dockerfile ? buildCommand(tag) : 'command' in line ? line.command : code.trim(),
      dockerfile,
    });
  });
  return blocks;
}

/** Every runnable block of every lesson, in reading order. */
export function lessonBlocks(root: string): LessonBlock[] {
  return lessonFiles(root).flatMap((f) => blocksOfFile(root, f));
}
