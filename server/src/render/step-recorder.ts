/**
 * The vertexes of one BuildKit build's status stream, merged by digest (a
 * vertex is reported several times): what each step did, for the image view's
 * per-instruction marks (views/build-steps.ts) and the count of steps taken
 * from the cache (the progress tracker's "rebuilt with the cache").
 */
import type {SolveStatus} from './buildkit-status';

export interface StepReport {
  name: string;
  /** BuildKit took the step's result from its cache. */
  cached: boolean;
  /** The step finished (ran or was cached). */
  completed: boolean;
}

export class StepRecorder {
  readonly #byDigest = new Map<string, StepReport>();

  record(status: SolveStatus): void {
    for (const v of status.vertexes) {
      const prev = this.#byDigest.get(v.digest);
      this.#byDigest.set(v.digest, {
        name: v.name || prev?.name || '',
        cached: v.cached || (prev?.cached ?? false),
        completed: v.completed !== undefined || v.cached || (prev?.completed ?? false),
      });
    }
  }

  steps(): StepReport[] {
    return [...this.#byDigest.values()];
  }

  /** How many of the Dockerfile's steps came from the build cache. */
  cachedSteps(): number {
    return this.steps().filter((s) => s.cached && isDockerfileStep(s.name)).length;
  }
}

/**
 * A vertex that is a Dockerfile step worth counting as reused: not the builder's `[internal]` work,
 * and not `FROM` (a base image present in the engine is reported CACHED even on a first build).
 */
function isDockerfileStep(name: string): boolean {
  return !name.startsWith('[internal]') && !/^\[[^\]]*\] FROM\s/i.test(name);
}
