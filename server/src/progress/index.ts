import type {LabConfig} from '../config';
import type {Engine} from '../engine';
import type {Logger} from '../log';
import type {ReaderServices} from '../readers/services';
import path from 'node:path';
import {CohortFeed} from './cohort';
import {ProgressStore} from './store';
import {ProgressTracker} from './tracker';

export interface Progress {
  tracker: ProgressTracker;
  cohort: CohortFeed;
  close(): void;
}

/**
 * Onboarding progress: plugs a tracker into the readers (their commands report
 * events through ReaderLink.report; a tick updates every page of the reader and
 * the cohort view) and makes the cohort view's admin routes.
 */
export async function startProgress(
  config: LabConfig,
  engineOf: (ownerId: string) => Engine,
  readers: ReaderServices,
  log: Logger,
): Promise<Progress> {
  const store = await ProgressStore.open(path.join(config.readers.stateDir, 'progress'));
  let cohort: CohortFeed | null = null;
  const tracker = new ProgressTracker({
    engineOf,
    registry: readers.registry,
    labRegistry: config.labRegistry,
    store,
    log,
    ticked: (reader) => {
      readers.notify(reader);
      cohort?.changed();
    },
  });
  readers.progress = tracker;
  cohort = new CohortFeed(readers, tracker);
  // A removed reader's progress goes with them (a later reader of the same name starts afresh).
  readers.onChange((reader) => {
    if (!readers.store.byId(reader.id)) void tracker.forget(reader.id).catch(() => {});
  });
  return {tracker, cohort, close: () => cohort.close()};
}
