/**
 * React bindings for recorded playback: one player per page (beside the
 * session client), its state, and the manifest that says what the recordings'
 * `<registry>` and `<username>` were (so an offline block shows the same names
 * as its recording).
 */
import {useEffect, useSyncExternalStore} from 'react';
import useBaseUrl from '@docusaurus/useBaseUrl';
import {RECORDINGS_DIR, RECORDINGS_MANIFEST, recordingFileName, type RecordingsManifest} from '../../protocol/recording';
import {useLab, useLabSession} from '../react';
import {INITIAL_PLAYBACK, playerFor, type PlaybackState, type Player} from './player';

/** The page's player (writes into the docked terminal through the session client). */
export function usePlayer(): Player {
  return playerFor(useLab().client);
}

const serverSnapshot = (): PlaybackState => INITIAL_PLAYBACK;

export function usePlayback(): PlaybackState {
  const player = usePlayer();
  return useSyncExternalStore(player.subscribe, player.get, serverSnapshot);
}

/** The URL of a block's recording under the site's base URL. */
export function useRecordingUrl(blockId: string): string {
  return useBaseUrl(`/${RECORDINGS_DIR}/${recordingFileName(blockId)}`);
}

/**
 * While no server answers: fetch the recordings' manifest once. When the server
 * answers: stop a recording that is playing (Run runs live again, no reload needed).
 */
export function usePlaybackFollowsConnection(): void {
  const player = usePlayer();
  const {connection} = useLabSession();
  const manifestUrl = useBaseUrl(`/${RECORDINGS_DIR}/${RECORDINGS_MANIFEST}`);
  useEffect(() => {
    if (connection === 'online') {
      player.stop('The companion server answered: Run runs the blocks live again.');
      return undefined;
    }
    if (connection !== 'offline' || player.get().manifest) return undefined;
    let cancelled = false;
    fetch(manifestUrl, {cache: 'no-cache'})
      .then((res) => (res.ok ? (res.json() as Promise<RecordingsManifest>) : null))
      .then((manifest) => {
        if (!cancelled && manifest) player.setManifest(manifest);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [connection, player, manifestUrl]);
}
