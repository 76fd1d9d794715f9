/**
 * The reader's onboarding progress: on the landing page in full (where you are,
 * what is next, time so far, each milestone with the time it was reached), and
 * in the open dock as one line. Milestones are ticked by the server after it has
 * checked the real event (src/client/progress.ts, server/src/progress/); there is
 * nothing here to click.
 */
import {useEffect, useState, type ReactNode} from 'react';
import Link from '@docusaurus/Link';
import {useLabUi} from '@site/src/client/react';
import {useReaderProgress} from '@site/src/client/progress';
import {countDone, formatElapsed, MILESTONES, nextMilestone, timeSoFar} from '@site/src/protocol/progress';
import styles from './styles.module.css';

/** `Date.now()`, refreshed every `ms` (client only: 0 during server rendering). */
function useNow(ms: number): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

const clock = (t: number) => new Date(t).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'});

export default function ProgressPanel({variant}: {variant: 'landing' | 'dock'}): ReactNode {
  const mine = useReaderProgress();
  const {dockOpen} = useLabUi();
  const now = useNow(15_000);
  if (!mine || !now) return null;
  const {progress} = mine;
  const {done, total} = countDone(progress);
  const next = nextMilestone(progress);
  const elapsed = formatElapsed(timeSoFar(progress, now));

  if (variant === 'dock') {
    if (!dockOpen) return null;
    return (
      <div
        className={styles.dock}
        data-testid="progress-dock"
        data-done={MILESTONES.filter((m) => progress.done[m.id]).map((m) => m.id).join(' ')}
        role="group"
        aria-label="Your progress">
        <span>
          Progress <strong data-testid="progress-count">{done}/{total}</strong>
        </span>
        {next && (
          <span>
            Next: <Link to={`/docs/${next.lesson}`}>{next.title}</Link>
          </span>
        )}
        <span>Time so far {elapsed}</span>
      </div>
    );
  }

  const last = [...MILESTONES].filter((m) => progress.done[m.id]).sort((a, b) => progress.done[b.id]! - progress.done[a.id]!)[0];
  return (
    <section className={styles.landing} aria-labelledby="progress-heading" data-testid="progress-landing">
      <div className="container">
        <h2 id="progress-heading" className={styles.heading}>
          Your progress, {mine.name}
        </h2>
        <p className={styles.summary}>
          <span data-testid="progress-where">
            {last ? (
              <>
                You are at <strong>{last.title.toLowerCase()}</strong> ({done} of {total} done).
              </>
            ) : (
              <>Nothing done yet.</>
            )}
          </span>{' '}
          {next ? (
            <span data-testid="progress-next">
              Next: <Link to={`/docs/${next.lesson}`}>{next.hint}</Link>.
            </span>
          ) : (
            <span data-testid="progress-next">All done, the optional one included.</span>
          )}{' '}
          <span data-testid="progress-time">Time so far: {elapsed}.</span>
        </p>
        <ol className={styles.list}>
          {MILESTONES.map((m) => {
            const t = progress.done[m.id];
            return (
              <li key={m.id} className={t ? styles.done : styles.todo} data-milestone={m.id} data-done={t ? 'true' : 'false'}>
                <span className={styles.mark} aria-hidden="true">
                  {t ? '✓' : '○'}
                </span>
                <span className="lab-visually-hidden">{t ? 'Done: ' : 'Not yet: '}</span>
                {m.title}
                {m.optional && <span className={styles.optional}> (optional)</span>}
                {t && <span className={styles.time}> · {clock(t)}</span>}
              </li>
            );
          })}
        </ol>
        <p className={styles.note}>Each step is ticked by the lab server when it sees it happen in the engine or the registry.</p>
      </div>
    </section>
  );
}
