/**
 * React bindings for the lab session: `<LabProvider>` (mounted once in
 * `src/theme/Root.tsx`, so the socket, the terminal and the edits survive
 * navigation) and the hooks the components use.
 *
 * Nothing here touches `window` during render: the client connects from
 * effects, and server rendering sees the initial snapshots.
 */
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import {WS_PATH, type BuiltImageView} from '../protocol';
import {LabSessionClient, type BlockRun, type SessionSnapshot, type SocketLike} from './session';
import {INITIAL_UI, LabUi, NO_EDIT, type DockerfileEdit, type UiState} from './ui';
import {DEFAULT_LAB_REGISTRY, resolvePlaceholders, type ResolveOptions} from './placeholders';
import {playerFor} from './playback/player';

declare global {
  interface Window {
    /** For end-to-end tests: the terminal's buffer as plain text (all lines, trimmed). */
    __labTerminalText?: () => string;
  }
}

export interface Lab {
  client: LabSessionClient;
  ui: LabUi;
}

const LabContext = createContext<Lab | null>(null);

function socketUrl(): string {
  const {protocol, host} = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${WS_PATH}`;
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function LabProvider({children}: {children: ReactNode}): ReactNode {
  const [lab] = useState<Lab>(() => ({
    client: new LabSessionClient({
      url: socketUrl,
      // The browser's WebSocket has the shape of SocketLike; its handler types are just narrower.
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    }),
    ui: new LabUi(),
  }));

  useEffect(() => {
    lab.ui.loadPrefs(safeLocalStorage());
    if (!window.__labTerminalText) window.__labTerminalText = () => '';
    const retry = () => lab.client.retryNow();
    const onVisible = () => {
      if (document.visibilityState === 'visible') retry();
    };
    window.addEventListener('online', retry);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', retry);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [lab]);

  return <LabContext.Provider value={lab}>{children}</LabContext.Provider>;
}

/** The session client and the UI store. */
export function useLab(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('useLab() must be used inside <LabProvider> (src/theme/Root.tsx)');
  return lab;
}

const serverSessionSnapshot = (): SessionSnapshot => LabSessionClient.initialSnapshot;
const serverUiSnapshot = (): UiState => INITIAL_UI;

/** Connection state, SessionInfo, block runs, running command. */
export function useLabSession(): SessionSnapshot {
  const {client} = useLab();
  return useSyncExternalStore(client.subscribe, client.getSnapshot, serverSessionSnapshot);
}

/** Preferences, dock state, Dockerfile edits. */
export function useLabUi(): UiState {
  const {ui} = useLab();
  return useSyncExternalStore(ui.subscribe, ui.get, serverUiSnapshot);
}

const IDLE_RUN: BlockRun = Object.freeze({state: 'idle'}) as BlockRun;

/** The last run of one block. */
export function useBlockRun(blockId: string): BlockRun {
  return useLabSession().blocks[blockId] ?? IDLE_RUN;
}

/** The image the last build of lesson `context` made, if any (this tab's session). */
export function useBuiltImage(context: string | undefined): BuiltImageView | undefined {
  const images = useLabSession().builtImages;
  return context ? images?.[context] : undefined;
}

/** What the placeholders resolve against: the reader's registry choice and the server's logins. */
export function useResolveOptions(): ResolveOptions {
  const {registry} = useLabUi();
  const {session} = useLabSession();
  // No server has answered: the names the recordings were made with (src/client/playback), so a
  // block shows what its recording shows.
  const {client} = useLab();
  const player = playerFor(client);
  const recorded = useSyncExternalStore(player.subscribe, () => player.get().manifest, () => null);
  const labRegistry = session?.labRegistry || recorded?.registry || DEFAULT_LAB_REGISTRY;
  const logins = session?.logins;
  const readerName = session?.reader?.name ?? (session ? null : recorded?.username ?? null);
  return useMemo(
    () => ({registry, labRegistry, logins: logins ?? {}, readerName}),
    [registry, labRegistry, logins, readerName],
  );
}

/** `(text) => text with <registry>/<username> replaced`, for what is shown and what is sent. */
export function useResolver(): (text: string) => string {
  const opts = useResolveOptions();
  return useMemo(() => (text: string) => resolvePlaceholders(text, opts), [opts]);
}

/** The reader's edit of a lesson context's Dockerfile (kept for the tab's lifetime). */
export function useDockerfileEdit(context: string | undefined): DockerfileEdit {
  const {edits} = useLabUi();
  return (context && edits[context]) || NO_EDIT;
}

/** Connect the session when a component that needs it mounts (blocks, the dock). */
export function useEnsureConnected(enabled = true): void {
  const {client} = useLab();
  useEffect(() => {
    if (enabled) client.ensureConnected();
  }, [client, enabled]);
}

/** How long the text of a Dockerfile being edited settles before it is sent. */
const CONTEXT_DEBOUNCE_MS = 400;

/**
 * Keep the server's copy of lesson `context`'s Dockerfile equal to `text`, the
 * one shown on the page: sent when the block mounts, then (debounced while the
 * reader types) whenever it changes. This only registers the text: the
 * session's lesson changes when a block runs, never because a block was
 * mounted or scrolled into view.
 */
export function useLessonDockerfile(context: string | undefined, text: string): void {
  const {client} = useLab();
  const first = useRef(true);
  useEffect(() => {
    if (!context) return undefined;
    if (first.current) {
      first.current = false;
      client.setContext(context, text);
      return undefined;
    }
    const t = setTimeout(() => client.setContext(context, text), CONTEXT_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [client, context, text]);
}
