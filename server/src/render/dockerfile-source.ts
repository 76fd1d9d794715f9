/**
 * The Dockerfile excerpt buildx prints under a failed step's box:
 *
 *     Dockerfile:2
 *     --------------------
 *        1 |     FROM busybox
 *        2 | >>> RUN false
 *        3 |
 *     --------------------
 *
 * buildx takes the failed instruction's lines from the error's source map, which the Engine API's JSON
 * stream does not carry (only the message). The lab has the Dockerfile's text, and the failed step's
 * vertex name says which instruction it is: `[<stage> <i>/<n>] …` is instruction i (FROM = 1, unless
 * the stage is built on an earlier stage: then FROM has no step) of that stage (a stage's `AS` name,
 * `stage-<k>` for an unnamed one, nothing in a one-stage file). The
 * layout (two or four lines of context, ` %3d | >>> line`) is buildkit's `errdefs.Source.Print`.
 */

export interface Instruction {
  keyword: string;
  /** 1-based first and last line */
  start: number;
  end: number;
}

export interface Stage {
  name: string;
  /** what FROM names (an image, or an earlier stage) */
  base: string;
  /** FROM first */
  instructions: Instruction[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC = /<<(-?)\s*(["']?)([A-Za-z0-9_]+)\2/g;

/** The stages of a Dockerfile with the line range of each instruction (continuations and heredocs included). */
export function dockerfileStages(text: string): Stage[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  let escape = '\\';
  // parser directives: comments at the very top
  for (const line of lines) {
    const m = DIRECTIVE.exec(line);
    if (!m) break;
    if (m[1]?.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  const stages: Stage[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] as string;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const start = i + 1;
    let body = '';
    // continuation lines (comments and empty lines inside a continuation are skipped, as by buildkit)
    for (;;) {
      const line = lines[i] as string;
      const t = line.trimEnd();
      const inner = line.trim();
      if (i > start - 1 && (inner === '' || inner.startsWith('#'))) {
        if (i + 1 >= lines.length) break;
        i++;
        continue;
      }
      if (t.endsWith(escape) && i + 1 < lines.length) {
        body += t.slice(0, -1) + ' ';
        i++;
        continue;
      }
      body += t;
      break;
    }
    // heredocs: the instruction goes on to each terminator
    for (const m of body.matchAll(HEREDOC)) {
      const word = m[3] as string;
      const strip = m[1] === '-';
      while (i + 1 < lines.length) {
        i++;
        const l = lines[i] as string;
        if ((strip ? l.replace(/^\t+/, '') : l) === word) break;
      }
    }
    const end = i + 1;
    i++;
    const keyword = (body.trim().split(/\s+/)[0] ?? '').toUpperCase();
    if (keyword === 'FROM') {
      const as = /\s+as\s+(\S+)\s*$/i.exec(body.trim());
      const base = body.trim().split(/\s+/).find((w, k) => k > 0 && !w.startsWith('--')) ?? '';
      stages.push({name: as ? (as[1] as string) : '', base, instructions: []});
    }
    const stage = stages[stages.length - 1];
    // instructions before the first FROM (global ARGs) belong to no stage
    if (stage) stage.instructions.push({keyword, start, end});
  }
  return stages;
}

const VERTEX = /^\[(?:(\S+) )?(\d+)\/(\d+)\] /;

/** The lines of the instruction a step's vertex name points at, or undefined. */
export function instructionOf(text: string, vertexName: string): Instruction | undefined {
  const m = VERTEX.exec(vertexName);
  if (!m) return undefined;
  const label = m[1];
  const index = Number(m[2]);
  const stages = dockerfileStages(text);
  let stage: Stage | undefined;
  if (label === undefined) {
    if (stages.length === 1) stage = stages[0];
  } else {
    stage = stages.find((s) => s.name.toLowerCase() === label.toLowerCase());
    const k = /^stage-(\d+)$/.exec(label);
    if (!stage && k) stage = stages[Number(k[1])];
  }
  if (!stage) return undefined;
  // a stage built on an earlier one has no FROM step of its own: its first instruction is 1/n
  const k = stages.indexOf(stage);
  const onStage = stages.slice(0, k).some((s) => s.name !== '' && s.name.toLowerCase() === stage.base.toLowerCase());
  const steps = onStage ? stage.instructions.slice(1) : stage.instructions;
  if (steps.length !== Number(m[3])) return undefined;
  return steps[index - 1];
}

/** buildkit's Source.Print for the failed step's instruction, `\n` line ends; '' when it is not found. */
export function sourceExcerpt(fileName: string, text: string, vertexName: string): string {
  const ins = instructionOf(text, vertexName);
  return ins ? printRange(fileName, text, ins) : '';
}

/** The same for an error that names its line (`dockerfile parse error on line 2: …`); '' otherwise. */
export function sourceExcerptOfMessage(fileName: string, text: string, message: string): string {
  const m = /parse error on line (\d+)/.exec(message);
  if (!m) return '';
  const line = Number(m[1]);
  return printRange(fileName, text, {start: line, end: line});
}

function printRange(fileName: string, text: string, ins: {start: number; end: number}): string {
  const lines = text.split('\n');
  let start = ins.start;
  let end = Math.min(ins.end, lines.length);
  if (start > lines.length || start < 1) return '';
  const pad = end === start ? 4 : 2;
  const firstLine = start;
  for (let p = 0; p < pad; p++) {
    if (start > 1) {
      start--;
      p++;
    }
    if (end !== lines.length) {
      end++;
      p++;
    }
  }
  let out = `${fileName}:${firstLine}\n${'-'.repeat(20)}\n`;
  for (let i = start; i <= end; i++) {
    const marker = i >= ins.start && i <= ins.end ? '>>>' : '   ';
    out += ` ${String(i).padStart(3)} | ${marker} ${lines[i - 1]}\n`;
  }
  return out + `${'-'.repeat(20)}\n`;
}
