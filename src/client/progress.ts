/**
 * The reader's onboarding progress on the page. The server holds it and checks
 * every milestone; the page only shows it. Two sources, merged: the reader
 * (GET /companion/reader, on load and when the tab comes back into view) and the
 * terminal session's status frames, which the server pushes to every tab of the
 * reader as soon as a milestone is ticked.
 */
import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {ReaderProgress} from '../protocol/progress';
import {useLabSession} from './react';
import {sharedReaderClient, type ReaderState} from './reader';

/** Union of two views of the same reader's progress (milestones are never unticked). */
export function mergeProgress(a: ReaderProgress | null | undefined, b: ReaderProgress | null | undefined): ReaderProgress | null {
  if (!a) return b ?? null;
  if (!b) return a;
  const done = {...a.done};
  for (const [id, t] of Object.entries(b.done) as Array<[keyof ReaderProgress['done'], number]>) {
    done[id] = Math.min(done[id] ?? t, t);
  }
  return {startedAt: Math.min(a.startedAt, b.startedAt), done};
}

const NO_READER: ReaderState = {reader: undefined, password: null, error: null, busy: false, notice: null};
let watching = false;

/** The reader's progress, or null (no lab name yet, no server, or server rendering). */
export function useReaderProgress(): {name: string; progress: ReaderProgress} | null {
  const readers = sharedReaderClient();
  const state = useSyncExternalStore(readers.subscribe, readers.get, () => NO_READER);
  const {session} = useLabSession();
  useEffect(() => {
    // Pages without a terminal dock (the landing page) ask for the reader themselves.
    if (readers.get().reader === undefined) void readers.refresh();
    if (watching) return;
    watching = true;
    // A tab without a terminal session hears of another tab's progress when it is looked at again.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void readers.refresh();
    });
  }, [readers]);
  const name = state.reader?.name;
  const live = session?.reader && session.reader.name === name ? session.reader.progress : undefined;
  const stored = state.reader?.progress;
  return useMemo(() => {
    const progress = mergeProgress(stored, live);
    return name && progress ? {name, progress} : null;
  }, [name, stored, live]);
}
