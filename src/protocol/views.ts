/**
 * What the page shows of the reader's images: the image a build just made (sent over the WebSocket
 * in a `built-image` frame) and the lab registry's page for the reader's repositories (JSON over
 * HTTP at REGISTRY_VIEW_PATH). Shared by the page and the companion server.
 */

/**
 * What the last build did for an instruction: ran it (`rebuilt`), took its result from the cache
 * (`cached`), only set metadata (`config`: LABEL, ENV, CMD…, no step to run), or used the base
 * image as it is (`base`: FROM).
 */
export type StepState = 'cached' | 'rebuilt' | 'config' | 'base';

/** One instruction of the built Dockerfile and what the last build did with it (the editor's gutter). */
export interface InstructionMark {
  /** 1-based first and last line of the instruction (continuations included). */
  start: number;
  end: number;
  keyword: string;
  state: StepState;
}

/** One layer of the built image (a row of `docker history`), bottom-up order in BuiltImageView. */
export interface LayerView {
  /** What made it, as `docker history --no-trunc` shows it (shortened: no `# buildkit`, no `/bin/sh -c`). */
  createdBy: string;
  /** Bytes it adds (0 for a metadata-only entry). */
  size: number;
  /** The Dockerfile lines of the instruction that made it; null for the base image's layers. */
  lines: {start: number; end: number} | null;
  /** `base`: came with FROM (the base image's layers); otherwise what this build did for the instruction. */
  origin: StepState;
}

export interface BuiltImageView {
  /** The lesson whose Dockerfile was built. */
  context: string;
  /** The block whose Build/Run made it, when it came from a block. */
  blockId?: string;
  /** `sha256:…` */
  imageId: string;
  /** The names given with -t. */
  tags: string[];
  /** The Dockerfile text that was built (the marks' line numbers refer to it). */
  dockerfile: string;
  /** Bottom-up: the base image's layers first. */
  layers: LayerView[];
  /** Instructions of the built stage, top-down; empty when the builder reported no steps (classic). */
  marks: InstructionMark[];
  /** Sum of the layers' sizes. */
  size: number;
}

/** GET: the reader's repositories on the lab registry (cookie names the reader). `?repo=NAME` for one. */
export const REGISTRY_VIEW_PATH = '/companion/registry';

export interface RegistryLayer {
  digest: string;
  /** Compressed bytes (what a pull downloads). */
  size: number;
  /** The instruction that made it, from the image's history, when known. */
  createdBy?: string;
}

export interface RegistryTag {
  tag: string;
  /** The manifest digest, as `docker push` prints it (`sha256:…`). */
  digest: string;
  /** `linux/amd64` */
  platform: string;
  /** Sum of the compressed layers plus the config. */
  compressedSize: number;
  /** ISO time the tag was last pushed, when the registry's storage tells; else null. */
  pushedAt: string | null;
  /** ISO time the image was built (its config's `created`). */
  createdAt: string | null;
  layers: RegistryLayer[];
  /** `docker pull REGISTRY/REPO:TAG` */
  pull: string;
}

export interface RegistryRepository {
  name: string;
  tags: RegistryTag[];
}

export interface RegistryViewReply {
  registry?: string;
  repositories?: RegistryRepository[];
  error?: string;
}
