import {DOCKER_HUB_DOMAIN, parseReference, repository, sameRegistry} from './reference';
import type {ImageFacts} from '../dockerfile/policy';
import {EngineError, type Engine, type ImageDetails} from '../engine';
import {OWNER_LABEL} from '../engine/labels';

/** The labels of an image a session builds: its owner's public id. */
export function sessionLabels(session: {ownerId: string}): Record<string, string> {
  return {[OWNER_LABEL]: session.ownerId};
}

/**
 * Remove every image labelled with `ownerId` (one session's), or with any
 * owner when `ownerId` is null (at server start, no session exists yet).
 * Returns how many images were removed; failures are skipped (an image in
 * use by a container stays).
 */
export async function removeOwnedImages(engine: Engine, ownerId: string | null, keep?: (ownerId: string) => boolean): Promise<number> {
  const label = ownerId ? `${OWNER_LABEL}=${ownerId}` : OWNER_LABEL;
  const images = await engine.listImages({all: false, labels: [label]});
  let removed = 0;
  for (const image of images) {
    const owner = image.Labels?.[OWNER_LABEL];
    if (keep && owner && keep(owner)) continue; // a reader's images outlive this server's sessions
    try {
      await engine.removeImage(image.Id, true);
      removed++;
    } catch {
      /* already gone, or in use */
    }
  }
  return removed;
}

/**
 * An image without an owner label is a lab base image only if it has a name
 * (busybox:latest, debian:bookworm-slim). A nameless one is some build's
 * intermediate layer (the classic builder labels only the last) or a commit:
 * it holds the files of whoever made it, so it is nobody's to use.
 */
function isNamedBase(image: {RepoTags?: string[] | null}): boolean {
  return (image.RepoTags ?? []).some((t) => t !== '<none>:<none>');
}

/** Whose an image is, as this session sees it. */
export type Owner = 'mine' | 'lab' | 'other' | 'missing';

/**
 * Whose image `name` is: this session's (`mine`), a shared base image with no
 * owner label (`lab`), another session's (`other`), or none (`missing`).
 */
export async function ownerOf(
  engine: Engine,
  name: string,
  ownerId: string,
): Promise<{owner: Owner; ownerId?: string; image?: ImageDetails}> {
  const image = await engine.inspectImage(name);
  if (!image) return {owner: 'missing'};
  const label = image.Config?.Labels?.[OWNER_LABEL];
  if (!label) return isNamedBase(image) ? {owner: 'lab', image} : {owner: 'missing'};
  return label === ownerId ? {owner: 'mine', image} : {owner: 'other', ownerId: label};
}

/**
 * What a reader's Dockerfile may build on: a lab base image or this session's
 * own image (with its environment), else null. Missing and other readers'
 * images look the same.
 */
export function readerImage(engine: Engine, ownerId: string): (ref: string) => Promise<ImageFacts | null> {
  return async (ref) => {
    try {
      const image = await engine.inspectImage(ref);
      if (!image) return null;
      const label = image.Config?.Labels?.[OWNER_LABEL];
      if (label ? label !== ownerId : !isNamedBase(image)) return null;
      return {env: image.Config?.Env ?? []};
    } catch (err) {
      if (err instanceof EngineError && err.unreachable) throw err; // "Cannot connect to the Docker daemon…"
      return null; // not a valid reference: refuse
    }
  };
}

/** The CLI's message for an image this session may not see. Another session's image looks like no image. */
export function noSuchImage(name: string): string {
  return `Error response from daemon: No such image: ${name}`;
}

/**
 * Why a name may not be claimed: one message whatever the reason, so a refusal tells nothing about
 * other readers; it suggests a name under the reader's own namespace on the lab registry.
 */
export function reservedName(name: string, labRegistry: string, readerName: string | undefined): string {
  return (
    `"${name}" is reserved on this lab (the lab's base images, Docker Hub's official names such as "alpine" or ` +
    `"library/…", and names in use): choose a name of your own, such as ${labRegistry}/${readerName ?? '<your lab name>'}/app`
  );
}

/** Who asks for a name: their images, their lab name, and how to tell another reader's namespace. */
export interface NameClaimant {
  ownerId: string;
  /** Whether the session with this public id is alive with a page attached. */
  ownerActive: (ownerId: string) => boolean;
  /** The lab registry's address (`localhost:5000`). */
  labRegistry: string;
  /** The claimant's lab name; absent for a terminal without one. */
  readerName?: string;
  /** Whether a reader of this name exists (their namespace on the lab registry is theirs). */
  isReaderName?: (name: string) => Promise<boolean>;
}

/** The refusal for a lab-registry name outside the reader's namespace: the words `docker push` uses. */
export function outsideNamespace(labRegistry: string, readerName: string | undefined): string {
  return `on the lab registry your images go under your own name: ${labRegistry}/${readerName ?? '<your lab name>'}/…`;
}

/**
 * May this session put the name `name` on an image (build -t, tag)? Not
 * docker.io/library/* (a name without a user part: Docker Hub's official
 * images, which other readers' FROM lines mean; the domain compared without
 * regard to case), not a base image's repository, not a name on the lab
 * registry under another reader's lab name (a reader's namespace is theirs
 * alone, whether or not they are here: their own build of it must not be
 * refused), and not a name another reader's open session holds (a page that
 * went away leaves its names free, as a reload makes a new session).
 * The refusal is the same in each case but the namespace one (push's words).
 * Returns it, or null.
 */
export async function claimName(engine: Engine, name: string, who: NameClaimant): Promise<string | null> {
  const parsed = parseReference(name);
  if (!parsed.ok) return parsed.error;
  const ref = parsed.ref;
  const reserved = () => reservedName(name, who.labRegistry, who.readerName);
  if (ref.domain.toLowerCase() === DOCKER_HUB_DOMAIN && ref.path.startsWith('library/')) return reserved();
  if (sameRegistry(ref.domain, who.labRegistry)) {
    const namespace = ref.path.split('/')[0]!;
    const mine = who.readerName ? namespace === who.readerName : !(await who.isReaderName?.(namespace));
    if (!mine || !ref.path.includes('/')) return outsideNamespace(who.labRegistry, who.readerName);
  }
  const {owner, ownerId: holder} = await ownerOf(engine, name, who.ownerId);
  if (owner === 'lab') return reserved();
  if (owner === 'other' && holder && who.ownerActive(holder)) return reserved();
  // Another tag of a base image's repository is the base image's name too.
  const sameRepository = await engine.listImages({reference: repository(ref)}).catch(() => []);
  if (sameRepository.some((i) => !i.Labels?.[OWNER_LABEL])) return reserved();
  return null;
}
