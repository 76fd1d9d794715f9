/**
 * "Skip to the lab terminal": the first stop of the Tab order on every page
 * (rendered by `src/theme/Root.tsx` before the page), shown when focused.
 * Same as the Alt+T shortcut: opens the dock and puts the keyboard in it.
 */
import type {ReactNode} from 'react';
import {useLab} from '@site/src/client/react';
import {TERMINAL_SHORTCUT_LABEL} from '@site/src/components/TerminalDock/keyboard';
import styles from './styles.module.css';

export default function SkipToTerminal(): ReactNode {
  const {ui} = useLab();
  return (
    <button type="button" className={styles.skip} data-testid="skip-to-terminal" onClick={() => ui.openDock(true)}>
      Skip to the lab terminal ({TERMINAL_SHORTCUT_LABEL})
    </button>
  );
}
