import type {Command} from '../cli/command-types';
import {checkDiskWatermark} from '../engine/disk';
import {checkDockerfile} from '../dockerfile/policy';
import {streamBroken} from '../engine/errors';
import {ContextError} from '../lessons/context';
import {formatLimitBytes} from '../limits/format';
import type {Engine} from '../engine';
import {BuildOutput, flavorForEngine} from '../render/build';
import type {PlainFlavor} from '../render/buildkit-printer';
import {sendingContextLine} from '../render/classic';
import {errorLine, red, yellow} from '../terminal/style';
import {formatDuration, withDeadline} from '../limits/deadline';
import {claimName, readerImage, sessionLabels} from '../images/ownership';
import {claimant} from './claimant';
import {buildTerminal, hostPaths} from './redact';
import {unnamedImageTip} from '../terminal/hints';
import {pump} from '../render/pump';
import {reportBuiltImage} from '../views/report';
import {EXIT_INTERRUPTED} from '../terminal/types';
import type {Handler} from './types';

type Build = Extract<Command, {kind: 'build'}>;

/** The BuildKit output style for this engine's version (see flavorForEngine). */
async function buildkitFlavor(engine: Engine): Promise<PlainFlavor> {
  try {
    return flavorForEngine((await engine.version()).Version);
  } catch {
    return 'buildx'; // the build itself will say what is wrong with the engine
  }
}

/** After the engine reported the image, this long without a meaningful message ends the build. */
const QUIET_AFTER_IMAGE_MS = 3000;

/**
 * `docker build [-t NAME]... [-f FILE] [--build-arg K=V]... [--no-cache] [--pull] .`
 *
 * The context is always the current lesson's folder, with the Dockerfile the
 * page shows. Output is the engine's stream rendered as the CLI renders it
 * (BuildKit's plain progress, or the classic builder's steps).
 */
export const build: Handler<Build> = async (cmd, env) => {
  const {session, config} = env;
  // Engine messages can quote folders of the engine's state on the host: the reader sees a placeholder.
  // A step's output can hold terminal string sequences (an OSC 8 link): they are removed.
  const term = buildTerminal(env.term, await hostPaths(env.engine));
  if (cmd.context !== '.' && cmd.context !== './') {
    term.write(
      errorLine(
        `this terminal builds the current lesson's folder: use "." as the build context (got "${cmd.context}")`,
      ),
    );
    return 1;
  }
  const lesson = session.currentLesson;
  if (!lesson) {
    term.write(
      errorLine(
        'no lesson context yet: press Build (or Run) on a lesson\'s Dockerfile block first; "." then means that lesson\'s folder',
      ),
    );
    return 1;
  }
  const dockerfileName = cmd.file ?? 'Dockerfile';
  const pageText = dockerfileName === 'Dockerfile' ? (session.dockerfiles.get(lesson) ?? null) : null;
  if (dockerfileName === 'Dockerfile' && pageText === null) {
    term.write(errorLine(`the page has not sent the Dockerfile of lesson "${lesson}" yet: press its Build button`));
    return 1;
  }

  for (const t of cmd.tags) {
    const refusal = await claimName(env.engine, t, claimant(env));
    if (refusal) {
      term.write(errorLine(refusal));
      return 1;
    }
  }

  // Nothing reaches the engine before the Dockerfile passed the lab's policy (what it may name, fetch, expand).
  const dockerfileText = pageText ?? (await env.lessons.readText(lesson, dockerfileName, config.limits.contextBytes)) ?? '';
  const policy = await checkDockerfile(dockerfileText, {
    buildArgs: cmd.buildArgs,
    image: readerImage(env.engine, session.ownerId),
    allowedSyntax: config.dockerfileSyntaxImages,
    maxExpansionBytes: config.limits.expansionBytes,
  });
  if (!policy.ok) {
    term.write(errorLine(`ERROR: ${policy.line ? `${dockerfileName} line ${policy.line}: ` : ''}${policy.message}`));
    return 1;
  }

  const noRoom = await checkDiskWatermark(env.engine, config.limits.minFreeDiskBytes);
  if (noRoom) {
    term.write(errorLine(noRoom));
    return 1;
  }

  let packed;
  try {
    packed = await env.lessons.pack(lesson, {name: dockerfileName, text: pageText}, config.limits.contextBytes);
  } catch (err) {
    if (err instanceof ContextError) {
      term.write(errorLine(err.message));
      return 1;
    }
    throw err;
  }

  const deadline = withDeadline(env.signal, config.limits.buildMs);
  // Updates are merged over 100 ms as the CLI's printer does; the ticker flushes what a quiet step holds back.
  const out = new BuildOutput({
    builder: config.builder,
    cols: term.cols,
    rateLimitMs: 100,
    flavor: config.builder === 'buildkit' ? await buildkitFlavor(env.engine) : undefined,
    dockerfile: pageText !== null ? {name: dockerfileName, text: pageText} : undefined,
  });
  const ticker = setInterval(() => {
    const held = out.tick();
    if (held && !cmd.quiet) term.write(held);
  }, 150);
  let buildId: string | null = null;
  let quietAfterImage: NodeJS.Timeout | undefined;
  let endedAfterImage = false;
  if (config.builder === 'classic' && !cmd.quiet) term.write(sendingContextLine(packed.bytes));
  try {
    const started = await env.engine.build({
      context: packed.stream,
      tags: cmd.tags,
      dockerfile: dockerfileName,
      // Cache mounts (RUN --mount=type=cache) are this reader's own: BuildKit prefixes their ids with this.
      buildArgs: config.builder === 'buildkit' ? {...cmd.buildArgs, BUILDKIT_CACHE_MOUNT_NS: `lab-${session.ownerId}`} : cmd.buildArgs,
      noCache: cmd.noCache,
      pull: cmd.pull,
      target: cmd.target,
      labels: sessionLabels(session),
      builder: config.builder,
      memory: config.limits.buildMemoryBytes || undefined,
      cpuQuota: config.limits.buildCpus ? Math.round(config.limits.buildCpus * 100_000) : undefined,
      signal: deadline.signal,
    });
    buildId = started.buildId;
    const stream = started.stream as NodeJS.ReadableStream & {destroy(): void};
    const render = (msg: Parameters<BuildOutput['write']>[0]) => {
      out.resize(term.cols); // the page may have been resized since the last message
      const text = out.write(msg);
      if (out.imageId) {
        // The image exists. Docker 20.10 may keep such a stream open (sending only empty progress
        // messages) after a very loud build: once nothing meaningful has come for a while, stop reading.
        clearTimeout(quietAfterImage);
        quietAfterImage = setTimeout(() => {
          endedAfterImage = true;
          stream.destroy();
        }, QUIET_AFTER_IMAGE_MS);
      }
      return text;
    };
    try {
      await pump(stream, render, term, {quiet: cmd.quiet, signal: deadline.signal});
    } catch (err) {
      if (!endedAfterImage) throw err;
    }
  } catch (err) {
    if (!deadline.signal.aborted) {
      term.write(out.finish());
      throw buildId ? streamBroken(err, env.engine.address, 'build') : err;
    }
    if (buildId && config.builder === 'buildkit') await env.engine.cancelBuild(buildId);
    if (deadline.timedOut()) {
      term.write(out.finish());
      term.write(errorLine(`ERROR: the build ran longer than the lab's limit of ${formatDuration(config.limits.buildMs)} and was stopped`));
      return 1;
    }
    // Ctrl-C. buildx prints the running steps CANCELED and `ERROR: failed to solve: Canceled: context
    // canceled`, and exits 1 (it handles the signal itself); the older CLIs were killed by it (130).
    const canceled = out.cancel();
    term.write(canceled.text);
    if (canceled.asBuildx) return 1;
    term.write(errorLine('ERROR: build canceled'));
    return EXIT_INTERRUPTED;
  } finally {
    deadline.clear();
    clearInterval(ticker);
    clearTimeout(quietAfterImage);
    // If the engine never took the context (unreachable, refused), close the files it was read from.
    packed.stream.destroy();
  }
  term.write(out.finish());
  if (out.error) {
    // BuildKit's printer already showed the error box; the classic builder's stream ended on the error line.
    if (/exit code: 137|returned a non-zero code: 137/.test(out.error.message)) {
      term.write(
        yellow(
          'Exit code 137 means the step was killed: most likely it needed more memory than the lab allows builds ' +
            `(${formatLimitBytes(config.limits.buildMemoryBytes)}).`,
        ) + '\r\n',
      );
    }
    return 1;
  }
  if (cmd.quiet && out.imageId) term.write(`${out.imageId}\r\n`);
  if (!out.imageId) {
    // The stream ended early without an error: the engine went away mid-build.
    term.write(red('ERROR: the engine ended the build without an image (did it stop or restart?)') + '\r\n');
    return 1;
  }
  if (config.builder === 'buildkit') await reportBuiltImage(env, {context: lesson, imageId: out.imageId, tags: cmd.tags, dockerfile: dockerfileText, steps: out.steps, target: cmd.target});
  if (cmd.tags.length === 0 && !cmd.quiet) term.write(unnamedImageTip(config.labRegistry, env.readerName, lesson));
  env.progress?.({kind: 'built', lesson, imageId: out.imageId, cachedSteps: out.cachedSteps});
  return 0;
};
