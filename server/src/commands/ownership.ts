import type {SessionState} from './types';

/** Label every image a session builds carries: the session's public id. */
export const OWNER_LABEL = 'org.dockerlab.session';

export function sessionLabels(session: SessionState): Record<string, string> {
  return {[OWNER_LABEL]: session.ownerId};
}
