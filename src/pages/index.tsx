import type {ReactNode} from 'react';
import clsx from 'clsx';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import ProgressPanel from '@site/src/components/ProgressPanel';

import styles from './index.module.css';

type Step = {
  title: string;
  time: string;
  text: string;
};

const STEPS: Step[] = [
  {
    title: 'Write',
    time: '10 min',
    text: 'A Dockerfile: start from a base image and add what your project needs.',
  },
  {
    title: 'Build',
    time: 'seconds',
    text: 'Turn it into an image, and learn to read what the build prints.',
  },
  {
    title: 'Log in',
    time: 'seconds',
    text: 'Sign in to a registry: the lab’s own, or Docker Hub on your machine.',
  },
  {
    title: 'Push',
    time: 'seconds',
    text: 'Upload the image, so any machine (and Kubernetes) can pull and run it.',
  },
];

function Hero(): ReactNode {
  return (
    <header className={clsx('hero', styles.hero)}>
      <div className="container">
        <Heading as="h1" className={styles.title}>
          Docker Lab
        </Heading>
        <p className={styles.pitch}>
          The lab’s Docker guide for new members, and you run it as you read.
          In about 25 minutes you write a Dockerfile, build an image, log in to a
          registry and push your image there, with real commands on a real Docker
          Engine, from the page itself. No installation, no account needed.
        </p>
        <div className={styles.actions}>
          <Link className="button button--primary button--lg" to="/docs">
            Start the guide
          </Link>
        </div>
      </div>
    </header>
  );
}

function Steps(): ReactNode {
  return (
    <section className={styles.stepsSection} aria-labelledby="steps-heading">
      <div className="container">
        <Heading as="h2" id="steps-heading" className={styles.stepsHeading}>
          Four steps
        </Heading>
        <ol className={styles.steps}>
          {STEPS.map((step, i) => (
            <li key={step.title} className={styles.step}>
              <span className={styles.stepNumber} aria-hidden="true">
                {i + 1}
              </span>
              <div>
                <Heading as="h3" className={styles.stepTitle}>
                  {step.title}
                </Heading>
                <p className={styles.stepTime}>
                  <span className="lab-visually-hidden">Time: </span>
                  {step.time}
                </p>
                <p className={styles.stepText}>{step.text}</p>
              </div>
            </li>
          ))}
        </ol>
        <p className={styles.note}>
          The terminal on these pages runs against the lab’s own Docker Engine and
          local registry (demo login <code>student</code> /{' '}
          <code>docker-lab</code>). On your own machine you would use Docker Hub.
        </p>
      </div>
    </section>
  );
}

export default function Home(): ReactNode {
  return (
    <Layout
      title="Learn Docker by running it"
      description="The lab's Docker guide for new members: write a Dockerfile, build an image, log in and push it, with commands that run for real from the page.">
      <Hero />
      <main>
        {/* The reader's own progress, once they have a lab name (src/components/ProgressPanel) */}
        <ProgressPanel variant="landing" />
        <Steps />
      </main>
    </Layout>
  );
}
