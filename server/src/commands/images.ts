import type {Command} from '../cli/command-types';
import {parseReference, repository, withDefaultTag} from '../images/reference';
import {EngineError} from '../engine';
import {formatHistory, formatImages} from '../render/tables';
import {crlf, errorLine} from '../terminal/style';
import {OWNER_LABEL} from '../engine/labels';
import {claimName, noSuchImage, ownerOf} from '../images/ownership';
import {claimant} from './claimant';
import type {Handler} from './types';

type Images = Extract<Command, {kind: 'images'}>;
type Tag = Extract<Command, {kind: 'tag'}>;
type Rmi = Extract<Command, {kind: 'rmi'}>;
type History = Extract<Command, {kind: 'history'}>;
type Inspect = Extract<Command, {kind: 'inspect'}>;

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

/** `docker tag SOURCE TARGET`: only this session's images, and never onto a base image's or another reader's name. */
export const tag: Handler<Tag> = async (cmd, env) => {
  const source = await ownerOf(env.engine, cmd.source, env.session.ownerId);
  if (source.owner === 'lab') {
    env.term.write(errorLine(`"${cmd.source}" is one of the lab's base images: build FROM it rather than tagging it`));
    return 1;
  }
  if (source.owner !== 'mine') {
    env.term.write(errorLine(noSuchImage(cmd.source)));
    return 1;
  }
  const refusal = await claimName(env.engine, cmd.target, claimant(env));
  if (refusal) {
    env.term.write(errorLine(refusal));
    return 1;
  }
  // The parser has checked that the target is a valid reference without a digest.
  const parsed = parseReference(cmd.target);
  if (!parsed.ok) {
    env.term.write(errorLine(parsed.error));
    return 1;
  }
  const target = withDefaultTag(parsed.ref);
  await env.engine.tagImage(cmd.source, repository(target), target.tag!);
  env.progress?.({kind: 'tagged', target: cmd.target});
  return 0;
};

/** `docker rmi [-f] IMAGE...`: prints Untagged/Deleted lines as the CLI does; status 1 if any failed. */
export const rmi: Handler<Rmi> = async (cmd, env) => {
  let status = 0;
  for (const name of cmd.images) {
    const {owner} = await ownerOf(env.engine, name, env.session.ownerId);
    if (owner === 'lab') {
      env.term.write(errorLine(`"${name}" is one of the lab's base images: it cannot be removed from here`));
      status = 1;
      continue;
    }
    if (owner !== 'mine') {
      env.term.write(errorLine(noSuchImage(name)));
      status = 1;
      continue;
    }
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
  const {owner} = await ownerOf(env.engine, cmd.image, env.session.ownerId);
  if (owner === 'other' || owner === 'missing') {
    env.term.write(errorLine(noSuchImage(cmd.image)));
    return 1;
  }
  const rows = await env.engine.history(cmd.image);
  env.term.write(crlf(formatHistory(rows, {noTrunc: cmd.noTrunc, quiet: cmd.quiet, human: cmd.human})));
  return 0;
};

/** `docker inspect IMAGE...` (images only): the engine's JSON, for this session's images and the base images. */
export const inspect: Handler<Inspect> = async (cmd, env) => {
  const found: unknown[] = [];
  let status = 0;
  for (const name of cmd.images) {
    // The inspection that told whose it is is also what is shown: one engine call per image.
    const {image: details} = await ownerOf(env.engine, name, env.session.ownerId);
    if (!details) {
      env.term.write(errorLine(`Error: No such object: ${name}`));
      status = 1;
      continue;
    }
    found.push(details);
  }
  if (found.length) env.term.write(crlf(JSON.stringify(found, null, 4)) + '\r\n');
  return status;
};
