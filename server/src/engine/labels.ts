/**
 * The label every image a session builds carries: its owner's public id (a reader's, or an anonymous
 * terminal's). Here, below its users: the pool finds an owner's engine by it, ownership decides by it.
 */
export const OWNER_LABEL = 'org.dockerlab.session';
