import type {Command} from '../cli/command-types';
import {familiarName, parseReference, registryAuthServer, repository, sameRegistry, withDefaultTag} from '../images/reference';
import {streamBroken} from '../engine/errors';
import {ProgressRenderer, type JSONMessage} from '../render/jsonmessage';
import {errorLine, yellow} from '../terminal/style';
import {formatDuration, withDeadline} from '../limits/deadline';
import {bareNamePushHint, hubUnreachableHint} from '../terminal/hints';
import {ownerOf} from '../images/ownership';
import {pump} from '../render/pump';
import {EXIT_INTERRUPTED} from '../terminal/types';
import type {Handler} from './types';

type Push = Extract<Command, {kind: 'push'}>;

/**
 * `docker push NAME[:TAG]`: pushes one tag with this session's credentials
 * for the image's registry (Docker Hub when the name has no registry host),
 * drawing per-layer progress as the CLI does.
 */
export const push: Handler<Push> = async (cmd, env) => {
  const {term, session, config} = env;
  const parsed = parseReference(cmd.name);
  if (!parsed.ok) {
    term.write(errorLine(parsed.error));
    return 1;
  }
  if (parsed.ref.digest) {
    term.write(errorLine('cannot push a digest reference'));
    return 1;
  }
  if (!parsed.ref.tag) term.write('Using default tag: latest\r\n');
  const ref = withDefaultTag(parsed.ref);
  const repo = repository(ref);
  const tag = ref.tag!;
  const {owner} = await ownerOf(env.engine, familiarName(ref), session.ownerId);
  if (owner === 'lab') {
    term.write(errorLine(`"${familiarName(ref)}" is one of the lab's base images: tag your own image and push that`));
    return 1;
  }
  // `docker push hello`: Docker Hub's library/hello, which is surely not what the reader meant.
  const bare = !cmd.name.includes('/');
  if (owner !== 'mine') {
    term.write(errorLine(`An image does not exist locally with the tag: ${repo}`));
    if (bare) term.write(bareNamePushHint(cmd.name, config.labRegistry, env.readerName, false));
    return 1;
  }
  const server = registryAuthServer(ref);
  const auth = session.logins.get(server) ?? null;
  if (sameRegistry(ref.domain, config.labRegistry)) {
    // The lab registry is shared: each reader pushes only under their own name.
    const namespace = ref.path.split('/')[0];
    if (!auth) {
      term.write(errorLine(`log in to the lab registry first: docker login ${config.labRegistry}`));
      return 1;
    }
    if (ref.path.split('/').length < 2 || namespace !== auth.username) {
      term.write(
        errorLine(
          `on the lab registry you push under your own name: ${config.labRegistry}/${auth.username}/… (you are logged in as ${auth.username})`,
        ),
      );
      return 1;
    }
  }
  const deadline = withDeadline(env.signal, config.limits.pushMs);
  const progress = new ProgressRenderer({cols: term.cols});
  let finished = false;
  try {
    const stream = await env.engine.push(repo, tag, auth, deadline.signal);
    const render = (msg: JSONMessage) => {
      if (msg.aux) finished = true; // the registry confirmed the push (Tag, Digest, Size)
      progress.resize(term.cols); // the page may have been resized since the last message
      return progress.write(msg);
    };
    await pump(stream, render, term, {quiet: cmd.quiet, signal: deadline.signal});
  } catch (err) {
    if (!deadline.signal.aborted) {
      term.write('\r\n' + errorLine(streamBroken(err, env.engine.address, 'push').message));
      return 1;
    }
    if (deadline.timedOut()) {
      term.write(errorLine(`the push ran longer than the lab's limit of ${formatDuration(config.limits.pushMs)} and was stopped`));
      return 1;
    }
    term.write(errorLine('push canceled'));
    return EXIT_INTERRUPTED;
  } finally {
    deadline.clear();
  }
  if (progress.error) {
    const message = progress.error.message;
    const hint = bare
      ? bareNamePushHint(cmd.name, config.labRegistry, env.readerName, true)
      : hubUnreachableHint(ref.domain, message, config.labRegistry);
    if (hint) term.write(hint);
    else if (/unauthorized|authentication required|denied|no basic auth/i.test(message) && !auth) {
      const loginTarget = server.startsWith('https://index.docker.io') ? '' : ` ${server}`;
      term.write(yellow(`You are not logged in to ${ref.domain}: run docker login${loginTarget} first.`) + '\r\n');
    }
    return 1;
  }
  if (!finished) {
    term.write(errorLine('the push ended before the registry confirmed it (did the engine stop or restart?)'));
    return 1;
  }
  if (cmd.quiet) term.write(`${familiarName(ref)}\r\n`);
  env.progress?.({kind: 'pushed', reference: familiarName(ref)});
  return 0;
};
