/**
 * The editor's lint as one CodeMirror extension: `@codemirror/lint` running
 * `dockerfileDiagnostics` as the reader types. Loaded with the editor (it is
 * imported only by ./codemirror.ts, itself fetched with `import()`).
 * The panel under the editor opens by itself while there is something to say,
 * so the words are on screen without hovering, and closes when it is fixed.
 */
import type {Extension} from '@codemirror/state';
import {linter} from '@codemirror/lint';
import {dockerfileDiagnostics} from './diagnostics';
import {withBuffer} from './with-buffer';

export function dockerfileLint(): Extension {
  return linter((view) => withBuffer(() => dockerfileDiagnostics(view.state.doc.toString())), {delay: 300, autoPanel: true});
}
