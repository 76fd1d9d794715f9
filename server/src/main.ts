import {startLab} from './app';
import {ConfigError, loadConfig} from './config';
import {createLogger} from './log';

async function main(): Promise<void> {
  const log = createLogger();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      log.fatal({event: 'config'}, err.message);
      process.exit(2);
    }
    throw err;
  }
  let lab;
  try {
    lab = await startLab(config, log);
  } catch (err) {
    log.fatal({err: (err as Error).message}, `cannot listen on ${config.host}:${config.port}`);
    process.exit(1);
  }
  const shown = config.host === '127.0.0.1' ? 'localhost' : config.host;
  log.info(
    {event: 'listening', host: config.host, port: lab.port, engine: lab.engine.address, labRegistry: config.labRegistry, builder: config.builder},
    `Docker Lab on http://${shown}:${lab.port}/`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({event: 'stopping', signal}, 'stopping');
    await lab.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // The server never dies on a reader's input: a bug in one command is logged, not fatal.
  process.on('unhandledRejection', (err) => log.error({err}, 'unhandled rejection'));
  process.on('uncaughtException', (err) => log.error({err}, 'uncaught exception'));
}

void main();
