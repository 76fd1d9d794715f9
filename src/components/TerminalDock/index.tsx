/**
 * The lab terminal, docked at the bottom of the viewport. Rendered once by
 * `src/theme/Root.tsx` after the page, so it (and its xterm) survives
 * navigation.
 *
 * - Shown as a slim bar on pages with runnable blocks, and everywhere once
 *   opened in this tab.
 * - xterm.js is fetched with `import()` only when the dock is first opened
 *   (a Run click or the "Open terminal" button).
 * - Resizable by dragging (or arrow keys on) its top edge; collapsible; the
 *   page gets bottom padding (`--lab-dock-space`) so nothing hides under it.
 */
import {useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent, type ReactNode} from 'react';
import clsx from 'clsx';
import {useEnsureConnected, useLab, useLabSession, useLabUi} from '@site/src/client/react';
import {loggedInUser, type RegistryChoice} from '@site/src/client/placeholders';
import type {ConnectionState} from '@site/src/client/session';
import {MIN_DOCK_HEIGHT} from '@site/src/client/ui';
import ReaderPanel from '@site/src/components/ReaderPanel';
import ProgressPanel from '@site/src/components/ProgressPanel';
import PlaybackBar from '@site/src/components/PlaybackBar';
import {usePlayback} from '@site/src/client/playback/react';
import type {TerminalController} from './xterm';
import {isTerminalShortcut, PageFocus, TERMINAL_SHORTCUT_LABEL} from './keyboard';
import styles from './styles.module.css';

const DOCK_SELECTOR = '[data-testid="terminal-dock"]';
const TERMINAL_SELECTOR = '[data-testid="lab-terminal"]';
const KEYS_HINT_ID = 'lab-terminal-keys';

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export default function TerminalDock(): ReactNode {
  const {dockActivated, runnableOnPage} = useLabUi();
  const {ui} = useLab();
  const [pageFocus] = useState(() => new PageFocus((el) => el.closest(DOCK_SELECTOR) !== null));

  // Alt+T from anywhere: into the terminal, or from the terminal back to the page.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!isTerminalShortcut(e)) return;
      e.preventDefault();
      e.stopPropagation();
      if (document.activeElement?.closest(TERMINAL_SELECTOR)) pageFocus.restore();
      else ui.openDock(true);
    };
    document.addEventListener('focusin', pageFocus.onFocusIn);
    document.addEventListener('keydown', onKey, true);
    // For tests: the shortcut works from now on (the page has hydrated).
    document.documentElement.dataset.labShortcut = 'on';
    return () => {
      delete document.documentElement.dataset.labShortcut;
      document.removeEventListener('focusin', pageFocus.onFocusIn);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [ui, pageFocus]);

  if (!dockActivated && runnableOnPage === 0) return <DockSpace height={0} />;
  return <Dock pageFocus={pageFocus} />;
}

/** Keeps the page's bottom padding in step with the dock. */
function DockSpace({height}: {height: number}): null {
  useEffect(() => {
    document.documentElement.style.setProperty('--lab-dock-space', `${height}px`);
  }, [height]);
  return null;
}

function Dock({pageFocus}: {pageFocus: PageFocus}): ReactNode {
  const {client, ui} = useLab();
  const toggleRef = useRef<HTMLButtonElement>(null);
  // On a phone the dock opens lower (styles.module.css) until the reader resizes it.
  const [resized, setResized] = useState(false);
  const {dockOpen, dockActivated, dockHeight, registry, screenReader, focusRequest} = useLabUi();
  const {connection, session, command} = useLabSession();
  // A recording playing (no server answers) replaces the offline notice over the terminal.
  const playback = usePlayback();
  const sectionRef = useRef<HTMLElement>(null);
  const controllerRef = useRef<TerminalController | null>(null);
  const [space, setSpace] = useState(0);

  useEnsureConnected(dockActivated);

  // Screen readers: when a command ends, say so, with its last lines (xterm's own live region
  // is emptied at each start, so it never holds more than the command's output).
  const [announcement, setAnnouncement] = useState('');
  const lastCommand = useRef<{id: number; line: string} | null>(null);
  useEffect(() => {
    const prev = lastCommand.current;
    if (command && command.id !== prev?.id) {
      controllerRef.current?.commandStarted();
      lastCommand.current = {id: command.id, line: command.line};
    } else if (!command && prev) {
      lastCommand.current = null;
      if (screenReader) {
        const tail = controllerRef.current?.lastLines(3) ?? [];
        setAnnouncement(`Finished: ${prev.line}. ${tail.filter((l) => !/^lab(:[\w-]+)?\$/.test(l)).join('. ')}`);
      }
    }
  }, [command, screenReader]);

  // Measure what the dock covers (bar only, or bar + terminal).
  useEffect(() => {
    const el = sectionRef.current;
    if (!el) return undefined;
    const measure = () => setSpace(el.offsetHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(
    () => () => {
      document.documentElement.style.setProperty('--lab-dock-space', '0px');
    },
    [],
  );

  // Dragging the top edge.
  const drag = useRef<{startY: number; startH: number} | null>(null);
  const maxHeight = () => Math.max(MIN_DOCK_HEIGHT, window.innerHeight - 96);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = {startY: e.clientY, startH: sectionRef.current?.offsetHeight ?? dockHeight};
    setResized(true);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    ui.setDockHeight(Math.min(maxHeight(), d.startH + (d.startY - e.clientY)), false);
  };
  const onPointerUp = () => {
    if (!drag.current) return;
    drag.current = null;
    ui.setDockHeight(ui.get().dockHeight, true);
  };
  const onHandleKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 80 : 24;
    if (e.key === 'ArrowUp') ui.setDockHeight(Math.min(maxHeight(), dockHeight + step));
    else if (e.key === 'ArrowDown') ui.setDockHeight(dockHeight - step);
    else return;
    setResized(true);
    e.preventDefault();
  };

  const labRegistry = session?.labRegistry ?? 'localhost:5000';
  const logins = session?.logins ?? {};
  const hubUser = loggedInUser({registry: 'hub', labRegistry, logins});
  const labUser = loggedInUser({registry: 'lab', labRegistry, logins});

  return (
    <section
      ref={sectionRef}
      className={clsx(styles.dock, dockOpen && styles.open, resized && styles.resized)}
      style={dockOpen ? ({'--lab-dock-height': `${dockHeight}px`} as CSSProperties) : undefined}
      aria-label="Lab terminal"
      data-testid="terminal-dock"
      data-open={dockOpen ? 'true' : 'false'}>
      <DockSpace height={space} />
      <div className="lab-visually-hidden" role="log" aria-live="polite" data-testid="dock-announcement">
        {announcement}
      </div>
      {dockOpen && (
        <div
          className={styles.handle}
          role="separator"
          aria-orientation="horizontal"
          aria-label="Resize the terminal"
          aria-valuenow={dockHeight}
          aria-valuemin={MIN_DOCK_HEIGHT}
          tabIndex={0}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onKeyDown={onHandleKey}
        />
      )}
      <div className={styles.header}>
        <span className={styles.title}>
          <span aria-hidden="true">▣</span> Terminal
        </span>
        <button
          type="button"
          className={clsx(styles.btn, screenReader && styles.pressed)}
          aria-pressed={screenReader}
          data-testid="screen-reader-toggle"
          onClick={() => ui.setScreenReader(!screenReader)}
          title="Screen reader mode: makes the terminal's output readable by assistive technology">
          <span aria-hidden="true">♿</span>
          <span className={styles.label}> Screen reader</span>
        </button>
        <span
          className={clsx(styles.conn, styles[`conn_${connection}`])}
          data-testid="dock-connection"
          data-state={connection}
          title={session ? `Docker Engine: ${session.engine}, builder: ${session.builder}` : undefined}>
          <span className={styles.dot} aria-hidden="true" />
          <span className={styles.connText}>
            {CONNECTION_LABEL[connection]}
            {connection === 'online' && session?.engine === 'down' && ' · engine down'}
          </span>
        </span>
        {command && (
          <span className={styles.running} title={command.line}>
            <span className={styles.label}>running </span>
            <code>{command.line}</code>
          </span>
        )}
        <span className={styles.spacer} />
        <label className={styles.registry}>
          <span className={styles.label}>Push to</span>
          <select
            data-testid="registry-switch"
            value={registry}
            onChange={(e) => ui.setRegistry(e.target.value as RegistryChoice)}
            aria-label="Registry used by the lesson commands">
            <option value="lab">
              Lab registry ({labRegistry}
              {labUser ? `, ${labUser}` : ''})
            </option>
            <option value="hub">Docker Hub{hubUser ? ` (${hubUser})` : ''}</option>
          </select>
        </label>
        {dockActivated && (
          <button
            type="button"
            className={styles.btn}
            data-testid="dock-clear"
            onClick={() => controllerRef.current?.clear()}
            title="Clear the terminal">
            Clear
          </button>
        )}
        <span id={KEYS_HINT_ID} className={clsx(styles.keys, !dockOpen && styles.keysHidden)}>
          Esc then Tab: leave the terminal · {TERMINAL_SHORTCUT_LABEL}: terminal ↔ page
        </span>
        <button
          ref={toggleRef}
          type="button"
          className={clsx(styles.btn, styles.toggle)}
          data-testid="dock-toggle"
          aria-expanded={dockOpen}
          onClick={() => ui.toggleDock()}>
          {dockOpen ? 'Collapse ▾' : 'Open terminal ▴'}
        </button>
      </div>
      {/* readers: lab name, disk use, lab password (src/components/ReaderPanel) */}
      <ReaderPanel />
      {/* the reader's progress, one line (src/components/ProgressPanel) */}
      <ProgressPanel variant="dock" />
      {/* a recording playing while no server answers (src/components/PlaybackBar) */}
      <PlaybackBar />
      {dockActivated && (
        <div className={styles.body} hidden={!dockOpen}>
          <XtermView
            controllerRef={controllerRef}
            open={dockOpen}
            height={dockHeight}
            screenReader={screenReader}
            focusRequest={focusRequest}
            onLeave={(direction) => {
              if (direction === 'forward') pageFocus.restore();
              else toggleRef.current?.focus();
            }}
          />
          {connection === 'offline' && playback.status === 'idle' && (
            <div className={styles.overlay} role="status">
              <p>
                Terminal offline — the companion server isn't running or can't be reached. Lesson
                blocks stay readable and copyable.
              </p>
              <button type="button" className="button button--sm button--secondary" onClick={() => client.retryNow()}>
                Retry now
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function XtermView(props: {
  controllerRef: {current: TerminalController | null};
  open: boolean;
  height: number;
  screenReader: boolean;
  focusRequest: number;
  onLeave: (direction: 'forward' | 'backward') => void;
}): ReactNode {
  const {client, ui} = useLab();
  const {controllerRef, open, height, screenReader, focusRequest} = props;
  const onLeaveRef = useRef(props.onLeave);
  onLeaveRef.current = props.onLeave;
  const hostRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  const focusedRequest = useRef(0);

  useEffect(() => {
    let cancelled = false;
    import('./xterm')
      .then(({mountTerminal}) => {
        if (cancelled || !hostRef.current) return;
        controllerRef.current = mountTerminal(hostRef.current, {
          client,
          screenReader: ui.get().screenReader,
          onLeave: (direction) => onLeaveRef.current(direction),
          describedBy: KEYS_HINT_ID,
        });
        setState('ready');
      })
      .catch(() => {
        if (!cancelled) setState('failed');
      });
    return () => {
      cancelled = true;
      controllerRef.current?.dispose();
      controllerRef.current = null;
    };
  }, [client, ui, controllerRef]);

  useEffect(() => {
    controllerRef.current?.setScreenReader(screenReader);
  }, [controllerRef, screenReader, state]);

  useEffect(() => {
    if (open) controllerRef.current?.fit();
  }, [controllerRef, open, height, state]);

  useEffect(() => {
    if (state !== 'ready' || focusRequest === focusedRequest.current) return;
    focusedRequest.current = focusRequest;
    controllerRef.current?.focus();
  }, [controllerRef, focusRequest, state]);

  return (
    <>
      {state === 'loading' && <p className={styles.loading}>Loading the terminal…</p>}
      {state === 'failed' && (
        <p className={styles.loading}>The terminal could not be loaded. Reload the page to try again.</p>
      )}
      <div ref={hostRef} className={styles.terminal} data-testid="lab-terminal" data-state={state} />
    </>
  );
}
