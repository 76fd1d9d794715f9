import type {AddressInfo} from 'node:net';
import type {LabConfig} from './config';
import {removeOwnedImages} from './images/ownership';
import {readerRoutes} from './readers/http';
import {ReaderServices} from './readers/services';
import {Engine} from './engine';
import {createLabServer} from './http/server';
import {LessonContexts} from './lessons/context';
import type {Logger} from './log';
import {SessionManager} from './session/manager';
import {startProgress} from './progress';

/** How often the server asks the engine whether it still answers. */
const ENGINE_CHECK_MS = 5_000;

export interface RunningLab {
  port: number;
  engine: Engine;
  manager: SessionManager;
  readers: ReaderServices;
  close(): Promise<void>;
}

/** Wire the parts together and listen. Used by main.ts and by the tests. */
export async function startLab(config: LabConfig, log: Logger): Promise<RunningLab> {
  // The engine's version is logged at the first call (start-up cleanup or the first health check)
  // and again whenever the engine comes back as another version: warned when its BuildKit is
  // unpatched, refused (every command then says why) when its API is too old.
  const engine = new Engine(config.dockerHost, (v, assessment) => {
    const fields = {event: 'engine-version', version: v.Version, apiVersion: v.ApiVersion, engine: engine.address};
    if (assessment.verdict === 'ok') log.info(fields, assessment.message);
    else if (assessment.verdict === 'warn') log.warn(fields, assessment.message);
    else log.error(fields, assessment.message);
  });
  const lessons = new LessonContexts(config.lessonsDir);
  // Readers (names, lab passwords, the registry's token service): server/src/readers.
  const readers = await ReaderServices.start(config, engine, log);
  // Onboarding milestones, checked against the engine and the registry: server/src/progress.
  const progress = await startProgress(config, engine, readers, log);
  const manager = new SessionManager({engine, config, lessons, log, readers});
  if (config.cleanOnStart) {
    // No session exists yet: whatever sessions of an earlier run left behind goes (readers' images stay).
    const removed = await removeOwnedImages(engine, null, (owner) => readers.store.byId(owner) !== undefined).catch(() => 0);
    if (removed) log.info({event: 'startup-cleanup', removed}, 'removed images of sessions that no longer exist');
  }
  manager.watchEngine(ENGINE_CHECK_MS);
  manager.watchIdle();
  readers.watchIdle();
  const http = createLabServer(config, manager, log, {
    routes: readerRoutes(readers, config.allowedOrigins, log, !config.accessToken, [progress.cohort.routes()]),
    readers,
  });
  await new Promise<void>((resolve, reject) => {
    http.server.once('error', reject);
    http.server.listen(config.port, config.host, () => {
      http.server.off('error', reject);
      resolve();
    });
  });
  const port = (http.server.address() as AddressInfo).port;
  return {
    port,
    engine,
    manager,
    readers,
    close: async () => {
      await manager.closeAll();
      progress.close();
      await http.close();
      await readers.close();
    },
  };
}
