import {yellow} from './style';
import type {Moved} from '../engine/pool';

/**
 * What a reader reads when their engine stopped answering and their command runs on another:
 * what is gone (images and build cache that lived there) and what is not (what they pushed to
 * the lab registry, which all engines share).
 */
export function movedNotice(moved: Moved, labRegistry: string, readerName?: string): string {
  const where = readerName ? `${labRegistry}/${readerName}/…` : labRegistry;
  return (
    yellow(`The lab's engine "${moved.from}" stopped answering, so your commands now run on engine "${moved.to}".`) +
    '\r\n' +
    yellow(`Images you built there are not here (build them again; the first build is slower, its cache was there too).`) +
    '\r\n' +
    yellow(`Images you pushed to the lab registry are safe: they are kept there (${where}) and can be pulled back from it.`) +
    '\r\n'
  );
}
