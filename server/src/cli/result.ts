/** What parsing a terminal line gives: a typed Command, or the docker CLI's message and exit code. */
import type {Command} from './command-types';

export type ParseResult =
  | {ok: true; command: Command}
  | {
      ok: false;
      message: string;
      exitCode: number;
      /**
       * Set when the line held a secret (`docker login -p ...`): the caller
       * should drop it from the line editor's history and from any logs.
       */
      sensitive?: true;
    };

/** Exit code of a flag error (cobra FlagErrorFunc). */
export const EXIT_USAGE = 125;
/** Exit code of an argument-count error and of most command failures. */
export const EXIT_FAILURE = 1;
/** Exit code for a program or docker subcommand this terminal does not run. */
export const EXIT_NOT_FOUND = 127;

/** What this terminal runs, for messages ("Supported here: ..."). */
export const SUPPORTED_COMMANDS: readonly string[] = [
  'docker build',
  'docker images',
  'docker tag',
  'docker rmi',
  'docker history',
  'docker inspect',
  'docker push',
  'docker run',
  'docker ps',
  'docker stop',
  'docker logs',
  'docker login',
  'docker logout',
  'docker version',
  'help',
  'clear',
  'cd',
];


export const SUPPORTED_LINE = `Supported here: ${SUPPORTED_COMMANDS.join(', ')}`;

export function success(command: Command): ParseResult {
  return {ok: true, command};
}

export function failure(message: string, exitCode: number, sensitive?: true): ParseResult {
  return sensitive ? {ok: false, message, exitCode, sensitive} : {ok: false, message, exitCode};
}
