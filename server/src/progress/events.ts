/**
 * What commands and sessions tell the progress module (one small hook). An event
 * is a claim only: the tracker checks it against the engine and the registry
 * before it ticks anything. Reported only when the command succeeded.
 */
export type ProgressEvent =
  /** The page sent a lesson's Dockerfile (on mount, and after each edit). */
  | {kind: 'dockerfile'; lesson: string; text: string}
  /** A build finished with an image; `cachedSteps`: Dockerfile steps the engine took from its cache. */
  | {kind: 'built'; lesson: string; imageId: string; cachedSteps: number}
  /** `docker tag SOURCE TARGET` worked. */
  | {kind: 'tagged'; target: string}
  /** `docker login SERVER` worked (credentials kept for the reader). */
  | {kind: 'logged-in'; server: string}
  /** `docker push NAME` ended with the registry's digest. */
  | {kind: 'pushed'; reference: string};

export type ProgressReport = (event: ProgressEvent) => void;
