/**
 * The cohort view for whoever runs the lab: every reader, their milestones with
 * the time each was reached, last activity, disk use; live (server-sent events
 * from the admin API) and exportable as CSV. Asks for the admin token
 * (LAB_ADMIN_TOKEN), kept in this page's memory only.
 *
 * Sections: the readers' table here; the engines (placement, load, drain) in
 * EnginesSection.
 */
import {useCallback, useEffect, useState, type FormEvent, type ReactNode} from 'react';
import {AdminRefused, CohortClient} from '@site/src/client/cohort';
import {formatSize} from '@site/src/protocol/readers';
import {countDone, formatElapsed, type CohortSnapshot} from '@site/src/protocol/progress';
import EnginesSection from './EnginesSection';
import styles from './styles.module.css';

const time = (t: number) => new Date(t).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});

function ago(t: number, now: number): string {
  return `${formatElapsed(Math.max(0, now - t))} ago`;
}

function ReadersTable({snap}: {snap: CohortSnapshot}): ReactNode {
  if (!snap.readers.length) return <p data-testid="cohort-empty">No reader has chosen a lab name yet.</p>;
  return (
    // Wide: it scrolls sideways, and takes the keyboard focus to do so.
    <div className={styles.scroll} tabIndex={0} role="region" aria-label="Readers and their milestones">
      <table className={styles.table} data-testid="cohort-table">
        <thead>
          <tr>
            <th scope="col">Reader</th>
            <th scope="col">Done</th>
            {snap.milestones.map((m) => (
              <th scope="col" key={m.id} title={m.hint}>
                {m.title}
                {m.optional ? ' (optional)' : ''}
              </th>
            ))}
            <th scope="col">Last activity</th>
            <th scope="col">Disk</th>
            <th scope="col">Terminals</th>
          </tr>
        </thead>
        <tbody>
          {snap.readers.map((r) => {
            const {done, total} = countDone(r.progress);
            return (
              <tr key={r.name} data-reader={r.name}>
                <th scope="row">{r.name}</th>
                <td data-testid="cohort-count">
                  {done}/{total}
                </td>
                {snap.milestones.map((m) => {
                  const t = r.progress.done[m.id];
                  return (
                    <td key={m.id} data-milestone={m.id} data-done={t ? 'true' : 'false'} className={t ? styles.done : styles.todo}>
                      {t ? `✓ ${time(t)}` : '—'}
                    </td>
                  );
                })}
                <td title={new Date(r.lastSeen).toISOString()}>{ago(r.lastSeen, snap.generatedAt)}</td>
                <td>{formatSize(r.diskBytes)}</td>
                <td>{r.sessions}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export default function CohortView(): ReactNode {
  const [token, setToken] = useState('');
  const [client, setClient] = useState<CohortClient | null>(null);
  const [snap, setSnap] = useState<CohortSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const onRefused = useCallback((message: string) => {
    setError(message);
    setClient(null);
  }, []);

  useEffect(() => {
    if (!client) return undefined;
    const abort = new AbortController();
    let stopped = false;
    const run = async () => {
      // Live updates; after a dropped stream, again in a few seconds.
      while (!stopped) {
        try {
          setLive(true);
          await client.watch((s) => setSnap(s), abort.signal);
        } catch (err) {
          if (err instanceof AdminRefused) {
            setError(err.message);
            setClient(null);
            return;
          }
        }
        setLive(false);
        if (!stopped) await new Promise((r) => setTimeout(r, 3000));
      }
    };
    void run();
    return () => {
      stopped = true;
      abort.abort();
    };
  }, [client]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const c = new CohortClient(token.trim());
    try {
      setSnap(await c.snapshot());
      setError(null);
      setClient(c);
      setToken('');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const onCsv = async () => {
    if (!client) return;
    try {
      const url = URL.createObjectURL(await client.csv());
      const a = document.createElement('a');
      a.href = url;
      a.download = `docker-lab-cohort-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!client) {
    return (
      <form className={styles.form} onSubmit={(e) => void onSubmit(e)} data-testid="cohort-login">
        <label>
          Admin token (LAB_ADMIN_TOKEN){' '}
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} data-testid="cohort-token" required />
        </label>
        <button type="submit" className="button button--primary button--sm">
          Show the cohort
        </button>
        {error && (
          <p role="alert" className={styles.error} data-testid="cohort-error">
            {error}
          </p>
        )}
      </form>
    );
  }

  return (
    <div data-testid="cohort-view">
      <section aria-labelledby="cohort-readers">
        <div className={styles.bar}>
          <h2 id="cohort-readers">Readers {snap ? `(${snap.readers.length})` : ''}</h2>
          <span className={styles.status} data-testid="cohort-live" data-live={live ? 'true' : 'false'}>
            {live ? '● live' : '○ reconnecting…'}
          </span>
          <button type="button" className="button button--secondary button--sm" onClick={() => void onCsv()} data-testid="cohort-csv">
            Export CSV
          </button>
          <button type="button" className="button button--link button--sm" onClick={() => setClient(null)}>
            Forget the token
          </button>
        </div>
        {error && (
          <p role="alert" className={styles.error}>
            {error}
          </p>
        )}
        {snap && <ReadersTable snap={snap} />}
      </section>
      <EnginesSection client={client} onRefused={onRefused} />
    </div>
  );
}
