/**
 * "The image you just built": its layers bottom-up (rows of `docker history`), each matched to the
 * Dockerfile instruction that made it and to what this build did for that instruction (from
 * build-steps.ts). The history's top rows are the built stage's instructions after FROM, newest
 * first (BuildKit records one row for each, metadata ones included); a stage built on an earlier
 * stage goes on into that stage's rows; what remains came with the base image. Pure (unit-tested).
 */
import type {BuiltImageView, InstructionMark, LayerView, StepState} from '../../../src/protocol/views';
import type {HistoryEntry} from '../engine/messages';
import {dockerfileStages, type Stage} from '../render/dockerfile-source';

/** `RUN |1 X=2 /bin/sh -c echo hi # buildkit` → `RUN echo hi`; the classic builder's `#(nop)` rows too. */
export function shortCreatedBy(createdBy: string): string {
  let s = createdBy.trim().replace(/\s+# buildkit$/, '');
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(s);
  if (nop) return nop[1]!.trim();
  if (s.startsWith('/bin/sh -c ')) return `RUN ${s.slice('/bin/sh -c '.length)}`;
  s = s.replace(/^RUN \|\d+ .*?\/bin\/sh -c /s, 'RUN ').replace(/^RUN \/bin\/sh -c /, 'RUN ');
  return s;
}

/** The instruction keyword of a history row (`RUN`, `COPY`, …), uppercase. */
export function historyKeyword(createdBy: string): string {
  return (shortCreatedBy(createdBy).split(/\s+/)[0] ?? '').toUpperCase();
}

function stateOf(marks: InstructionMark[], start: number): StepState | undefined {
  return marks.find((m) => m.start === start)?.state;
}

/** Bottom-up layers of the image built from `text` (the stage `target`, else the last). */
export function layerViews(history: HistoryEntry[], text: string, marks: InstructionMark[], target?: string): LayerView[] {
  const stages = dockerfileStages(text);
  let k = target ? stages.findIndex((s) => s.name.toLowerCase() === target.toLowerCase()) : stages.length - 1;
  const rows = history.map((h): LayerView => ({createdBy: shortCreatedBy(h.CreatedBy), size: Math.max(0, h.Size), lines: null, origin: 'base'}));
  let r = 0; // newest first
  while (k >= 0) {
    const stage: Stage = stages[k]!;
    const own = stage.instructions.slice(1).reverse();
    let matched = 0;
    for (const ins of own) {
      const row = rows[r];
      if (!row || historyKeyword(history[r]!.CreatedBy) !== ins.keyword) break;
      row.lines = {start: ins.start, end: ins.end};
      row.origin = stateOf(marks, ins.start) ?? 'config';
      r++;
      matched++;
    }
    if (matched !== own.length) break; // the rows no longer follow the file: the rest is shown as base
    const base = stage.base.toLowerCase();
    k = stages.findIndex((s, j) => j < k && s.name !== '' && s.name.toLowerCase() === base);
  }
  return rows.reverse();
}

export function builtImageView(opts: {
  context: string;
  imageId: string;
  tags: string[];
  dockerfile: string;
  history: HistoryEntry[];
  marks: InstructionMark[];
  target?: string;
}): BuiltImageView {
  const layers = layerViews(opts.history, opts.dockerfile, opts.marks, opts.target);
  return {
    context: opts.context,
    imageId: opts.imageId,
    tags: opts.tags,
    dockerfile: opts.dockerfile,
    layers,
    marks: opts.marks,
    size: layers.reduce((a, l) => a + l.size, 0),
  };
}
