/**
 * The reader's row in the terminal dock: choose a lab name (the first Run
 * waits for it), then the name, the disk the reader's images use, and the lab
 * password (show, copy, regenerate) for `docker login` to the lab registry.
 */
import {useEffect, useRef, useState, useSyncExternalStore, type FormEvent, type ReactNode} from 'react';
import {useLab, useLabSession, useLabUi} from '@site/src/client/react';
import {formatSize, sharedReaderClient as readerClient, type ReaderState} from '@site/src/client/reader';
import styles from './styles.module.css';

const SERVER_STATE: ReaderState = {reader: undefined, password: null, error: null, busy: false, notice: null};

export default function ReaderPanel(): ReactNode {
  const {client, ui} = useLab();
  const readers = readerClient();
  const state = useSyncExternalStore(readers.subscribe, readers.get, () => SERVER_STATE);
  const {session, connection} = useLabSession();
  const {dockOpen} = useLabUi();
  const [asked, setAsked] = useState(false);
  const [name, setName] = useState('');
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const restartedFor = useRef<string | null>(null);
  /** Where the keyboard was when a Run asked for a name (its button): it goes back there after. */
  const returnFocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    void readers.refresh();
  }, [readers]);

  // A Run waits for a lab name: open the dock and ask for one.
  useEffect(() => {
    client.setRunGate(() => {
      const r = readers.get().reader;
      if (r !== null) return true; // a reader, or no answer from the server (nothing to wait for)
      const active = document.activeElement;
      if (active instanceof HTMLElement && active !== document.body) returnFocus.current = active;
      ui.openDock(false);
      setAsked(true);
      return false;
    });
    return () => client.setRunGate(null);
  }, [client, readers, ui]);

  useEffect(() => {
    if (asked && state.reader === null) inputRef.current?.focus();
  }, [asked, state.reader]);

  // The terminal's session must be the reader's: after choosing a name (or one chosen in another tab).
  useEffect(() => {
    const r = state.reader;
    if (!r || connection !== 'online' || !session || session.reader?.name === r.name) return;
    if (restartedFor.current === r.name) return;
    restartedFor.current = r.name;
    client.restartSession(`You are ${r.name} in this lab: a new terminal session starts under that name.`);
  }, [state.reader, session, connection, client]);

  const onChoose = async (e: FormEvent) => {
    e.preventDefault();
    if (!(await readers.choose(name))) return; // refused: the form says why, the focus stays in it
    returnFocus.current?.focus();
    returnFocus.current = null;
  };

  const onCopy = async () => {
    if (!state.password) return;
    try {
      await navigator.clipboard.writeText(state.password);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };

  // In the open dock only: collapsed, the dock is one bar (a Run waiting for a name opens it).
  if (state.reader === undefined || !dockOpen) return null;

  if (state.reader === null) {
    return (
      <form className={styles.panel} onSubmit={(e) => void onChoose(e)} data-testid="reader-form">
        <label className={styles.field}>
          <span>{asked ? 'Choose your lab name to run this: ' : 'Your lab name: '}</span>
          <input
            ref={inputRef}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. alice"
            minLength={2}
            maxLength={30}
            autoComplete="off"
            spellCheck={false}
            aria-describedby="reader-name-help"
            data-testid="reader-name"
          />
        </label>
        <button type="submit" className={styles.btn} disabled={state.busy} data-testid="reader-choose">
          Use this name
        </button>
        <span id="reader-name-help" className={styles.help}>
          2–30 characters: lowercase letters, digits and . _ - (it becomes your namespace on the lab registry).
        </span>
        {state.error && (
          <span className={styles.error} role="alert" data-testid="reader-error">
            {state.error}
          </span>
        )}
      </form>
    );
  }

  const disk = session?.reader?.disk ?? state.reader.disk;
  return (
    <div className={styles.panel} data-testid="reader-panel">
      <span>
        Lab name <strong data-testid="reader-name-shown">{state.reader.name}</strong>
      </span>
      <span data-testid="reader-disk" title="Disk your images use in the lab's engine, and the limit per reader">
        Images {formatSize(disk.used)}
        {disk.limit ? ` of ${formatSize(disk.limit)}` : ''}
      </span>
      {state.reader.tokenAuth && (
        <span className={styles.password}>
          Lab password{' '}
          {state.password ? (
            <>
              <code data-testid="reader-password">{state.password}</code>
              <button type="button" className={styles.btn} onClick={() => void onCopy()} data-testid="reader-copy">
                {copied ? 'Copied' : 'Copy'}
              </button>
              <button type="button" className={styles.btn} onClick={() => readers.hidePassword()}>
                Hide
              </button>
            </>
          ) : (
            state.reader.passwordKnown && (
              <button type="button" className={styles.btn} onClick={() => void readers.showPassword()} data-testid="reader-show">
                Show
              </button>
            )
          )}
          <button
            type="button"
            className={styles.btn}
            disabled={state.busy}
            onClick={() => void readers.regenerate()}
            title="A new lab password; the old one stops working and you log in again"
            data-testid="reader-regenerate">
            Regenerate
          </button>
        </span>
      )}
      {state.error && (
        <span className={styles.error} role="alert">
          {state.error}
        </span>
      )}
      {state.notice && (
        <span className={styles.help} role="status" data-testid="reader-notice">
          {state.notice}
        </span>
      )}
    </div>
  );
}
