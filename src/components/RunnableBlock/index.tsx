/**
 * A lesson code block that runs in the lab terminal. Produced by the remark
 * plugin `src/remark/runnable-blocks.ts` from ```` ```bash run ```` and
 * ```` ```dockerfile run context="…" tag="…" ```` blocks.
 *
 * It renders the theme's CodeBlock (copy button, title, highlighting) with
 * `<registry>`/`<username>` resolved, plus a bar with Run (shell) or Build
 * (Dockerfile), Edit/Reset for Dockerfiles, and the state of the last run.
 * What is shown and what is sent are the same text.
 */
import {lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import CodeBlock from '@theme/CodeBlock';
import DockerfileEditor from '@site/src/components/DockerfileEditor';
import {asksForInput, blockKind, buildCommand, shellCommandLine, shortHash} from '@site/src/blocks';
import {hasPlaceholder} from '@site/src/client/placeholders';
import {
  useBlockRun,
  useBuiltImage,
  useDockerfileEdit,
  useEnsureConnected,
  useLab,
  useLabSession,
  useLabUi,
  useLessonDockerfile,
  useResolver,
} from '@site/src/client/react';
import {usePlayback, usePlayer, useRecordingUrl} from '@site/src/client/playback/react';
import type {RunnableProps} from '@site/src/remark/runnable-blocks';
import styles from './styles.module.css';

/** Shown after a build only: fetched when a build starts, not with the page. */
const loadImageLayers = () => import('@site/src/components/ImageLayers');
const ImageLayers = lazy(loadImageLayers);

/** What the remark plugin gives each runnable block. */
export interface Props extends RunnableProps {
  /** Set by the remark plugin (file + line); derived from the content otherwise. */
  blockId?: string;
}

export type BlockStatusState = 'idle' | 'running' | 'ok' | 'error' | 'offline';

/** Deterministic (hydration-safe) id when the plugin did not provide one. */
function contentId(p: Props): string {
  return `block-${shortHash(`${p.lang}\u0000${p.context ?? ''}\u0000${p.code}`)}`;
}

export default function RunnableBlock(props: Props): ReactNode {
  const {lang, code, title, context, tag, meta} = props;
  const {client, ui} = useLab();
  const {connection, session} = useLabSession();
  const {registry} = useLabUi();
  const resolve = useResolver();
  const kind = blockKind(lang) ?? 'shell';
  const isDockerfile = kind === 'dockerfile';
  const blockId = props.blockId ?? contentId(props);
  const run = useBlockRun(blockId);
  const edit = useDockerfileEdit(isDockerfile ? context : undefined);
  // No server answers: Run plays the block's recording (src/client/playback).
  const player = usePlayer();
  const playback = usePlayback();
  const recordingUrl = useRecordingUrl(blockId);
  const playingHere = playback.blockId === blockId && playback.status !== 'idle';

  const built = useBuiltImage(context);
  // The block whose Build/Run made the image shows it; a build typed in the terminal shows under the Dockerfile.
  const showBuilt = built && (built.blockId === blockId || (isDockerfile && !built.blockId));
  const buildMarks = useMemo(() => (isDockerfile && built ? {marks: built.marks, text: built.dockerfile} : null), [isDockerfile, built]);

  useEnsureConnected();
  useEffect(() => ui.registerBlock(), [ui]);

  // The text on screen: the reader's edit, else the lesson's (placeholders resolved).
  const lessonText = useMemo(() => resolve(code), [resolve, code]);
  const shownText = isDockerfile && edit.text !== null ? edit.text : lessonText;
  const edited = isDockerfile && edit.text !== null && edit.text !== lessonText;
  const editing = isDockerfile && edit.editing;

  const command = useMemo(() => {
    if (isDockerfile) return resolve(buildCommand(tag));
    const line = shellCommandLine(code);
    return resolve('command' in line ? line.command : code.trim());
  }, [isDockerfile, resolve, tag, code]);

  // The server builds the Dockerfile the page shows (one source of truth).
  useLessonDockerfile(isDockerfile ? context : undefined, shownText);

  const unresolved = hasPlaceholder(command) || (isDockerfile && hasPlaceholder(shownText));
  const busyHere = run.state === 'pending' || run.state === 'running';
  let state: BlockStatusState;
  if (busyHere) state = 'running';
  else if (connection === 'offline') state = 'offline';
  else if (run.state === 'ok') state = 'ok';
  else if (run.state === 'error') state = 'error';
  else state = 'idle';
  const canRun = connection === 'online' && !busyHere && !unresolved;
  const builds = isDockerfile || /^docker\s+(image\s+)?build\b/.test(command);
  useEffect(() => {
    if (busyHere && builds) void loadImageLayers().catch(() => undefined);
  }, [busyHere, builds]);
  const canPlay = connection === 'offline' && !busyHere;

  // Busy or offline, the button stays focusable (aria-disabled): `disabled` would drop the
  // keyboard focus to <body>. A command that asks for input takes the focus to the terminal.
  const onRun = useCallback(() => {
    if (canPlay) {
      ui.openDock(false);
      void player.play(blockId, recordingUrl, command);
      return;
    }
    if (!canRun) return;
    ui.openDock(asksForInput(command));
    // The text on screen now, even if the debounced update has not gone yet.
    if (isDockerfile && context) client.setContext(context, shownText);
    client.run(blockId, command, context);
  }, [canRun, canPlay, player, recordingUrl, ui, client, blockId, command, context, isDockerfile, shownText]);

  // The Run that asked for a lab name runs once the reader's session is connected and the block
  // shows its command under that name: one press, not two.
  useEffect(() => {
    if (run.replay && canRun && client.takeReplay(blockId)) onRun();
  }, [run.replay, canRun, client, blockId, onRun]);

  const setEditing = (on: boolean) => {
    if (context) ui.setEdit(context, {editing: on});
  };
  const onEditChange = useCallback(
    (text: string) => {
      if (context) ui.setEdit(context, {text});
    },
    [ui, context],
  );
  const editButtonRef = useRef<HTMLButtonElement>(null);
  const onReset = () => {
    if (context) ui.setEdit(context, {text: null});
    // The Reset button goes away with the edit: keep the keyboard on the block.
    editButtonRef.current?.focus();
  };

  // Keyboard focus goes into the editor only when the reader clicked Edit in this visit.
  const [focusEditor, setFocusEditor] = useState(false);

  const codeBlock = (
    <CodeBlock language={lang} title={title} metastring={meta}>
      {shownText}
    </CodeBlock>
  );

  return (
    <div
      className={clsx(styles.root, state === 'offline' && styles.offline)}
      data-testid="runnable-block"
      data-context={context}
      data-lang={lang}
      data-block-id={blockId}>
      {editing ? (
        <DockerfileEditor
          value={shownText}
          onChange={onEditChange}
          title={title}
          label={`${title ?? 'Dockerfile'} (editable)`}
          fallback={codeBlock}
          autoFocus={focusEditor}
          buildMarks={buildMarks}
        />
      ) : (
        codeBlock
      )}
      <div className={styles.bar}>
        <button
          type="button"
          className={clsx('button button--sm button--primary', styles.run)}
          data-testid="run-button"
          aria-disabled={!canRun && !canPlay}
          aria-label={`${isDockerfile ? 'Build' : 'Run'}${canPlay ? ' (play its recording, not live)' : ''}: ${command}`}
          data-playback={canPlay ? 'recording' : undefined}
          onClick={onRun}
          title={canPlay ? `Play a recording of: ${command} (no lab server answers)` : `Run in the lab terminal: ${command}`}>
          <span aria-hidden="true">{isDockerfile ? '⚒' : '▶'}</span> {isDockerfile ? 'Build' : 'Run'}
        </button>
        {isDockerfile && (
          <button
            type="button"
            className="button button--sm button--secondary"
            data-testid="edit-button"
            ref={editButtonRef}
            onClick={() => {
              setFocusEditor(!editing);
              setEditing(!editing);
            }}>
            {editing ? 'Done editing' : 'Edit'}
            {!editing && <span className="lab-visually-hidden"> {title ?? 'Dockerfile'}</span>}
          </button>
        )}
        {isDockerfile && edited && (
          <button
            type="button"
            className="button button--sm button--outline button--secondary"
            data-testid="reset-button"
            onClick={onReset}
            title="Restore the lesson's Dockerfile">
            Reset<span className="lab-visually-hidden"> to the lesson's Dockerfile</span>
          </button>
        )}
        {isDockerfile && (
          <code className={styles.command} title="What Build runs">
            {command}
          </code>
        )}
        {edited && <span className={styles.badge}>edited</span>}
        <BlockStatus
          state={state}
          exitCode={run.exitCode}
          message={run.message}
          pending={run.state === 'pending'}
          connection={connection}
          unresolved={unresolved}
          registry={registry}
          engineDown={session?.engine === 'down'}
          playing={playingHere ? playback.status : null}
          onRetry={() => client.retryNow()}
        />
      </div>
      {showBuilt && (
        <Suspense fallback={null}>
          <ImageLayers image={built} />
        </Suspense>
      )}
    </div>
  );
}

function BlockStatus(props: {
  state: BlockStatusState;
  exitCode?: number;
  message?: string;
  pending: boolean;
  connection: string;
  unresolved: boolean;
  registry: string;
  engineDown: boolean;
  /** This block's recording is loaded (no server answers). */
  playing: string | null;
  onRetry: () => void;
}): ReactNode {
  const {state, exitCode, message} = props;
  let text: ReactNode = null;
  // Connection news is the dock's to announce: shown on each block, but not as a live region
  // (else every block on the page announces "Connecting…" on load).
  let quiet: ReactNode = null;
  let retry = false;
  switch (state) {
    case 'running':
      text = (
        <>
          <span className={styles.spinner} aria-hidden="true" />
          {props.pending ? 'Starting…' : 'Running…'}
        </>
      );
      break;
    case 'ok':
      text = `✓ Succeeded (exit code ${exitCode ?? 0})`;
      break;
    case 'error':
      text = exitCode !== undefined ? `✗ Failed: exit code ${exitCode}` : `✗ ${message ?? 'Failed'}`;
      break;
    case 'offline':
      quiet =
        props.playing === 'playing' || props.playing === 'paused' || props.playing === 'loading'
          ? 'Playing a recording in the terminal — not live.'
          : props.playing === 'done'
            ? 'Recording played — not live. Run plays it again.'
            : "Terminal offline — the companion server isn't running: Run plays a recording (not live); you can still copy this block.";
      retry = true;
      break;
    case 'idle':
      if (props.unresolved) {
        text =
          props.registry === 'hub'
            ? 'Log in to Docker Hub first (docker login) so <username> can be filled in, or switch to the lab registry in the terminal bar.'
            : 'This block has a placeholder that cannot be filled in yet.';
      } else if (message) text = message;
      else if (props.connection === 'reconnecting') quiet = 'Reconnecting to the terminal…';
      else if (props.connection === 'connecting') quiet = 'Connecting to the terminal…';
      else if (props.engineDown) quiet = 'The Docker Engine is not answering: commands will fail until it is back.';
      break;
  }
  return (
    <span className={styles.statusWrap}>
      <span
        className={clsx(styles.status, styles[`status_${state}`])}
        data-testid="block-status"
        data-state={state}
        data-exit-code={exitCode === undefined ? undefined : String(exitCode)}
        role="status"
        aria-live="polite">
        {text}
      </span>
      {quiet && (
        <span className={clsx(styles.status, styles[`status_${state}`])} data-testid="block-connection">
          {quiet}
        </span>
      )}
      {retry && (
        <button type="button" className={clsx('clean-btn', styles.retry)} onClick={props.onRetry}>
          Retry
        </button>
      )}
    </span>
  );
}
