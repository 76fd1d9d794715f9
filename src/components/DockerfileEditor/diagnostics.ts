/**
 * What the editor's lint says about a Dockerfile, as plain offsets (no
 * CodeMirror here, so it is unit-tested in Node). Three sources:
 * - the lab's rules shared with the server (src/protocol/dockerfile-rules.ts),
 *   in the server's or the builder's own words;
 * - a FROM naming a Docker Hub official image that is not a lab base image,
 *   in the words of the server's refusal;
 * - `dockerfile-utils` (a maintained Dockerfile validator) for the rest of the
 *   syntax (flags, argument counts, JSON forms...), except what the shared
 *   rules already say in the lab's words.
 */
import {DockerfileParser} from 'dockerfile-ast';
import {validate, ValidationCode} from 'dockerfile-utils';
import {
  dockerfileMessages,
  isOfficialImageName,
  LAB_BASE_REPOSITORIES,
  officialRepository,
  textFindings,
} from '../../protocol/dockerfile-rules';

export interface LintItem {
  from: number;
  to: number;
  severity: 'error' | 'warning';
  message: string;
}

/** Validator codes the shared rules report in the lab's (or the builder's) words instead. */
const SAID_BY_SHARED_RULES = new Set<number>([ValidationCode.UNKNOWN_INSTRUCTION, ValidationCode.NO_SOURCE_IMAGE]);

export function dockerfileDiagnostics(text: string): LintItem[] {
  const starts = lineStarts(text);
  const offset = (line: number, character: number) => Math.min(text.length, (starts[line] ?? text.length) + character);
  /** A 1-based line as a range over its text (line 0: the start of the file). */
  const wholeLine = (line: number) => {
    if (line <= 0) return {from: 0, to: Math.min(text.length, starts[1] ? starts[1] - 1 : text.length)};
    const from = starts[line - 1] ?? text.length;
    const next = starts[line];
    return {from, to: next === undefined ? text.length : Math.max(from, next - 1)};
  };

  const findings = textFindings(text);
  const items: LintItem[] = findings.map((f) => ({...wholeLine(f.line), severity: 'error', message: f.message}));
  if (findings.some((f) => f.rule === 'too-large')) return items;

  for (const d of validate(text)) {
    if (typeof d.code === 'number' && SAID_BY_SHARED_RULES.has(d.code)) continue;
    const from = offset(d.range.start.line, d.range.start.character);
    const to = Math.max(from, offset(d.range.end.line, d.range.end.character));
    items.push({from, to, severity: d.severity === 1 ? 'error' : 'warning', message: typeof d.message === 'string' ? d.message : d.message.value});
  }

  items.push(...refusedImages(text, offset));
  return items.sort((a, b) => a.from - b.from);
}

/** FROM lines naming an official image the lab does not have as a base image. */
function refusedImages(text: string, offset: (line: number, character: number) => number): LintItem[] {
  const instructions = DockerfileParser.parse(text).getInstructions();
  const stages = new Set<string>();
  const items: LintItem[] = [];
  for (const i of instructions) {
    if (i.getKeyword().toUpperCase() !== 'FROM') continue;
    const from = i as unknown as {
      getImage(): string | null;
      getImageRange(): {start: {line: number; character: number}; end: {line: number; character: number}} | null;
      getBuildStage(): string | null;
    };
    const image = from.getImage();
    const range = from.getImageRange();
    if (image && range && !image.includes('$') && !stages.has(image.toLowerCase()) && image.toLowerCase() !== 'scratch') {
      if (isOfficialImageName(image) && !LAB_BASE_REPOSITORIES.includes(officialRepository(image))) {
        items.push({
          from: offset(range.start.line, range.start.character),
          to: offset(range.end.line, range.end.character),
          severity: 'error',
          message: dockerfileMessages.notAllowed('FROM', image),
        });
      }
    }
    const stage = from.getBuildStage();
    if (stage) stages.add(stage.toLowerCase());
  }
  return items;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}
