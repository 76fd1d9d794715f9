import type {Command} from '../cli/command-types';
import {DOCKER_HUB_AUTH_SERVER, normalizeServerAddress, sameRegistry} from '../images/reference';
import {EngineError, type RegistryAuth} from '../engine';
import {Secret} from '../secret';
import {errorLine} from '../terminal/style';
import {hubUnreachableHint, labLoginHint} from '../terminal/hints';
import {EXIT_INTERRUPTED} from '../terminal/types';
import type {Handler} from './types';

type Login = Extract<Command, {kind: 'login'}>;
type Logout = Extract<Command, {kind: 'logout'}>;

function serverOf(server: string | undefined): string {
  return server ? normalizeServerAddress(server) : DOCKER_HUB_AUTH_SERVER;
}

/**
 * `docker login [-u USER] [SERVER]`: asks for the user name and the password
 * (not echoed), checks them against the registry through the engine, and
 * keeps them in this session's memory only. Nothing is stored on failure.
 */
export const login: Handler<Login> = async (cmd, env) => {
  const {term, session} = env;
  const server = serverOf(cmd.server);
  const previous = session.logins.get(server);
  if (server === DOCKER_HUB_AUTH_SERVER) {
    term.write(
      'Log in with your Docker ID or email address to push and pull images from Docker Hub.\r\n' +
        "Use a personal access token (Account settings → Personal access tokens) as the password.\r\n",
    );
  }
  let username = cmd.username;
  if (username === undefined) {
    const prompt = previous ? `Username (${previous.username}): ` : 'Username: ';
    const answer = await term.readLine(prompt);
    if (answer === null) return EXIT_INTERRUPTED;
    username = answer.trim() || previous?.username || '';
  }
  if (!username) {
    term.write(errorLine('Error: Non-null Username Required'));
    return 1;
  }
  const password = await term.readLine('Password: ', {echo: false});
  if (password === null) return EXIT_INTERRUPTED;
  if (!password) {
    term.write(errorLine('Error: Non-null Password Required'));
    return 1;
  }
  const auth: RegistryAuth = {username, password: new Secret(password), serveraddress: server};
  try {
    await env.engine.checkAuth(auth);
  } catch (err) {
    if (!(err instanceof EngineError)) throw err;
    if (env.signal.aborted) return EXIT_INTERRUPTED;
    term.write(errorLine(err.message));
    const hint =
      hubUnreachableHint(server, err.message, env.config.labRegistry) ||
      (sameRegistry(server, env.config.labRegistry) ? labLoginHint(err.message, env.readerName) : '');
    if (hint) term.write(hint);
    // Not the user name: a password pasted at the wrong prompt would land in the log.
    env.log.info({event: 'login-failed', server}, 'login refused');
    return 1;
  }
  // Ctrl-C while the registry was being asked: the reader gave up, so nothing is kept.
  if (env.signal.aborted) return EXIT_INTERRUPTED;
  session.logins.set(server, auth);
  env.log.info({event: 'login', server, username}, 'logged in');
  term.write('Login Succeeded\r\n');
  env.progress?.({kind: 'logged-in', server});
  return 0;
};

/** `docker logout [SERVER]`: forget this session's credentials for the registry. */
export const logout: Handler<Logout> = async (cmd, env) => {
  const server = serverOf(cmd.server);
  if (!env.session.logins.delete(server)) {
    env.term.write(`Not logged in to ${server}\r\n`);
    return 0;
  }
  env.term.write(`Removing login credentials for ${server}\r\n`);
  return 0;
};
