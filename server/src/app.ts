import type {AddressInfo} from 'node:net';
import type {LabConfig} from './config';
import {removeOwnedImages} from './images/ownership';
import {Engine} from './engine';
import {createLabServer} from './http/server';
import {LessonContexts} from './lessons/context';
import type {Logger} from './log';
import {SessionManager} from './session/manager';

/** How often the server asks the engine whether it still answers. */
const ENGINE_CHECK_MS = 5_000;

export interface RunningLab {
  port: number;
  engine: Engine;
  manager: SessionManager;
  close(): Promise<void>;
}

/** Wire the parts together and listen. Used by main.ts and by the tests. */
export async function startLab(config: LabConfig, log: Logger): Promise<RunningLab> {
  const engine = new Engine(config.dockerHost);
  const lessons = new LessonContexts(config.lessonsDir);
  const manager = new SessionManager({engine, config, lessons, log});
  if (config.cleanOnStart) {
    // No session exists yet: whatever sessions of an earlier run left behind goes.
    const removed = await removeOwnedImages(engine, null).catch(() => 0);
    if (removed) log.info({event: 'startup-cleanup', removed}, 'removed images of sessions that no longer exist');
  }
  manager.watchEngine(ENGINE_CHECK_MS);
  manager.watchIdle();
  const http = createLabServer(config, manager, log);
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
    close: async () => {
      await manager.closeAll();
      await http.close();
    },
  };
}
