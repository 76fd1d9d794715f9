/**
 * `docker run`: one of the reader's own images (or a lab base image) in the
 * lab's sandbox (containers/sandbox.ts), always removed at its end.
 *
 * - Without -i the container's output streams to the terminal (flow
 *   controlled like a build's); Ctrl-C sends it SIGINT, then stops it.
 * - With -it the reader's keyboard is the container's TTY (containers/attach.ts):
 *   every key goes in as bytes (Ctrl-C, Ctrl-D too), size changes resize it,
 *   and the prompt comes back when the container ends, with its exit status.
 * - With -i alone the terminal acts as a cooked-mode terminal over the pipe.
 * - A wall-clock limit (a setting) ends it, with a warning before.
 */
import type {Command} from '../cli/command-types';
import {EngineError} from '../engine';
import {ownerOf} from '../images/ownership';
import {familiarName, isImageIdentifier, parseReference, withDefaultTag} from '../images/reference';
import {formatDuration} from '../limits/format';
import {errorLine, yellow} from '../terminal/style';
import {randomContainerName} from '../containers/names';
import {findOwned, listOwned} from '../containers/owned';
import {takeRunSlot} from '../containers/slots';
import {containerSpec, enginePrefix} from '../containers/sandbox';
import {attachContainer} from '../containers/attach';
import type {Handler} from './types';

type Run = Extract<Command, {kind: 'run'}>;

const RUN_HELP = "\n\nRun 'docker run --help' for more information";

/** The CLI's exit statuses for a container that could not start (docker run's reference). */
function startFailureStatus(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied/i.test(message)) return 126;
  return 125;
}

export const run: Handler<Run> = async (cmd, env) => {
  const {engine, session, config, term} = env;
  const fail = (message: string, status = 125): number => {
    term.write(errorLine(`docker: ${message}${RUN_HELP}`));
    return status;
  };

  // The image: the reader's own or a base image. Anything else (another reader's, none) reads the same.
  let shown = cmd.image;
  if (!isImageIdentifier(cmd.image)) {
    const ref = parseReference(cmd.image);
    if (!ref.ok) return fail('invalid reference format.');
    shown = familiarName(withDefaultTag(ref.ref));
  }
  let found: Awaited<ReturnType<typeof ownerOf>>;
  try {
    found = await ownerOf(engine, cmd.image, session.ownerId);
  } catch (err) {
    if (err instanceof EngineError && err.unreachable) throw err;
    found = {owner: 'missing'};
  }
  if ((found.owner !== 'mine' && found.owner !== 'lab') || !found.image) {
    term.write(`Unable to find image '${shown}' locally\r\n`);
    return fail(
      `Error response from daemon: this lab does not pull images, and ${shown} is not one of your images or the lab's base images.\n` +
        'See docker images for what you can run; build an image first with docker build -t NAME .',
    );
  }

  // A VOLUME of the image would be an anonymous volume on the engine's disk, writable past the
  // read-only root and any disk bound: such images do not run here.
  const volumes = Object.keys((found.image.Config as {Volumes?: Record<string, unknown> | null} | undefined)?.Volumes ?? {});
  if (volumes.length > 0) {
    return fail(
      `${shown} declares VOLUME ${volumes.join(', ')}: containers here have no volumes (they could fill the lab's disk). ` +
        'Remove the VOLUME line from its Dockerfile to run it here.',
    );
  }

  // The slot is taken before anything is asked of the engine (containers/slots.ts) and held to the end.
  const image = found.image;
  const slot = takeRunSlot(session.ownerId);
  try {
    const existing = await listOwned(engine, session.ownerId, true);
    const count = Math.max(slot.held - 1, existing.length);
    if (count >= config.run.perReader) {
      return fail(
        `you have ${count} running container${count === 1 ? '' : 's'}, the lab's limit for one reader: ` +
          'stop one first (docker ps lists them, docker stop NAME ends one)',
      );
    }

    // The engine's name carries the owner's prefix: readers cannot collide or find each other's by name.
    let name = cmd.name ?? randomContainerName();
    let id: string | undefined;
    for (let attempt = 0; id === undefined; attempt++) {
      const spec = containerSpec(
        {
          imageId: image.Id,
          imageName: cmd.image,
          engineName: enginePrefix(session.ownerId) + name,
          displayName: name,
          ownerId: session.ownerId,
          ...(env.readerName ? {readerName: env.readerName} : {}),
          cmd: cmd.args,
          ...(cmd.entrypoint !== undefined ? {entrypoint: [cmd.entrypoint]} : {}),
          env: cmd.env,
          ...(cmd.workdir !== undefined ? {workdir: cmd.workdir} : {}),
          tty: cmd.tty,
          stdin: cmd.interactive,
        },
        config.run,
      );
      try {
        id = await engine.createContainer(spec);
      } catch (err) {
        if (!(err instanceof EngineError) || err.unreachable) throw err;
        if (err.status === 409 && cmd.name === undefined && attempt < 5) {
          name = randomContainerName();
          continue;
        }
        if (err.status === 409) {
          const holder = await findOwned(engine, session.ownerId, name).catch(() => null);
          return fail(
            `Error response from daemon: Conflict. The container name "/${name}" is already in use by container ` +
              `"${holder?.id ?? 'another of your terminals'}". You have to remove (or rename) that container to be able to reuse that name.`,
          );
        }
        return fail(err.message.split(enginePrefix(session.ownerId)).join('') + '.');
      }
    }

    try {
      return await attachContainer({
        engine,
        id,
        term,
        signal: env.signal,
        tty: cmd.tty,
        interactive: cmd.interactive,
        timeoutMs: config.run.timeoutMs,
        warningMs: config.run.warningMs,
        onStartError: (message) => fail(`${message.split(enginePrefix(session.ownerId)).join('')}.`, startFailureStatus(message)),
        warn: (text) => term.write(`\r\n${yellow(text)}\r\n`),
        timedOut: () =>
          term.write(
            errorLine(`docker: the container reached the lab's time limit of ${formatDuration(config.run.timeoutMs)} and was stopped`),
          ),
      });
    } finally {
      // AutoRemove removes it when it ends; this covers a start that failed or a lost engine stream.
      await engine.removeContainer(id).catch(() => undefined);
    }
  } finally {
    slot.release();
  }
};
