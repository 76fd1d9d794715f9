import type {NameClaimant} from '../images/ownership';
import type {CommandEnv} from './types';

/** The session as `claimName` sees it (build -t and tag). */
export function claimant(env: CommandEnv): NameClaimant {
  return {
    ownerId: env.session.ownerId,
    ownerActive: env.ownerActive,
    labRegistry: env.config.labRegistry,
    ...(env.readerName ? {readerName: env.readerName} : {}),
    ...(env.isReaderName ? {isReaderName: env.isReaderName} : {}),
  };
}
