/**
 * Keyboard ways into and out of the docked terminal (WCAG 2.1.1, 2.1.2):
 * Alt+T from anywhere goes to the terminal, and from the terminal back to
 * where the reader was; in the terminal, Escape then Tab (or F6) leaves it.
 */

/** As shown to readers (the docs and the dock header say the same). */
export const TERMINAL_SHORTCUT_LABEL = 'Alt+T';

/** Alt+T (Option+T on a Mac: by key position, so the Option character does not matter). */
export function isTerminalShortcut(e: Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code'>): boolean {
  return e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.code === 'KeyT';
}

/** Remembers the last element focused outside the dock, to go back to it when the reader leaves the terminal. */
export class PageFocus {
  private last: HTMLElement | null = null;

  constructor(private readonly isInDock: (el: Element) => boolean) {}

  onFocusIn = (e: FocusEvent): void => {
    const t = e.target;
    if (t instanceof HTMLElement && t !== document.body && !this.isInDock(t)) this.last = t;
  };

  /** Focus the remembered element if it is still on the page, else the page's main content. */
  restore(): void {
    const last = this.last;
    if (last && last.isConnected && !last.matches(':disabled') && last.offsetParent !== null) {
      last.focus();
      if (document.activeElement === last) return;
    }
    const main =
      document.getElementById('__docusaurus_skipToContent_fallback') ?? document.querySelector<HTMLElement>('main');
    if (main) {
      if (!main.hasAttribute('tabindex')) main.setAttribute('tabindex', '-1');
      main.focus();
    }
  }
}
