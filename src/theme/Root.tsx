/**
 * Root wrapper (the documented place for state that survives navigation):
 * the lab session provider, and the terminal dock after the page.
 */
import type {ReactNode} from 'react';
import {LabProvider} from '@site/src/client/react';
import TerminalDock from '@site/src/components/TerminalDock';

export default function Root({children}: {children: ReactNode}): ReactNode {
  return (
    <LabProvider>
      {children}
      <TerminalDock />
    </LabProvider>
  );
}
