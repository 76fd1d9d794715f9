/**
 * Root wrapper (the documented place for state that survives navigation):
 * the lab session provider, the "skip to the lab terminal" button first in
 * the Tab order, and the terminal dock after the page.
 */
import type {ReactNode} from 'react';
import {LabProvider} from '@site/src/client/react';
import SkipToTerminal from '@site/src/components/SkipToTerminal';
import TerminalDock from '@site/src/components/TerminalDock';

export default function Root({children}: {children: ReactNode}): ReactNode {
  return (
    <LabProvider>
      <SkipToTerminal />
      {children}
      <TerminalDock />
    </LabProvider>
  );
}
