import type {Engine, ImageDetails} from '../engine';
import type {SessionState} from '../commands/types';

/** Label every image a session builds carries: the session's public id. */
export const OWNER_LABEL = 'org.dockerlab.session';

export function sessionLabels(session: SessionState): Record<string, string> {
  return {[OWNER_LABEL]: session.ownerId};
}

/**
 * Remove every image labelled with `ownerId` (one session's), or with any
 * owner when `ownerId` is null (at server start, no session exists yet).
 * Returns how many images were removed; failures are skipped (an image in
 * use by a container stays).
 */
export async function removeOwnedImages(engine: Engine, ownerId: string | null): Promise<number> {
  const label = ownerId ? `${OWNER_LABEL}=${ownerId}` : OWNER_LABEL;
  const images = await engine.listImages({all: false, labels: [label]});
  let removed = 0;
  for (const image of images) {
    try {
      await engine.removeImage(image.Id, true);
      removed++;
    } catch {
      /* already gone, or in use */
    }
  }
  return removed;
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
  if (!label) return {owner: 'lab', image};
  return label === ownerId ? {owner: 'mine', image} : {owner: 'other', ownerId: label};
}

/** The CLI's message for an image this session may not see. Another session's image looks like no image. */
export function noSuchImage(name: string): string {
  return `Error response from daemon: No such image: ${name}`;
}

/**
 * May this session put the name `name` on an image (build -t, tag)? Not a
 * base image's name (that would swap it under every reader), and not a name
 * another reader's open session uses. Returns the refusal, or null.
 */
export async function claimName(
  engine: Engine,
  name: string,
  ownerId: string,
  ownerActive: (ownerId: string) => boolean,
): Promise<string | null> {
  const {owner, ownerId: holder} = await ownerOf(engine, name, ownerId);
  if (owner === 'lab') return `"${name}" is the name of one of the lab's base images: choose another name`;
  if (owner === 'other' && holder && ownerActive(holder)) {
    return `"${name}" is in use by another reader's session on this lab: choose another name (for example with your user name in it)`;
  }
  return null;
}
