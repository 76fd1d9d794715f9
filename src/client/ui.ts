/**
 * Page-side state that is not the session itself: the reader's preferences
 * (registry, screen-reader mode, dock height; kept in localStorage), the
 * dock (open / collapsed / never opened), and Dockerfile edits by lesson
 * context (kept in memory for the tab, so they survive navigation but not a
 * reload). Plain TS; the React layer subscribes to it.
 */
import {REGISTRY_CHOICES, type RegistryChoice} from './placeholders';

export interface DockerfileEdit {
  /** The reader's text, or null while it is the lesson's own. */
  text: string | null;
  /** The editor is open. */
  editing: boolean;
}

export interface UiState {
  registry: RegistryChoice;
  screenReader: boolean;
  /** Height of the open dock in CSS pixels. */
  dockHeight: number;
  /** The dock has been opened once in this tab (xterm is loaded from then on). */
  dockActivated: boolean;
  dockOpen: boolean;
  /** Runnable blocks mounted on the current page (the dock bar shows while > 0). */
  runnableOnPage: number;
  /** Bumped when the terminal should take the keyboard focus. */
  focusRequest: number;
  edits: Readonly<Record<string, DockerfileEdit>>;
}

export const DEFAULT_DOCK_HEIGHT = 300;
export const MIN_DOCK_HEIGHT = 120;

export const INITIAL_UI: UiState = Object.freeze({
  registry: 'lab',
  screenReader: false,
  dockHeight: DEFAULT_DOCK_HEIGHT,
  dockActivated: false,
  dockOpen: false,
  runnableOnPage: 0,
  focusRequest: 0,
  edits: Object.freeze({}),
}) as UiState;

export interface PrefStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEYS = {
  registry: 'docker-lab.registry',
  screenReader: 'docker-lab.screen-reader',
  dockHeight: 'docker-lab.dock-height',
} as const;

export class LabUi {
  private state: UiState = INITIAL_UI;
  private readonly listeners = new Set<() => void>();
  private storage: PrefStorage | null = null;

  get = (): UiState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private set(patch: Partial<UiState>): void {
    this.state = {...this.state, ...patch};
    for (const l of [...this.listeners]) l();
  }

  /** Read saved preferences (call once, in the browser, after hydration). */
  loadPrefs(storage: PrefStorage | null): void {
    this.storage = storage;
    if (!storage) return;
    const patch: Partial<UiState> = {};
    try {
      const registry = storage.getItem(KEYS.registry);
      if (registry && (REGISTRY_CHOICES as readonly string[]).includes(registry)) {
        patch.registry = registry as RegistryChoice;
      }
      patch.screenReader = storage.getItem(KEYS.screenReader) === 'on';
      const h = Number(storage.getItem(KEYS.dockHeight));
      if (Number.isFinite(h) && h >= MIN_DOCK_HEIGHT) patch.dockHeight = Math.round(h);
    } catch {
      /* storage disabled */
    }
    this.set(patch);
  }

  private save(key: string, value: string): void {
    try {
      this.storage?.setItem(key, value);
    } catch {
      /* quota or disabled: preferences just do not stick */
    }
  }

  setRegistry = (registry: RegistryChoice): void => {
    this.set({registry});
    this.save(KEYS.registry, registry);
  };

  setScreenReader = (on: boolean): void => {
    this.set({screenReader: on});
    this.save(KEYS.screenReader, on ? 'on' : 'off');
  };

  setDockHeight = (px: number, persist = true): void => {
    const dockHeight = Math.max(MIN_DOCK_HEIGHT, Math.round(px));
    this.set({dockHeight});
    if (persist) this.save(KEYS.dockHeight, String(dockHeight));
  };

  /** Open the dock (first time: loads the terminal). `focus` moves the keyboard into it. */
  openDock = (focus = false): void => {
    this.set({
      dockActivated: true,
      dockOpen: true,
      focusRequest: focus ? this.state.focusRequest + 1 : this.state.focusRequest,
    });
  };

  collapseDock = (): void => {
    this.set({dockOpen: false});
  };

  toggleDock = (): void => {
    if (this.state.dockOpen) this.collapseDock();
    else this.openDock(true);
  };

  /** A runnable block mounted; returns its unregister function. */
  registerBlock = (): (() => void) => {
    this.set({runnableOnPage: this.state.runnableOnPage + 1});
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.set({runnableOnPage: Math.max(0, this.state.runnableOnPage - 1)});
    };
  };

  editOf(context: string): DockerfileEdit {
    return this.state.edits[context] ?? NO_EDIT;
  }

  setEdit = (context: string, patch: Partial<DockerfileEdit>): void => {
    this.set({edits: {...this.state.edits, [context]: {...this.editOf(context), ...patch}}});
  };
}

const NO_EDIT: DockerfileEdit = Object.freeze({text: null, editing: false}) as DockerfileEdit;
export {NO_EDIT};
