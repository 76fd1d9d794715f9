import type {Command} from '../cli/command-types';
import {EngineError} from '../engine';
import {errorLine} from '../terminal/style';
import {build} from './build';
import {cd} from './cd';
import {history, images, inspect, rmi, tag} from './images';
import {login, logout} from './login';
import {clear, help, version} from './misc';
import {push} from './push';
import {run} from './run';
import {logs, ps, stop} from './containers';
import type {CommandEnv} from './types';

/**
 * Run one parsed command. Engine failures become the CLI's
 * "Error response from daemon: …" (or "Cannot connect to the Docker daemon …")
 * in red with status 1; anything else is a bug and is rethrown.
 */
export async function runCommand(command: Command, env: CommandEnv): Promise<number> {
  try {
    switch (command.kind) {
      case 'build':
        return await build(command, env);
      case 'images':
        return await images(command, env);
      case 'tag':
        return await tag(command, env);
      case 'rmi':
        return await rmi(command, env);
      case 'history':
        return await history(command, env);
      case 'inspect':
        return await inspect(command, env);
      case 'login':
        return await login(command, env);
      case 'logout':
        return await logout(command, env);
      case 'push':
        return await push(command, env);
      case 'run':
        return await run(command, env);
      case 'ps':
        return await ps(command, env);
      case 'stop':
        return await stop(command, env);
      case 'logs':
        return await logs(command, env);
      case 'version':
        return await version(command, env);
      case 'help':
        return await help(command, env);
      case 'clear':
        return await clear(command, env);
      case 'cd':
        return await cd(command, env);
      case 'empty':
        return 0;
    }
    return assertNever(command);
  } catch (err) {
    if (err instanceof EngineError) {
      env.term.write(errorLine(err.message));
      return 1;
    }
    throw err;
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled command ${JSON.stringify(x)}`);
}
