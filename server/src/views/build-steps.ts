/**
 * Which instructions of a Dockerfile the last build ran, took from the cache, or only recorded as
 * metadata, from BuildKit's status stream (render/buildkit-status.ts). A step's vertex is named
 * `[<stage> i/n] KEYWORD …`: the i-th of the n instructions of that stage that BuildKit runs as a
 * step (FROM, RUN, COPY, ADD, WORKDIR); the other instructions (LABEL, ENV, CMD, ARG…) only set the
 * image's metadata and have no step. Pure functions over render/step-recorder.ts (unit-tested).
 */
import type {InstructionMark, StepState} from '../../../src/protocol/views';
import type {StepReport} from '../render/step-recorder';
import {dockerfileStages, type Instruction, type Stage} from '../render/dockerfile-source';

/** Instructions BuildKit runs as a step of their own. */
export const STEP_KEYWORDS: ReadonlySet<string> = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR']);

const VERTEX = /^\[(?:(\S+) )?(\d+)\/(\d+)\] (\S+)/;

/** Whether stage k's FROM names an earlier stage (then its FROM has no step). */
function onEarlierStage(stages: Stage[], k: number): boolean {
  const base = stages[k]!.base.toLowerCase();
  return stages.slice(0, k).some((s) => s.name !== '' && s.name.toLowerCase() === base);
}

function stageOfLabel(stages: Stage[], label: string | undefined): number {
  if (label === undefined) return stages.length === 1 ? 0 : -1;
  const named = stages.findIndex((s) => s.name.toLowerCase() === label.toLowerCase());
  if (named >= 0) return named;
  const m = /^stage-(\d+)$/.exec(label);
  return m && Number(m[1]) < stages.length ? Number(m[1]) : -1;
}

/**
 * Every instruction of `text` (all stages, top-down) with what the build did for it. A step the
 * build never reached or did not need (a stage it did not build) is left out.
 */
export function instructionMarks(text: string, steps: StepReport[]): InstructionMark[] {
  const stages = dockerfileStages(text);
  const states = new Map<Instruction, StepState>();
  for (const step of steps) {
    const m = VERTEX.exec(step.name);
    if (!m || !step.completed) continue;
    const k = stageOfLabel(stages, m[1]);
    if (k < 0) continue;
    const stage = stages[k]!;
    const stepping = stage.instructions.filter((ins, j) => STEP_KEYWORDS.has(ins.keyword) && !(j === 0 && onEarlierStage(stages, k)));
    if (stepping.length !== Number(m[3])) continue;
    const ins = stepping[Number(m[2]) - 1];
    if (!ins || ins.keyword !== m[4]!.toUpperCase()) continue;
    const state: StepState = ins.keyword === 'FROM' ? 'base' : step.cached ? 'cached' : 'rebuilt';
    // The same step reported twice (two vertexes of one name): if it ran once, it ran.
    if (states.get(ins) !== 'rebuilt') states.set(ins, state);
  }
  const marks: InstructionMark[] = [];
  stages.forEach((stage, k) => {
    stage.instructions.forEach((ins, j) => {
      let state = states.get(ins);
      if (!state && j === 0 && onEarlierStage(stages, k)) state = 'base';
      if (!state && !STEP_KEYWORDS.has(ins.keyword) && stageBuilt(stage, states)) state = 'config';
      if (state) marks.push({start: ins.start, end: ins.end, keyword: ins.keyword, state});
    });
  });
  return marks;
}

/** A stage counts as built when any of its steps was reported. */
function stageBuilt(stage: Stage, states: Map<Instruction, StepState>): boolean {
  return stage.instructions.some((ins) => states.has(ins));
}
