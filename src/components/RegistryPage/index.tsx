/**
 * The lab registry's page for the reader's images, in a lesson (the live replacement for the
 * original guide's Docker Hub screenshot). This wrapper is all the lesson page ships: the view
 * itself (./view.tsx) is fetched in the browser, after the page has loaded.
 */
import {lazy, Suspense, type ReactNode} from 'react';
import BrowserOnly from '@docusaurus/BrowserOnly';
import styles from './styles.module.css';

const RegistryView = lazy(() => import('./view'));

function Placeholder(): ReactNode {
  return (
    <div className={styles.root} data-testid="registry-page" data-state="loading">
      Loading the registry's page for your images…
    </div>
  );
}

export default function RegistryPage(): ReactNode {
  return (
    <BrowserOnly fallback={<Placeholder />}>
      {() => (
        <Suspense fallback={<Placeholder />}>
          <RegistryView />
        </Suspense>
      )}
    </BrowserOnly>
  );
}
