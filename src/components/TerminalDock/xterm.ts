/**
 * The xterm.js side of the dock. Only ever loaded with `import()` by
 * `./index.tsx` when the dock is first opened, so a lesson page that is only
 * read never fetches xterm. Everything here needs a DOM; the session logic it
 * talks to (`LabSessionClient`) does not.
 */
import {Terminal, type ITheme} from '@xterm/xterm';
import {FitAddon} from '@xterm/addon-fit';
import {Unicode11Addon} from '@xterm/addon-unicode11';
import '@xterm/xterm/css/xterm.css';
import type {LabSessionClient} from '@site/src/client/session';
import {isSoftwareGl, useWebgl} from './renderer';
import {registerTermLinks} from './links';

export interface TerminalController {
  fit(): void;
  /** Whether the keyboard focus is in the terminal. */
  hasFocus(): boolean;
  /**
   * A command started: remember where its output begins, and empty xterm's screen-reader
   * live region, which otherwise keeps the whole session's text and soon only says
   * "Too much output to announce".
   */
  commandStarted(): void;
  /** The last `n` non-blank lines printed since commandStarted(). */
  lastLines(n: number): string[];
  clear(): void;
  focus(): void;
  setScreenReader(on: boolean): void;
  /** 'webgl' or 'dom' (for the header's tooltip and for tests). */
  renderer(): 'webgl' | 'dom';
  dispose(): void;
}

/** How long an Escape waits for a Tab (leaving the terminal) before it is typed. */
const ESCAPE_HOLD_MS = 300;
const MODIFIER_KEYS = ['Shift', 'Control', 'Alt', 'Meta'];

/** Every ANSI colour at least 4.5:1 on the background (xterm's default red #cd3131 is 3.1:1 here). */
const DARK: ITheme = {
  background: '#1b1b1d',
  foreground: '#e3e3e3',
  cursor: '#25c2a0',
  cursorAccent: '#1b1b1d',
  selectionBackground: 'rgba(37, 194, 160, 0.35)',
  black: '#8b8b8b',
  red: '#ff6b6b',
  green: '#4ec98a',
  yellow: '#e5c07b',
  blue: '#6cb6ff',
  magenta: '#d38cf5',
  cyan: '#56c8d8',
  white: '#e3e3e3',
  brightBlack: '#9d9d9d',
  brightRed: '#ff8e8e',
  brightGreen: '#7ee2a8',
  brightYellow: '#f0d399',
  brightBlue: '#96cbff',
  brightMagenta: '#e2b0fa',
  brightCyan: '#8ad9e4',
  brightWhite: '#ffffff',
};

/** GitHub's light terminal colours: xterm's default palette is made for dark backgrounds. */
const LIGHT: ITheme = {
  background: '#f6f8fa',
  foreground: '#1c1e21',
  cursor: '#2e8555',
  cursorAccent: '#f6f8fa',
  selectionBackground: 'rgba(46, 133, 85, 0.25)',
  black: '#24292f',
  red: '#cf222e',
  green: '#116329',
  yellow: '#4d2d00',
  blue: '#0969da',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#57606a',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#0550ae',
  brightMagenta: '#6639ba',
  brightCyan: '#1b6d75',
  brightWhite: '#424a53',
};

function currentTheme(): ITheme {
  return document.documentElement.dataset.theme === 'dark' ? DARK : LIGHT;
}

/** The whole buffer as plain text: wrapped rows joined, trailing spaces and blank ends trimmed. */
export function bufferText(term: Terminal): string {
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buf.length; i++) {
    const line = buf.getLine(i);
    if (!line) continue;
    const text = line.translateToString(false);
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}

function copyText(text: string): void {
  if (!text) return;
  const fallback = () => {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    try {
      document.execCommand('copy');
    } finally {
      ta.remove();
    }
  };
  if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).catch(fallback);
  else fallback();
}

/**
 * Ctrl+V (as well as Ctrl+Shift+V) pastes, as in most web pages and Windows
 * terminals: the key is left to the browser, which fires its paste event.
 * Bash's quoted-insert (^V) is not needed in this terminal.
 */
export function isPasteKey(e: Pick<KeyboardEvent, 'type' | 'ctrlKey' | 'altKey' | 'metaKey' | 'code'>): boolean {
  return e.type === 'keydown' && e.ctrlKey && !e.altKey && !e.metaKey && e.code === 'KeyV';
}

/** While the terminal has the focus, closing the tab (Ctrl-W for bash-trained fingers) asks first. */
function confirmLeave(e: BeforeUnloadEvent): void {
  e.preventDefault();
  // Older browsers show the prompt only when returnValue is set.
  e.returnValue = '';
}

/** WebGL 2 and whether it is drawn in software (the probe's context is released at once). */
function webgl2Probe(): {webgl2: boolean; software: boolean} {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return {webgl2: false, software: false};
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return {webgl2: true, software: isSoftwareGl(name)};
  } catch {
    return {webgl2: false, software: false};
  }
}

export function mountTerminal(
  el: HTMLElement,
  options: {
    client: LabSessionClient;
    screenReader: boolean;
    /** Escape then Tab (or Shift+Tab), or F6: the reader leaves the terminal. */
    onLeave: (direction: 'forward' | 'backward') => void;
    /** Id of an element describing how to leave (set as the input's aria-describedby). */
    describedBy?: string;
  },
): TerminalController {
  const {client, onLeave} = options;
  const mono = getComputedStyle(document.documentElement)
    .getPropertyValue('--ifm-font-family-monospace')
    .trim();
  const term = new Terminal({
    fontFamily: mono || 'monospace',
    fontSize: 13,
    lineHeight: 1.15,
    scrollback: 5000,
    cursorBlink: true,
    screenReaderMode: options.screenReader,
    theme: currentTheme(),
    // WCAG AA for every colour the output uses, dim text included: xterm lightens or darkens
    // a foreground that is too close to its background.
    minimumContrastRatio: 4.5,
    rightClickSelectsWord: false,
    // `term.unicode` (for the Unicode 11 widths) is a proposed API.
    allowProposedApi: true,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  // Unicode 11 widths (emoji and CJK take two columns), as the server's line editor counts them.
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  term.open(el);
  // The host shows around the character grid: give it the terminal's own background.
  const paintHost = () => {
    el.style.backgroundColor = term.options.theme?.background ?? '';
  };
  paintHost();

  // Renderer: WebGL when the browser has it, else (or when its context is lost) xterm's DOM renderer.
  let renderer: 'webgl' | 'dom' = 'dom';
  let disposed = false;
  let webgl: {dispose(): void} | null = null;
  const gl = webgl2Probe();
  if (useWebgl(window.devicePixelRatio, gl.webgl2, gl.software)) {
    import('@xterm/addon-webgl')
      .then(({WebglAddon}) => {
        if (disposed) return;
        try {
          const addon = new WebglAddon();
          addon.onContextLoss(() => {
            addon.dispose();
            webgl = null;
            renderer = 'dom';
            el.dataset.renderer = renderer;
          });
          term.loadAddon(addon);
          webgl = addon;
          renderer = 'webgl';
        } catch {
          renderer = 'dom';
        }
        el.dataset.renderer = renderer;
      })
      .catch(() => {
        /* stay on the DOM renderer */
      });
  }
  el.dataset.renderer = renderer;

  const doFit = () => {
    if (disposed || el.offsetWidth === 0 || el.offsetHeight === 0) return;
    try {
      fit.fit();
    } catch {
      /* not measurable yet */
    }
  };
  let frame = 0;
  const ro = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(doFit);
  });
  ro.observe(el);
  doFit();

  const subs = [
    term.onResize(({cols, rows}) => {
      el.dataset.cols = String(cols);
      client.resize(cols, rows);
    }),
    term.onData((data) => {
      client.input(data);
    }),
  ];
  // Terms and refusals in the output link to the terminology and troubleshooting pages.
  subs.push(registerTermLinks(term));
  client.resize(term.cols, term.rows);
  el.dataset.cols = String(term.cols);
  const detach = client.attachSink({write: (data, drawn) => term.write(data, drawn)});

  // Light / dark: Docusaurus flips <html data-theme>.
  const themeObserver = new MutationObserver(() => {
    term.options.theme = currentTheme();
    paintHost();
  });
  themeObserver.observe(document.documentElement, {attributes: true, attributeFilter: ['data-theme']});

  if (options.describedBy) term.textarea?.setAttribute('aria-describedby', options.describedBy);

  // The way out (WCAG 2.1.2): Escape arms the next Tab or Shift+Tab to leave the terminal instead of
  // being typed. F6 leaves at once. Escape itself is typed too (a container's vi or shell needs it),
  // but held until the next key or ESCAPE_HOLD_MS: when Tab follows, the reader is leaving and nothing
  // is typed (a shell would otherwise read the first key after their return as Alt+key).
  let leaveArmed = false;
  let heldEscape: ReturnType<typeof setTimeout> | null = null;
  const dropEscape = (): boolean => {
    if (!heldEscape) return false;
    clearTimeout(heldEscape);
    heldEscape = null;
    return true;
  };
  const typeHeldEscape = () => {
    if (dropEscape()) client.input('\x1b');
  };
  // Ctrl-Shift-C copies the selection; Ctrl+V and Ctrl-Shift-V let the browser fire its paste event
  // (xterm pastes it) instead of sending ^V (see isPasteKey).
  term.attachCustomKeyEventHandler((e) => {
    const modifierOnly = MODIFIER_KEYS.includes(e.key);
    if (isPasteKey(e)) {
      if (e.type === 'keydown') typeHeldEscape(); // the paste comes after the Escape typed before it
      return false;
    }
    if (e.type === 'keydown' && !e.ctrlKey && !e.altKey && !e.metaKey) {
      if (e.key === 'Escape') {
        typeHeldEscape(); // a second Escape: the first was typed
        leaveArmed = true;
        heldEscape = setTimeout(typeHeldEscape, ESCAPE_HOLD_MS);
        e.preventDefault();
        return false;
      }
      if (e.key === 'F6' || (leaveArmed && e.key === 'Tab')) {
        leaveArmed = false;
        dropEscape();
        e.preventDefault();
        onLeave(e.shiftKey ? 'backward' : 'forward');
        return false;
      }
      if (!modifierOnly) leaveArmed = false;
    }
    // Any other key: the held Escape goes first.
    if (e.type === 'keydown' && !modifierOnly) typeHeldEscape();
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return true;
    if (e.code === 'KeyC') {
      if (term.hasSelection()) copyText(term.getSelection());
      e.preventDefault();
      return false;
    }
    return true;
  });

  // Ctrl-W deletes the previous word here, as in bash (xterm sends ^W and cancels the key). Browsers
  // keep Ctrl-W as "close tab" for themselves (Chrome and Edge always, Firefox mostly), so while the
  // terminal has the focus the page asks before it is closed, where the browser lets it ask.
  const textarea = term.textarea;
  const onFocus = () => window.addEventListener('beforeunload', confirmLeave);
  const onBlur = () => window.removeEventListener('beforeunload', confirmLeave);
  textarea?.addEventListener('focus', onFocus);
  textarea?.addEventListener('blur', onBlur);
  // Right click with a selection copies it (like most terminals); without one the browser menu opens.
  const onContextMenu = (e: MouseEvent) => {
    if (!term.hasSelection()) return;
    e.preventDefault();
    copyText(term.getSelection());
  };
  el.addEventListener('contextmenu', onContextMenu);

  window.__labTerminalText = () => bufferText(term);

  // A swipe on the terminal scrolls its output, not the page (touch screens).
  let touchY: number | null = null;
  let touchRest = 0;
  const onTouchStart = (e: TouchEvent) => {
    touchY = e.touches.length === 1 ? e.touches[0]!.clientY : null;
    touchRest = 0;
  };
  const onTouchMove = (e: TouchEvent) => {
    if (touchY === null || e.touches.length !== 1) return;
    const y = e.touches[0]!.clientY;
    const rowHeight = el.offsetHeight / Math.max(1, term.rows);
    touchRest += touchY - y;
    touchY = y;
    const lines = Math.trunc(touchRest / rowHeight);
    if (lines !== 0) {
      term.scrollLines(lines);
      touchRest -= lines * rowHeight;
    }
    e.preventDefault();
  };
  el.addEventListener('touchstart', onTouchStart, {passive: true});
  el.addEventListener('touchmove', onTouchMove, {passive: false});

  let commandStart = 0;

  return {
    fit: doFit,
    commandStarted() {
      const buf = term.buffer.active;
      commandStart = buf.baseY + buf.cursorY;
      el.querySelector('.live-region')?.replaceChildren();
    },
    lastLines(n) {
      const buf = term.buffer.active;
      const lines: string[] = [];
      for (let i = buf.length - 1; i > commandStart && lines.length < n; i--) {
        const text = buf.getLine(i)?.translateToString(true).trim();
        if (text) lines.unshift(text);
      }
      return lines;
    },
    hasFocus: () => !!term.textarea && document.activeElement === term.textarea,
    clear: () => term.clear(),
    focus: () => term.focus(),
    setScreenReader(on) {
      term.options.screenReaderMode = on;
    },
    renderer: () => renderer,
    dispose() {
      disposed = true;
      dropEscape();
      cancelAnimationFrame(frame);
      ro.disconnect();
      themeObserver.disconnect();
      el.removeEventListener('contextmenu', onContextMenu);
      textarea?.removeEventListener('focus', onFocus);
      textarea?.removeEventListener('blur', onBlur);
      onBlur();
      el.removeEventListener('touchstart', onTouchStart);
      el.removeEventListener('touchmove', onTouchMove);
      detach();
      for (const s of subs) s.dispose();
      webgl?.dispose();
      term.dispose();
      window.__labTerminalText = () => '';
    },
  };
}
