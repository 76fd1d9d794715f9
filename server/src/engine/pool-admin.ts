import {ADMIN_ENGINES_PATH, type EngineView, type EnginesReply} from '../../../src/protocol/engines';
import type {EnginePool, PoolMember} from './pool';

/** Placement and load per engine; `readerName` names an owner id that is a reader (else anonymous). */
export function enginesView(pool: EnginePool, readerName: (ownerId: string) => string | undefined): EnginesReply {
  return {
    engines: pool.load().map(({member, owners, active, sessions}) => {
      const readers: string[] = [];
      let anonymous = 0;
      for (const o of owners) {
        const name = readerName(o);
        if (name) readers.push(name);
        else anonymous++;
      }
      return view(member, {readers: readers.sort(), anonymous, active, sessions});
    }),
  };
}

function view(m: PoolMember, load: {readers: string[]; anonymous: number; active: number; sessions: number}): EngineView {
  return {
    name: m.name,
    address: m.address,
    up: m.up,
    draining: m.draining,
    checkedAt: m.checkedAt === null ? null : new Date(m.checkedAt).toISOString(),
    version: m.version,
    ...load,
    running: m.running,
  };
}

/**
 * The admin API's engine routes (the caller has checked the admin token). Returns the reply, or
 * null when the path is not one of them.
 */
export function engineAdminRoute(
  pool: EnginePool,
  method: string,
  pathname: string,
  readerName: (ownerId: string) => string | undefined,
): {status: number; body: unknown} | null {
  if (pathname === ADMIN_ENGINES_PATH) {
    if (method !== 'GET') return {status: 405, body: {error: 'GET only'}};
    return {status: 200, body: enginesView(pool, readerName)};
  }
  const m = /^\/companion\/admin\/engines\/([^/]+)\/(drain|undrain)$/.exec(pathname);
  if (!m) return pathname.startsWith(`${ADMIN_ENGINES_PATH}/`) ? {status: 404, body: {error: 'no such route'}} : null;
  if (method !== 'POST') return {status: 405, body: {error: 'POST only'}};
  let name: string;
  try {
    name = decodeURIComponent(m[1]!);
  } catch {
    return {status: 400, body: {error: 'bad engine name'}};
  }
  const member = pool.drain(name, m[2] === 'drain');
  if (!member) return {status: 404, body: {error: 'no engine of that name'}};
  const engine = enginesView(pool, readerName).engines.find((e) => e.name === member.name)!;
  return {status: 200, body: {engine}};
}
