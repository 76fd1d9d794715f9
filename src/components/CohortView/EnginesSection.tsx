/**
 * The cohort page's Engines section: placement and load per engine of the pool
 * (GET /companion/admin/engines), refreshed every few seconds while the page is
 * open and after each change, with Drain/Undrain per engine (asks before draining).
 */
import {useCallback, useEffect, useState, type ReactNode} from 'react';
import {AdminRefused, type CohortClient} from '@site/src/client/cohort';
import type {EngineView} from '@site/src/protocol/engines';
import styles from './styles.module.css';

/** How often the section asks the server again. */
const REFRESH_MS = 4000;

function EngineRow({engine, busy, onDrain}: {engine: EngineView; busy: boolean; onDrain: (e: EngineView) => void}): ReactNode {
  const placed = engine.readers.length ? engine.readers.join(', ') : '—';
  const anonymous = engine.anonymous ? ` (+${engine.anonymous} without a lab name)` : '';
  return (
    <tr data-engine={engine.name} data-up={engine.up ? 'true' : 'false'} data-draining={engine.draining ? 'true' : 'false'}>
      <th scope="row">{engine.name}</th>
      <td>
        <code>{engine.address}</code>
      </td>
      <td className={engine.up ? styles.done : styles.down} title={engine.checkedAt ? `checked ${engine.checkedAt}` : 'not checked yet'}>
        {engine.up ? 'up' : 'down'}
      </td>
      <td data-testid="engine-draining">{engine.draining ? 'draining' : 'no'}</td>
      <td data-testid="engine-version">{engine.version ?? '—'}</td>
      <td data-testid="engine-readers" className={styles.wrap}>
        {placed}
        {anonymous}
      </td>
      <td data-testid="engine-sessions">{engine.sessions}</td>
      <td data-testid="engine-running">{engine.running}</td>
      <td>
        <button
          type="button"
          className="button button--secondary button--sm"
          disabled={busy}
          onClick={() => onDrain(engine)}
          aria-label={`${engine.draining ? 'Undrain' : 'Drain'} ${engine.name}`}
          data-testid="engine-drain"
        >
          {engine.draining ? 'Undrain' : 'Drain'}
        </button>
      </td>
    </tr>
  );
}

export default function EnginesSection({client, onRefused}: {client: CohortClient; onRefused: (message: string) => void}): ReactNode {
  const [engines, setEngines] = useState<EngineView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const refresh = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const reply = await client.engines(signal);
        setEngines(reply.engines);
        setError(null);
      } catch (err) {
        if (signal?.aborted) return;
        if (err instanceof AdminRefused) onRefused(err.message);
        else setError(`Engines: ${(err as Error).message}`);
      }
    },
    [client, onRefused],
  );

  useEffect(() => {
    const abort = new AbortController();
    void refresh(abort.signal);
    const timer = setInterval(() => void refresh(abort.signal), REFRESH_MS);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, [refresh]);

  const onDrain = async (engine: EngineView) => {
    const drain = !engine.draining;
    if (
      drain &&
      !window.confirm(`Drain ${engine.name}? No new reader will be placed on it; the ${engine.readers.length + engine.anonymous} placed there stay and go on working.`)
    )
      return;
    setBusy(engine.name);
    try {
      await client.drainEngine(engine.name, drain);
    } catch (err) {
      if (err instanceof AdminRefused) onRefused(err.message);
      else setError(`${drain ? 'Drain' : 'Undrain'} ${engine.name}: ${(err as Error).message}`);
    } finally {
      setBusy(null);
      await refresh();
    }
  };

  return (
    <section aria-labelledby="cohort-engines" className={styles.section} data-testid="engines-section">
      <div className={styles.bar}>
        <h2 id="cohort-engines">Engines {engines ? `(${engines.length})` : ''}</h2>
        <span className={styles.status}>refreshed every {REFRESH_MS / 1000} s</span>
      </div>
      {error && (
        <p role="alert" className={styles.error}>
          {error}
        </p>
      )}
      {engines && (
        <div className={styles.scroll} tabIndex={0} role="region" aria-label="Engines: placement and load">
          <table className={styles.table} data-testid="engines-table">
            <thead>
              <tr>
                <th scope="col">Engine</th>
                <th scope="col">Address</th>
                <th scope="col">State</th>
                <th scope="col">Draining</th>
                <th scope="col">Docker</th>
                <th scope="col">Readers placed</th>
                <th scope="col">Terminals</th>
                <th scope="col">Running</th>
                <th scope="col">
                  <span className="lab-visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {engines.map((e) => (
                <EngineRow key={e.name} engine={e} busy={busy === e.name} onDrain={(x) => void onDrain(x)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
