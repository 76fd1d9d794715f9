/**
 * BuildKit's status stream as the Engine sends it during a build: the `aux` of each
 * `{"id":"moby.buildkit.trace"}` message is a base64 protobuf `StatusResponse` (vertexes, their
 * statuses, logs and warnings). decodeTrace turns one into a SolveStatus, the events the plain
 * printer (buildkit-printer.ts) draws. The schema is dockerode's own `lib/proto/buildkit_status.proto`
 * (a subset of buildkit's control.proto), loaded with protobufjs. Log bytes stay real bytes
 * (dockerode's own decoder hands them back base64-encoded).
 */
import {createRequire} from 'node:module';
import protobuf from 'protobufjs';

export interface Vertex {
  digest: string;
  inputs: string[];
  name: string;
  cached: boolean;
  started?: Date;
  completed?: Date;
  error: string;
}
export interface VertexStatus {
  id: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  timestamp?: Date;
  started?: Date;
  completed?: Date;
}
export interface VertexLog {
  vertex: string;
  stream: number;
  msg: Uint8Array;
  timestamp?: Date;
}
/** Lint warnings (Engine 24+); Engine 20.10 sends none. */
export interface VertexWarning {
  vertex: string;
  level: number;
  short: Uint8Array;
  detail: Uint8Array[];
  url: string;
}
export interface SolveStatus {
  vertexes: Vertex[];
  statuses: VertexStatus[];
  logs: VertexLog[];
  warnings?: VertexWarning[];
}

// ---------------------------------------------------------------------------------------------
// Timestamps: Date holds milliseconds; the nanoseconds the engine sent are kept on the side so
// that durations come out exactly as Go computes them.

const exactNs = new WeakMap<Date, bigint>();

export function nsOf(d: Date): bigint {
  return exactNs.get(d) ?? BigInt(d.getTime()) * 1_000_000n;
}

/** Go's `b.Sub(a).Seconds()`. */
export function secondsBetween(a: Date, b: Date): number {
  const d = nsOf(b) - nsOf(a);
  return Number(d / 1_000_000_000n) + Number(d % 1_000_000_000n) / 1e9;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && 'toNumber' in v && typeof (v as {toNumber: unknown}).toNumber === 'function') {
    return (v as {toNumber(): number}).toNumber();
  }
  if (typeof v === 'string') return Number(v);
  return 0;
}

function toDate(ts: unknown): Date | undefined {
  if (!ts || typeof ts !== 'object') return undefined;
  const t = ts as {seconds?: unknown; nanos?: unknown};
  const ns = BigInt(Math.trunc(toNumber(t.seconds))) * 1_000_000_000n + BigInt(Math.trunc(toNumber(t.nanos)));
  const ms = ns / 1_000_000n - (ns < 0n && ns % 1_000_000n !== 0n ? 1n : 0n);
  const d = new Date(Number(ms));
  exactNs.set(d, ns);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Protobuf: dockerode ships the schema

const PROTO = createRequire(__filename).resolve('dockerode/lib/proto/buildkit_status.proto');
const StatusResponse = protobuf.loadSync(PROTO).lookupType('moby.buildkit.v1.StatusResponse');

type Raw = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function bytes(v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(0);
}
function list(v: unknown): Raw[] {
  return Array.isArray(v) ? (v as Raw[]) : [];
}

/** Decode the `aux` of a `{"id":"moby.buildkit.trace"}` message. Throws on malformed input. */
export function decodeTrace(auxBase64: string): SolveStatus {
  if (!auxBase64) return {vertexes: [], statuses: [], logs: [], warnings: []};
  const msg = StatusResponse.decode(Buffer.from(auxBase64, 'base64')) as unknown as Raw;
  return {
    vertexes: list(msg.vertexes).map((v) => ({
      digest: str(v.digest),
      inputs: Array.isArray(v.inputs) ? (v.inputs as unknown[]).map(str) : [],
      name: str(v.name),
      cached: v.cached === true,
      started: toDate(v.started),
      completed: toDate(v.completed),
      error: str(v.error),
    })),
    statuses: list(msg.statuses).map((s) => ({
      id: str(s.ID),
      vertex: str(s.vertex),
      name: str(s.name),
      current: toNumber(s.current),
      total: toNumber(s.total),
      timestamp: toDate(s.timestamp),
      started: toDate(s.started),
      completed: toDate(s.completed),
    })),
    logs: list(msg.logs).map((l) => ({
      vertex: str(l.vertex),
      stream: toNumber(l.stream),
      msg: bytes(l.msg),
      timestamp: toDate(l.timestamp),
    })),
    warnings: list(msg.warnings).map((w) => ({
      vertex: str(w.vertex),
      level: toNumber(w.level),
      short: bytes(w.short),
      detail: Array.isArray(w.detail) ? (w.detail as unknown[]).map(bytes) : [],
      url: str(w.url),
    })),
  };
}

