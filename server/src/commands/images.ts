import type {Command} from '../cli/commands';
import {EngineError} from '../engine';
import {formatHistory, formatImages} from '../render/tables';
import {crlf, errorLine} from '../terminal/style';
import {OWNER_LABEL} from './ownership';
import type {Handler} from './types';

type Images = Extract<Command, {kind: 'images'}>;
type Tag = Extract<Command, {kind: 'tag'}>;
type Rmi = Extract<Command, {kind: 'rmi'}>;
type History = Extract<Command, {kind: 'history'}>;

/** `docker images [-a] [-q] [--no-trunc] [REPOSITORY[:TAG]]`: this session's images. */
export const images: Handler<Images> = async (cmd, env) => {
  const rows = await env.engine.listImages({
    all: cmd.all,
    labels: [`${OWNER_LABEL}=${env.session.ownerId}`],
    reference: cmd.filter,
  });
  env.term.write(crlf(formatImages(rows, {quiet: cmd.quiet, noTrunc: cmd.noTrunc})));
  return 0;
};

/** `docker tag SOURCE TARGET`. */
export const tag: Handler<Tag> = async (cmd, env) => {
  const {repo, tag: t} = splitTag(cmd.target);
  await env.engine.tagImage(cmd.source, repo, t);
  return 0;
};

/** `docker rmi [-f] IMAGE...`: prints Untagged/Deleted lines as the CLI does; status 1 if any failed. */
export const rmi: Handler<Rmi> = async (cmd, env) => {
  let status = 0;
  for (const name of cmd.images) {
    try {
      const result = await env.engine.removeImage(name, cmd.force);
      for (const r of result) {
        if (r.Untagged) env.term.write(`Untagged: ${r.Untagged}\r\n`);
        if (r.Deleted) env.term.write(`Deleted: ${r.Deleted}\r\n`);
      }
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      env.term.write(errorLine(err.message));
      status = 1;
    }
  }
  return status;
};

/** `docker history [--no-trunc] [-q] [-H=false] IMAGE`. */
export const history: Handler<History> = async (cmd, env) => {
  const rows = await env.engine.history(cmd.image);
  env.term.write(crlf(formatHistory(rows, {noTrunc: cmd.noTrunc, quiet: cmd.quiet, human: cmd.human})));
  return 0;
};

/** "repo[:tag]" → repo and tag ("latest" when none); a ":" inside a registry host:port is not a tag. */
export function splitTag(name: string): {repo: string; tag: string} {
  const at = name.indexOf('@');
  const base = at === -1 ? name : name.slice(0, at);
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return {repo: base.slice(0, colon), tag: base.slice(colon + 1)};
  return {repo: base, tag: 'latest'};
}
