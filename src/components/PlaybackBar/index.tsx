/**
 * The dock's bar while a recording plays (no companion server answers): says
 * plainly that it is a recording, when and on which Docker it was made, and
 * gives pause and speed. Also keeps playback in step with the connection
 * (fetches the recordings' manifest while offline; stops playing once the
 * server answers, so Run is live again without a reload).
 */
import type {ReactNode} from 'react';
import clsx from 'clsx';
import {usePlayback, usePlaybackFollowsConnection, usePlayer} from '@site/src/client/playback/react';
import {SPEEDS} from '@site/src/client/playback/player';
import styles from './styles.module.css';

function seconds(s: number): string {
  return `${s.toFixed(1)} s`;
}

export default function PlaybackBar(): ReactNode {
  usePlaybackFollowsConnection();
  const player = usePlayer();
  const state = usePlayback();
  if (state.status === 'idle') return null;
  const {info} = state;
  const playing = state.status === 'playing';
  const paused = state.status === 'paused';
  return (
    <div className={styles.bar} data-testid="playback-bar" data-status={state.status} role="group" aria-label="Recording playback">
      <span className={styles.badge}>
        <span aria-hidden="true">⏺</span> Recording · not live
      </span>
      {info && (
        <span className={styles.meta} data-testid="playback-meta">
          recorded {state.recordedAt} · Docker {info.dockerVersion}
        </span>
      )}
      {info && (
        <code className={styles.command} title={info.command}>
          {info.command}
        </code>
      )}
      {(playing || paused) && (
        <button
          type="button"
          className={clsx('button button--sm button--secondary', styles.button)}
          data-testid="playback-pause"
          aria-pressed={paused}
          onClick={player.togglePause}>
          {paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
      )}
      {(playing || paused) && (
        <button
          type="button"
          className={clsx('button button--sm button--secondary', styles.button)}
          data-testid="playback-end"
          onClick={player.skipToEnd}>
          ⏭ To the end
        </button>
      )}
      {info && (
        <label className={styles.speed}>
          Speed{' '}
          <select data-testid="playback-speed" value={state.speed} onChange={(e) => player.setSpeed(Number(e.target.value))}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
      )}
      <span className={styles.status} data-testid="playback-status" role="status">
        {state.status === 'loading' && 'Loading the recording…'}
        {(playing || paused) && `${seconds(state.position)} / ${seconds(state.duration)}`}
        {state.status === 'done' && `Finished (exit code ${info?.exitCode ?? 0})`}
        {state.status === 'missing' && state.message}
      </span>
    </div>
  );
}
