/**
 * /cohort: the onboarding session's overview for whoever runs the lab (behind
 * the admin token). Not linked from the lessons; the operators' page explains it.
 */
import type {ReactNode} from 'react';
import Head from '@docusaurus/Head';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import BrowserOnly from '@docusaurus/BrowserOnly';
import CohortView from '@site/src/components/CohortView';

export default function Cohort(): ReactNode {
  return (
    <Layout title="Cohort" description="The lab's readers and their onboarding progress (for whoever runs the lab).">
      <Head>
        <meta name="robots" content="noindex" />
      </Head>
      <main className="container margin-vert--lg">
        <Heading as="h1">Cohort</Heading>
        <p>
          Every reader of this lab, the steps of the guide each has reached (checked by the lab server in the engine and
          the registry) and when, their last activity and the disk their images use; below, the engines readers are placed
          on, their load, and Drain/Undrain. It updates live. See{' '}
          <Link to="/docs/operators#running-an-onboarding-session">Running an onboarding session</Link>.
        </p>
        <BrowserOnly fallback={<p>Loading…</p>}>{() => <CohortView />}</BrowserOnly>
      </main>
    </Layout>
  );
}
