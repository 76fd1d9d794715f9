import type {Command} from '../cli/command-types';
import {helpText} from '../cli/parse';
import {crlf} from '../terminal/style';
import type {Handler} from './types';

type Help = Extract<Command, {kind: 'help'}>;
type Clear = Extract<Command, {kind: 'clear'}>;
type Version = Extract<Command, {kind: 'version'}>;

export const help: Handler<Help> = async (cmd, env) => {
  env.term.write(crlf(helpText(cmd.topic)));
  return 0;
};

export const clear: Handler<Clear> = async (_cmd, env) => {
  env.term.clear();
  return 0;
};

/** `docker version`: this terminal as the client, the lab's engine as the server. */
export const version: Handler<Version> = async (_cmd, env) => {
  const v = await env.engine.version();
  const lines = [
    'Client: Docker Lab terminal (not the docker CLI: an allow-listed subset of it)',
    ` API version:       ${v.ApiVersion}`,
    ` Builder:           ${env.config.builder === 'buildkit' ? 'BuildKit' : 'classic'}`,
    '',
    'Server:',
    ' Engine:',
    `  Version:          ${v.Version}`,
    `  API version:      ${v.ApiVersion}`,
    `  OS/Arch:          ${v.Os}/${v.Arch}`,
    ...(v.KernelVersion ? [`  Kernel Version:   ${v.KernelVersion}`] : []),
    '',
  ];
  env.term.write(crlf(lines.join('\n')));
  return 0;
};
