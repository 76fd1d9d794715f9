import type {BuiltImageView} from '../../../src/protocol/views';
import type {Engine} from '../engine';
import type {Logger} from '../log';
import {instructionMarks} from './build-steps';
import type {StepRecorder} from '../render/step-recorder';
import {builtImageView} from './built-image';

/**
 * After a successful build: hand the page the image it made (layers, cached and rebuilt steps).
 * A failure here (the image already removed, the engine gone) costs the view, never the build.
 */
/** What the report needs of a command's environment (CommandEnv has it): no import of commands/. */
export interface BuiltImageReporting {
  engine: Pick<Engine, 'history'>;
  log: Logger;
  onBuiltImage?: (view: BuiltImageView) => void;
}

export async function reportBuiltImage(
  env: BuiltImageReporting,
  build: {context: string; imageId: string; tags: string[]; dockerfile: string; steps: StepRecorder; target?: string},
): Promise<void> {
  if (!env.onBuiltImage) return;
  try {
    const history = await env.engine.history(build.imageId);
    const marks = instructionMarks(build.dockerfile, build.steps.steps());
    env.onBuiltImage(builtImageView({...build, history, marks}));
  } catch (err) {
    env.log.warn({event: 'built-image-view', err: (err as Error).message}, 'could not describe the built image');
  }
}
