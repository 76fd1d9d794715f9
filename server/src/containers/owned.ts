/**
 * A reader's containers, and only theirs: the engine is asked with the owner
 * label as a filter (another reader's containers never reach this server's
 * answer), and each answer is checked again (the engine name carries the
 * owner prefix, which only this server sets).
 */
import type Docker from 'dockerode';
import type {Engine} from '../engine';
import {OWNER_LABEL} from '../engine/labels';
import {KIND_LABEL, KIND_RUN, displayName, enginePrefix} from './sandbox';

export interface OwnedContainer {
  id: string;
  /** The name the reader sees. */
  name: string;
  info: Docker.ContainerInfo;
}

function owns(info: Docker.ContainerInfo, ownerId: string): boolean {
  return (
    info.Labels?.[OWNER_LABEL] === ownerId &&
    info.Labels?.[KIND_LABEL] === KIND_RUN &&
    (info.Names ?? []).some((n) => n.replace(/^\//, '').startsWith(enginePrefix(ownerId)))
  );
}

/** The owner's containers (running only, unless `all`), newest first as the engine lists them. */
export async function listOwned(engine: Engine, ownerId: string, all = false): Promise<OwnedContainer[]> {
  const infos = await engine.listContainers({all, labels: [`${OWNER_LABEL}=${ownerId}`, `${KIND_LABEL}=${KIND_RUN}`]});
  return infos
    .filter((i) => owns(i, ownerId))
    .map((info) => ({id: info.Id, name: displayName(info.Names?.[0] ?? '', info.Labels, ownerId), info}));
}

/**
 * One of the owner's containers by the name they see or an ID prefix (the
 * CLI's order: exact name, then ID prefix), else null: another reader's
 * container looks exactly like none.
 */
export async function findOwned(engine: Engine, ownerId: string, ref: string): Promise<OwnedContainer | null> {
  const mine = await listOwned(engine, ownerId, true);
  const byName = mine.find((c) => c.name === ref);
  if (byName) return byName;
  if (!/^[a-f0-9]{1,64}$/.test(ref)) return null;
  const byId = mine.filter((c) => c.id.startsWith(ref));
  return byId.length === 1 ? byId[0]! : null;
}

/** The CLI's message for a container the reader has not (docker 28). */
export function noSuchContainer(ref: string): string {
  return `Error response from daemon: No such container: ${ref}`;
}

/** Remove every lab container (of any owner): at server start, when no command can hold one. */
export async function removeRunContainers(engine: Engine): Promise<number> {
  const infos = await engine.listContainers({all: true, labels: [`${KIND_LABEL}=${KIND_RUN}`, OWNER_LABEL]});
  let removed = 0;
  for (const info of infos) {
    await engine.removeContainer(info.Id).then(() => removed++, () => undefined);
  }
  return removed;
}
