/**
 * A CodeMirror gutter that marks each instruction by what the last build did with it: `cached`,
 * `rebuilt`, `config` (metadata only: no step) or `base` (FROM). Its own extension, loaded with
 * the editor (./codemirror.ts): `buildGutter()` in the extensions, `setBuildMarks(view, …)` after a
 * build. The marks follow their lines through later edits (the range set is mapped), and are
 * dropped when the editor's text is not the one that was built.
 */
import {RangeSet, StateEffect, StateField, type Extension} from '@codemirror/state';
import {EditorView, gutter, GutterMarker} from '@codemirror/view';
import type {InstructionMark, StepState} from '../../protocol/views';

const SYMBOL: Record<StepState, string> = {cached: '✓', rebuilt: '⟳', config: '·', base: '▁'};
const WORDS: Record<StepState, string> = {
  cached: 'cached: taken from the build cache',
  rebuilt: 'rebuilt: this build ran the step',
  config: 'metadata only: no step to run',
  base: 'the base image, used as it is',
};

class BuildMark extends GutterMarker {
  constructor(
    readonly state: StepState,
    /** Line number in the text that was built. */
    readonly line: number,
    /** First line of its instruction (continuation lines get a thinner mark). */
    readonly first: boolean,
  ) {
    super();
  }

  override eq(other: BuildMark): boolean {
    return other.state === this.state && other.line === this.line && other.first === this.first;
  }

  override toDOM(): Node {
    const el = document.createElement('span');
    if (this.line === 0) {
      // The gutter's width keeper (initialSpacer): no mark of any line.
      el.textContent = SYMBOL.cached;
      return el;
    }
    el.className = `cm-build-mark cm-build-${this.state}`;
    el.dataset.state = this.state;
    el.dataset.line = String(this.line);
    el.textContent = this.first ? SYMBOL[this.state] : '│';
    el.title = `Last build: ${WORDS[this.state]}`;
    return el;
  }
}

const setMarks = StateEffect.define<RangeSet<GutterMarker>>();

const marksField = StateField.define<RangeSet<GutterMarker>>({
  create: () => RangeSet.empty,
  update(value, tr) {
    let v = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setMarks)) v = e.value;
    return v;
  },
});

const theme = EditorView.baseTheme({
  '.cm-build-gutter .cm-gutterElement': {padding: '0 4px', minWidth: '1.4em', textAlign: 'center'},
  '.cm-build-cached': {color: 'var(--ifm-color-success-darkest, #1a7f37)'},
  '.cm-build-rebuilt': {color: 'var(--ifm-font-color-base, #1c1e21)', fontWeight: 'bold'},
  '.cm-build-config, .cm-build-base': {color: 'var(--ifm-color-emphasis-600, #666)'},
});

/** The gutter (place it after lineNumbers()). */
export function buildGutter(): Extension {
  return [
    marksField,
    gutter({
      class: 'cm-build-gutter',
      markers: (view) => view.state.field(marksField),
      initialSpacer: () => new BuildMark('cached', 0, true),
    }),
    theme,
  ];
}

/** Show what the build of `builtText` did; null (or another text in the editor) clears the marks. */
export function setBuildMarks(view: EditorView, marks: InstructionMark[] | null, builtText: string): void {
  const doc = view.state.doc;
  let set: RangeSet<GutterMarker> = RangeSet.empty;
  if (marks && doc.toString() === builtText) {
    const ranges = [];
    for (const m of [...marks].sort((a, b) => a.start - b.start)) {
      for (let n = m.start; n <= Math.min(m.end, doc.lines); n++) {
        ranges.push(new BuildMark(m.state, n, n === m.start).range(doc.line(n).from));
      }
    }
    set = RangeSet.of(ranges, true);
  }
  view.dispatch({effects: setMarks.of(set)});
}
