/**
 * CodeMirror 6 set up for Dockerfiles. Only ever loaded with `import()` from
 * `./index.tsx` on the first click on Edit, so lesson pages do not ship it.
 * Colours come from `classHighlighter` (`tok-*` classes) styled in
 * `styles.module.css` with Infima variables, so dark mode needs no JS.
 */
import {EditorState} from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import {bracketMatching, StreamLanguage, syntaxHighlighting} from '@codemirror/language';
import {defaultKeymap, history, historyKeymap} from '@codemirror/commands';
import {dockerFile} from '@codemirror/legacy-modes/mode/dockerfile';
import {classHighlighter} from '@lezer/highlight';
import {dockerfileLint} from './lint';
import type {InstructionMark} from '../../protocol/views';
import {buildGutter, setBuildMarks} from './build-gutter';

export interface DockerfileCodeMirror {
  getDoc(): string;
  /** Replace the whole text (Reset, or a change made elsewhere). */
  setDoc(text: string): void;
  focus(): void;
  destroy(): void;
  /** Mark each instruction by what the build of `builtText` did (the gutter of ./build-gutter.ts). */
  setBuildMarks(marks: InstructionMark[] | null, builtText: string): void;
}

const theme = EditorView.theme({
  '&': {
    backgroundColor: 'var(--ifm-pre-background)',
    color: 'var(--ifm-pre-color, var(--ifm-font-color-base))',
    fontSize: 'var(--ifm-code-font-size)',
  },
  '&.cm-focused': {
    outline: '2px solid var(--ifm-color-primary)',
    outlineOffset: '-2px',
  },
  '.cm-scroller': {
    fontFamily: 'var(--ifm-font-family-monospace)',
    lineHeight: 'var(--ifm-pre-line-height)',
  },
  '.cm-content': {
    padding: 'var(--ifm-pre-padding) 0',
    caretColor: 'var(--ifm-font-color-base)',
  },
  '.cm-line': {padding: '0 var(--ifm-pre-padding)'},
  '.cm-cursor': {borderLeftColor: 'var(--ifm-font-color-base)'},
  '.cm-gutters': {
    backgroundColor: 'var(--ifm-pre-background)',
    color: 'var(--ifm-color-emphasis-600)',
    borderRight: '1px solid var(--ifm-color-emphasis-300)',
  },
  '.cm-activeLine, .cm-activeLineGutter': {
    backgroundColor: 'var(--docusaurus-highlighted-code-line-bg)',
  },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
    backgroundColor: 'var(--ifm-color-primary-lightest)',
  },
});

export function createDockerfileEditor(options: {
  parent: HTMLElement;
  doc: string;
  label: string;
  onChange: (text: string) => void;
}): DockerfileCodeMirror {
  let applyingExternal = false;
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        lineNumbers(),
        buildGutter(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        StreamLanguage.define(dockerFile),
        syntaxHighlighting(classHighlighter),
        dockerfileLint(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        theme,
        EditorView.contentAttributes.of({'aria-label': options.label}),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applyingExternal) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    getDoc: () => view.state.doc.toString(),
    setDoc(text) {
      if (text === view.state.doc.toString()) return;
      applyingExternal = true;
      try {
        view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
      } finally {
        applyingExternal = false;
      }
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
    setBuildMarks: (marks, builtText) => setBuildMarks(view, marks, builtText),
  };
}
