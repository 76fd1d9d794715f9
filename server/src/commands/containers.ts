/**
 * `docker ps`, `docker stop`, `docker logs`: the reader's own containers only
 * (containers/owned.ts asks the engine with the owner's label as a filter).
 * Another reader's container reads exactly like none.
 */
import type {Command} from '../cli/command-types';
import {containerOutput} from '../containers/output';
import {findOwned, listOwned, noSuchContainer} from '../containers/owned';
import {psTable} from '../containers/ps-table';
import {crlf, errorLine} from '../terminal/style';
import type {Handler} from './types';

/** Longest grace `docker stop -t` gives a container here, seconds. */
const STOP_WAIT_MAX_S = 30;

type Ps = Extract<Command, {kind: 'ps'}>;
type Stop = Extract<Command, {kind: 'stop'}>;
type Logs = Extract<Command, {kind: 'logs'}>;

export const ps: Handler<Ps> = async (cmd, env) => {
  const rows = await listOwned(env.engine, env.session.ownerId, cmd.all);
  env.term.write(crlf(psTable(rows, {quiet: cmd.quiet, noTrunc: cmd.noTrunc})));
  return 0;
};

export const stop: Handler<Stop> = async (cmd, env) => {
  let status = 0;
  for (const ref of cmd.containers) {
    const c = await findOwned(env.engine, env.session.ownerId, ref);
    if (!c) {
      env.term.write(errorLine(noSuchContainer(ref)));
      status = 1;
      continue;
    }
    // The terminal waits for the stop: at most STOP_WAIT_MAX_S of grace, whatever -t says.
    await env.engine.stopContainer(c.id, Math.min(cmd.time ?? 10, STOP_WAIT_MAX_S));
    env.term.write(`${ref}\r\n`);
  }
  return status;
};

export const logs: Handler<Logs> = async (cmd, env) => {
  const c = await findOwned(env.engine, env.session.ownerId, cmd.container);
  if (!c) {
    env.term.write(errorLine(noSuchContainer(cmd.container)));
    return 1;
  }
  const details = await env.engine.inspectContainer(c.id);
  if (!details) {
    env.term.write(errorLine(noSuchContainer(cmd.container)));
    return 1;
  }
  const tty = details.Config?.Tty === true;
  const result = await env.engine.containerLogs(c.id, {
    follow: cmd.follow,
    timestamps: cmd.timestamps,
    signal: env.signal,
    ...(cmd.tail !== undefined ? {tail: cmd.tail} : {}),
  });
  const printer = containerOutput(tty, (text) => env.term.write(text));
  if (Buffer.isBuffer(result)) {
    printer.push(result);
    printer.end();
    return 0;
  }
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    result.on('data', (chunk: Buffer) => {
      printer.push(chunk);
      const wait = env.term.room();
      if (wait) {
        result.pause();
        void wait.then(() => result.resume());
      }
    });
    result.once('end', done);
    result.once('close', done);
    result.once('error', done);
    env.signal.addEventListener('abort', done, {once: true});
  });
  printer.end();
  (result as unknown as {destroy?: () => void}).destroy?.();
  return 0;
};
