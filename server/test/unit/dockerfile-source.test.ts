import {describe, expect, it} from 'vitest';
import {dockerfileStages, instructionOf, sourceExcerpt, sourceExcerptOfMessage} from '../../src/render/dockerfile-source';

const MULTI = [
  '# syntax=docker/dockerfile:1',
  'ARG BASE=busybox',
  'FROM $BASE AS a',
  'RUN echo a \\',
  '  # a comment inside',
  '  && false',
  '',
  'FROM busybox',
  'COPY --from=a /x /x',
  'RUN <<EOF',
  'echo in a heredoc',
  'EOF',
  'RUN true',
  '',
].join('\n');

describe('Dockerfile excerpt of a failed step (buildkit Source.Print)', () => {
  it('finds stages, instructions and their line ranges', () => {
    const stages = dockerfileStages(MULTI);
    expect(stages.map((s) => s.name)).toEqual(['a', '']);
    expect(stages[0]!.instructions).toEqual([
      {keyword: 'FROM', start: 3, end: 3},
      {keyword: 'RUN', start: 4, end: 6},
    ]);
    expect(stages[1]!.instructions.map((i) => [i.keyword, i.start, i.end])).toEqual([
      ['FROM', 8, 8],
      ['COPY', 9, 9],
      ['RUN', 10, 12],
      ['RUN', 13, 13],
    ]);
  });

  it('maps a vertex name to its instruction: named stage, stage-N, one-stage file', () => {
    expect(instructionOf(MULTI, '[a 2/2] RUN echo a   && false')).toMatchObject({start: 4, end: 6});
    expect(instructionOf(MULTI, '[stage-1 3/4] RUN <<EOF')).toMatchObject({start: 10, end: 12});
    expect(instructionOf('FROM busybox\nRUN false\n', '[2/2] RUN false')).toMatchObject({start: 2, end: 2});
    // a stage on an earlier stage: no FROM step (bk26-failmulti.buildx-0.13.txt)
    const onStage = 'FROM busybox AS base\nRUN echo base\n\nFROM base AS build\nRUN echo "building" && \\\n    exit 3\n';
    expect(instructionOf(onStage, '[build 1/1] RUN echo "building" &&     exit 3')).toMatchObject({start: 5, end: 6});
    expect(instructionOf(onStage, '[base 2/2] RUN echo base')).toMatchObject({start: 2, end: 2});
    // not a step of this file: nothing rather than a wrong line
    expect(instructionOf(MULTI, '[stage-1 3/9] RUN x')).toBeUndefined();
    expect(instructionOf(MULTI, '[2/2] RUN x')).toBeUndefined();
    expect(instructionOf(MULTI, 'exporting to image')).toBeUndefined();
  });

  it('prints as buildx: four lines of context for one line, two for several', () => {
    expect(sourceExcerpt('Dockerfile', 'FROM busybox\nRUN false\n', '[2/2] RUN false')).toBe(
      ['Dockerfile:2', '-'.repeat(20), '   1 |     FROM busybox', '   2 | >>> RUN false', '   3 |     ', '-'.repeat(20), ''].join(
        '\n',
      ),
    );
    expect(sourceExcerpt('Dockerfile', MULTI, '[a 2/2] RUN echo a   && false')).toBe(
      [
        'Dockerfile:4',
        '-'.repeat(20),
        '   3 |     FROM $BASE AS a',
        '   4 | >>> RUN echo a \\',
        '   5 | >>>   # a comment inside',
        '   6 | >>>   && false',
        '   7 |     ',
        '-'.repeat(20),
        '',
      ].join('\n'),
    );
    expect(sourceExcerpt('Dockerfile', MULTI, 'copy /context /')).toBe('');
  });

  it('a parse error names its line: the excerpt buildx prints for it', () => {
    // `docker buildx build` of this file on Docker 26.1 printed exactly this
    expect(
      sourceExcerptOfMessage('Dockerfile', 'FROM busybox\nFROBNICATE now\n', 'dockerfile parse error on line 2: unknown instruction: FROBNICATE'),
    ).toBe(['Dockerfile:2', '-'.repeat(20), '   1 |     FROM busybox', '   2 | >>> FROBNICATE now', '   3 |     ', '-'.repeat(20), ''].join('\n'));
    expect(sourceExcerptOfMessage('Dockerfile', 'FROM busybox\n', 'exit code: 1')).toBe('');
  });
});
