/**
 * Recorded playback (issue 16): every runnable block of the lessons has a
 * recording made from its current text (this is what fails CI when a block
 * changes and nobody ran `npm run record`), and the check's messages say which
 * block and what to run.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeAll, describe, expect, it} from 'vitest';
import {blockTextHash, lessonBlocks, lessonFiles, type LessonBlock} from '../../src/record/blocks';
import {recordingProblems} from '../../src/record/check';
import {formatCast, parseCast, type Cast} from '../../../src/protocol/recording';

const ROOT = path.resolve(__dirname, '../../..');

describe('the lessons\' recordings', () => {
  // Parsing every lesson with the site's remark plugins takes seconds on a busy machine.
  let blocks: LessonBlock[] = [];
  beforeAll(() => {
    blocks = lessonBlocks(ROOT);
  }, 120_000);

  it('every runnable block has a recording made from its current text', () => {
    const problems = recordingProblems(ROOT, blocks);
    expect(problems, `\n${problems.join('\n')}\n`).toEqual([]);
  });

  it('reads the lessons in the sidebar\'s order', () => {
    const files = lessonFiles(ROOT);
    expect(files.indexOf('docs/writing-a-dockerfile.mdx')).toBeLessThan(files.indexOf('docs/building.mdx'));
    expect(files.indexOf('docs/building.mdx')).toBeLessThan(files.indexOf('docs/logging-in-and-pushing.mdx'));
  });

  it('finds the blocks with the ids the site build gives them', () => {
    const login = blocks.find((b) => b.command === 'docker login <registry>');
    expect(login?.blockId).toMatch(/^logging-in-and-pushing-L\d+-[a-z0-9]+$/);
    const dockerfile = blocks.find((b) => b.dockerfile && b.context === 'hello');
    expect(dockerfile?.command).toBe('docker build -t <registry>/<username>/hello .');
  });
});

describe('recordingProblems', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, {recursive: true, force: true});
    dir = undefined;
  });

  const block: LessonBlock = {
    blockId: 'page-L12-abc',
    file: 'docs/page.mdx',
    line: 12,
    lang: 'bash',
    code: 'docker images',
    command: 'docker images',
    dockerfile: false,
  };

  function castFor(b: LessonBlock, textHash = blockTextHash(b)): string {
    const cast: Cast = {
      header: {
        version: 2,
        width: 100,
        height: 30,
        timestamp: 1,
        lab: {blockId: b.blockId, file: b.file, line: b.line, textHash, command: b.command, exitCode: 0, dockerVersion: '26.1.5', registry: 'localhost:5000', username: 'alice'},
      },
      events: [[0.1, 'o', 'REPOSITORY   TAG\r\n']],
    };
    return formatCast(cast);
  }

  function site(files: Record<string, string>): string {
    dir = mkdtempSync(path.join(os.tmpdir(), 'recordings-'));
    mkdirSync(path.join(dir, 'static/recordings'), {recursive: true});
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, 'static/recordings', name), text);
    return dir;
  }

  it('is empty when the recording matches', () => {
    expect(recordingProblems(site({'page-L12-abc.cast': castFor(block)}), [block])).toEqual([]);
  });

  it('names a block without a recording and the command to run', () => {
    const [p, ...rest] = recordingProblems(site({}), [block]);
    expect(rest).toEqual([]);
    expect(p).toContain('docs/page.mdx line 12 ("docker images", block page-L12-abc) has no recording');
    expect(p).toContain('static/recordings/page-L12-abc.cast');
    expect(p).toContain('run `npm run record`');
  });

  it('names a block whose recording was made from other text', () => {
    const changed = {...block, code: 'docker images -a', command: 'docker images -a'};
    const [p] = recordingProblems(site({'page-L12-abc.cast': castFor(block)}), [changed]);
    expect(p).toContain('docs/page.mdx line 12 ("docker images -a", block page-L12-abc)');
    expect(p).toContain('made from different block text');
    expect(p).toContain('run `npm run record`');
  });

  it('a change of lesson or tag is a change too', () => {
    expect(blockTextHash({...block, context: 'hello'})).not.toBe(blockTextHash(block));
    expect(blockTextHash({...block, tag: 'x'})).not.toBe(blockTextHash(block));
  });

  it('names a recording that belongs to no block', () => {
    const [p] = recordingProblems(site({'page-L12-abc.cast': castFor(block), 'gone-L1-x.cast': castFor({...block, blockId: 'gone-L1-x'})}), [block]);
    expect(p).toContain('static/recordings/gone-L1-x.cast belongs to no runnable block');
  });

  it('names an unreadable recording', () => {
    const [p] = recordingProblems(site({'page-L12-abc.cast': '{"version": 1}\n'}), [block]);
    expect(p).toContain('cannot be read');
  });
});

describe('asciicast v2', () => {
  it('round-trips and keeps times from going backwards', () => {
    const text = formatCast({
      header: {version: 2, width: 80, height: 24, timestamp: 5, lab: {blockId: 'b', file: 'f', line: 1, textHash: 'h', command: 'c', exitCode: 0, dockerVersion: 'v', registry: 'r', username: 'u'}},
      events: [[0.5, 'o', 'a'], [0.25, 'o', 'b']],
    });
    const cast = parseCast(`${text}[0.6, "i", "typed"]\n`);
    expect(cast.events).toEqual([[0.5, 'o', 'a'], [0.5, 'o', 'b']]);
    expect(cast.header.lab.blockId).toBe('b');
    expect(() => parseCast('{"version":2,"width":1,"height":1}\n')).toThrow(/lab block/);
  });
});
