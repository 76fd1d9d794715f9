/**
 * An editable Dockerfile: CodeMirror 6, fetched with `import()` when this
 * component first mounts (that is, on the first click on Edit). Until it is
 * ready, `fallback` (the highlighted code block) stays on screen.
 *
 * Controlled: `value` is the text to show (the reader's edit or the lesson's
 * text after Reset); `onChange` gets every edit.
 */
import {useEffect, useRef, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import type {InstructionMark} from '../../protocol/views';
import type {DockerfileCodeMirror} from './codemirror';
import styles from './styles.module.css';

export interface Props {
  value: string;
  onChange: (text: string) => void;
  title?: string;
  /** Accessible name of the editing area. */
  label?: string;
  /** Shown while CodeMirror loads (and if it cannot load). */
  fallback: ReactNode;
  /** Put the cursor in the editor once it is ready. */
  autoFocus?: boolean;
  /** What the last build did with each instruction of `text` (the gutter marks). */
  buildMarks?: {marks: InstructionMark[]; text: string} | null;
}

export default function DockerfileEditor({
  value,
  onChange,
  title,
  label = 'Dockerfile editor',
  fallback,
  autoFocus = false,
  buildMarks = null,
}: Props): ReactNode {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<DockerfileCodeMirror | null>(null);
  const onChangeRef = useRef(onChange);
  const valueRef = useRef(value);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    onChangeRef.current = onChange;
    valueRef.current = value;
  });

  useEffect(() => {
    let cancelled = false;
    import('./codemirror')
      .then(({createDockerfileEditor}) => {
        if (cancelled || !hostRef.current) return;
        editorRef.current = createDockerfileEditor({
          parent: hostRef.current,
          doc: valueRef.current,
          label,
          onChange: (text) => onChangeRef.current(text),
        });
        setReady(true);
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      editorRef.current?.destroy();
      editorRef.current = null;
    };
    // Created once per mount; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    editorRef.current?.setDoc(value);
  }, [value, ready]);

  useEffect(() => {
    editorRef.current?.setBuildMarks(buildMarks?.marks ?? null, buildMarks?.text ?? '');
  }, [buildMarks, ready]);

  // Focus once the editor is shown: while it loads, its host is hidden and cannot take focus.
  useEffect(() => {
    if (ready && autoFocus) editorRef.current?.focus();
    // Only when it becomes ready: a later render must not steal the focus back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready]);

  return (
    <div className={styles.root} data-testid="dockerfile-editor" data-ready={ready ? 'true' : 'false'}>
      {!ready && fallback}
      {failed && <p className={styles.failed}>The editor could not be loaded; the text above is what Build uses.</p>}
      {ready && title && <div className={styles.title}>{title}</div>}
      <div ref={hostRef} className={clsx(styles.editor, !ready && styles.hidden)} />
      {ready && buildMarks && buildMarks.marks.length > 0 && (
        <p className={styles.legend} data-testid="build-gutter-legend">
          Gutter, from the last build: <span aria-hidden="true">✓</span> cached, <span aria-hidden="true">⟳</span> rebuilt,{' '}
          <span aria-hidden="true">·</span> metadata only, <span aria-hidden="true">▁</span> base image.
        </p>
      )}
    </div>
  );
}
