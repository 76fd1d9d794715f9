import type {AddressInfo} from 'node:net';
import type {LabConfig} from './config';
import {removeRunContainers} from './containers/owned';
import {removeOwnedImages} from './images/ownership';
import {readerRoutes} from './readers/http';
import {ReaderServices} from './readers/services';
import type {Engine} from './engine';
import {EnginePool} from './engine/pool';
import {createLabServer, type ExtraHttp} from './http/server';
import {registryView} from './views/registry-wiring';
import {registryViewRoute} from './views/registry-route';
import {LessonContexts} from './lessons/context';
import type {Logger} from './log';
import {SessionManager} from './session/manager';
import {startProgress} from './progress';

/** How often the server asks the engine whether it still answers. */
const ENGINE_CHECK_MS = 5_000;

export interface RunningLab {
  port: number;
  /** The first engine of the pool (the only one in the zero-setting case). */
  engine: Engine;
  engines: EnginePool;
  manager: SessionManager;
  readers: ReaderServices;
  close(): Promise<void>;
}

/** Wire the parts together and listen. Used by main.ts and by the tests. */
export async function startLab(config: LabConfig, log: Logger): Promise<RunningLab> {
  // The engine's version is logged at the first call (start-up cleanup or the first health check)
  // and again whenever the engine comes back as another version: warned when its BuildKit is
  // unpatched, refused (every command then says why) when its API is too old.
  // Each engine of the pool (LAB_ENGINES, or DOCKER_HOST alone) logs its version the same way.
  const engines = EnginePool.fromSpecs(config.engines, (member, v, assessment) => {
    const fields = {event: 'engine-version', version: v.Version, apiVersion: v.ApiVersion, engine: member.address, ...(config.engines.length > 1 ? {name: member.name} : {})};
    if (assessment.verdict === 'ok') log.info(fields, assessment.message);
    else if (assessment.verdict === 'warn') log.warn(fields, assessment.message);
    else log.error(fields, assessment.message);
  });
  const engine = engines.first;
  const lessons = new LessonContexts(config.lessonsDir);
  // Readers (names, lab passwords, the registry's token service): server/src/readers.
  const readers = await ReaderServices.start(config, engines, log);
  // Onboarding milestones, checked against each reader's engine and the registry: server/src/progress.
  const progress = await startProgress(config, (ownerId) => engines.placed(ownerId)?.engine ?? engine, readers, log);
  const manager = new SessionManager({engine, config, lessons, log, readers, pool: engines});
  if (config.cleanOnStart) {
    // No session exists yet: whatever sessions of an earlier run left behind goes (readers' images stay).
    for (const m of engines.members) {
      const removed = await removeOwnedImages(m.engine, null, (owner) => readers.store.byId(owner) !== undefined).catch(() => 0);
      if (removed) log.info({event: 'startup-cleanup', removed, engine: m.name}, 'removed images of sessions that no longer exist');
      // A container outlives no command: any left by an earlier run of the server goes.
      const containers = await removeRunContainers(m.engine).catch(() => 0);
      if (containers) log.info({event: 'startup-cleanup', containers, engine: m.name}, 'removed containers of an earlier run');
    }
  }
  manager.watchEngine(ENGINE_CHECK_MS);
  manager.watchIdle();
  readers.watchIdle();
  const readerHttp = readerRoutes(readers, config.allowedOrigins, log, !config.accessToken, [progress.cohort.routes()]);
  const registryHttp = registryViewRoute(readers, registryView(config, readers), log);
  const routes: ExtraHttp['routes'] = async (req, res, url) => (await readerHttp(req, res, url)) || registryHttp(req, res, url);
  const http = createLabServer(config, manager, log, {routes, readers});
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
    engines,
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
