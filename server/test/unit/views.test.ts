import {describe, expect, it} from 'vitest';
import {instructionMarks} from '../../src/views/build-steps';
import {StepRecorder} from '../../src/render/step-recorder';
import {layerViews, shortCreatedBy} from '../../src/views/built-image';
import type {HistoryEntry} from '../../src/engine/messages';

const TEXT = ['FROM busybox AS base', 'RUN echo a', '', 'FROM base', 'ENV A=1', 'COPY x /x', 'RUN echo b \\', '  c', 'CMD ["sh"]'].join('\n');

const row = (CreatedBy: string, Size = 0): HistoryEntry => ({Id: '<missing>', Created: 0, CreatedBy, Size, Comment: 'buildkit.dockerfile.v0'});

describe('build steps', () => {
  it('maps vertex names to instructions, per stage; metadata instructions are config', () => {
    const rec = new StepRecorder();
    const v = (digest: string, name: string, cached = false, completed = true) => ({
      digest,
      inputs: [],
      name,
      cached,
      error: '',
      ...(completed ? {completed: new Date()} : {}),
    });
    rec.record({vertexes: [v('a', '[base 1/2] FROM docker.io/library/busybox:latest', false, false)], statuses: [], logs: []});
    rec.record({
      vertexes: [
        v('a', '[base 1/2] FROM docker.io/library/busybox:latest'),
        v('b', '[base 2/2] RUN echo a', true),
        v('c', '[stage-1 1/2] COPY x /x', true),
        v('d', '[stage-1 2/2] RUN echo b   c'),
        v('e', '[internal] load build context'),
        v('f', '[3/9] RUN not this file'),
      ],
      statuses: [],
      logs: [],
    });
    expect(instructionMarks(TEXT, rec.steps()).map((m) => [m.start, m.end, m.state])).toEqual([
      [1, 1, 'base'],
      [2, 2, 'cached'],
      [4, 4, 'base'],
      [5, 5, 'config'],
      [6, 6, 'cached'],
      [7, 8, 'rebuilt'],
      [9, 9, 'config'],
    ]);
  });

  it('leaves out the steps of a stage the build did not reach', () => {
    expect(instructionMarks('FROM busybox\nRUN a\nCMD x\n', [])).toEqual([]);
  });
});

describe('built image layers', () => {
  it('matches history rows newest first to the instructions, through the earlier stage, the rest is base', () => {
    const history = [
      row('CMD ["sh"]'),
      row('RUN /bin/sh -c echo b   c # buildkit', 5),
      row('COPY x /x # buildkit', 3),
      row('ENV A=1'),
      row('RUN /bin/sh -c echo a # buildkit', 2),
      row('CMD ["sh"]'),
      row('COPY busybox /bin/busybox # buildkit', 2_000_000),
    ];
    const marks = instructionMarks(TEXT, [
      {name: '[base 2/2] RUN echo a', cached: true, completed: true},
      {name: '[stage-1 1/2] COPY x /x', cached: false, completed: true},
      {name: '[stage-1 2/2] RUN echo b   c', cached: false, completed: true},
    ]);
    const layers = layerViews(history, TEXT, marks);
    expect(layers.map((l) => [l.createdBy, l.lines?.start ?? null, l.origin])).toEqual([
      ['COPY busybox /bin/busybox', null, 'base'],
      ['CMD ["sh"]', null, 'base'],
      ['RUN echo a', 2, 'cached'],
      ['ENV A=1', 5, 'config'],
      ['COPY x /x', 6, 'rebuilt'],
      ['RUN echo b   c', 7, 'rebuilt'],
      ['CMD ["sh"]', 9, 'config'],
    ]);
  });

  it('shortens history rows as docker history shows them', () => {
    expect(shortCreatedBy('RUN |1 X=2 /bin/sh -c echo "hi" # buildkit')).toBe('RUN echo "hi"');
    expect(shortCreatedBy('/bin/sh -c #(nop)  CMD ["sh"]')).toBe('CMD ["sh"]');
    expect(shortCreatedBy('/bin/sh -c echo x')).toBe('RUN echo x');
  });
});
