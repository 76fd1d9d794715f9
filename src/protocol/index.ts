/**
 * The wire protocol between the page (browser) and the companion server.
 *
 * One module, imported by both sides. Every frame is one JSON object with a
 * `t` (type) field. The server validates every client frame with
 * `parseClientMessage` before acting on it; the browser trusts the server.
 *
 * Output flow: the server numbers every output chunk (`seq`, from 1, per
 * session). The page acknowledges what its terminal has drawn (`ack`), which
 * is both the resume point after a reconnect (`hello.resume.lastSeq`) and
 * flow control: at most a window of output is sent and unacknowledged, a
 * command stops reading the engine while another window's worth waits, and
 * a session holds at most a hard bound of output; a page behind that (or
 * silent past the ack timeout) has its session ended with the reason. An
 * `ack` of a seq never sent is a protocol error that closes the connection.
 * `input` and `resize` frames are rate-limited (`rate-limited` errors).
 * The model is in server/src/session/output.ts; docs/operators.mdx says the same.
 */

import type {BuiltImageView} from './views';

export type {BuiltImageView} from './views';

/** Path of the WebSocket endpoint, relative to the site's origin. */
import type {ReaderProgress} from './progress';

export const WS_PATH = '/companion/ws';
/** Path of the JSON status endpoint. */
export const STATUS_PATH = '/companion/status';

export const PROTOCOL_VERSION = 1;

/** Largest client frame the server accepts, in bytes. */
export const MAX_CLIENT_FRAME_BYTES = 256 * 1024;
/** Largest Dockerfile text a page may send. */
export const MAX_DOCKERFILE_BYTES = 64 * 1024;
/** Largest single input frame (keystrokes or a paste). */
export const MAX_INPUT_BYTES = 16 * 1024;

// ---------------------------------------------------------------- client → server

/** First frame on every connection. `resume` rejoins an existing session. */
export interface HelloRequest {
  t: 'hello';
  v: typeof PROTOCOL_VERSION;
  /** Rejoin this session (after a dropped connection); omitted for a new one. */
  resume?: {sessionId: string; lastSeq: number};
  cols: number;
  rows: number;
}

/** Keystrokes or pasted text, as xterm.js hands them over (`onData`). */
export interface InputMessage {
  t: 'input';
  data: string;
}

export interface ResizeMessage {
  t: 'resize';
  cols: number;
  rows: number;
}

/**
 * The page's Dockerfile for a lesson: the one channel the lesson's Dockerfile
 * travels on. Sent when a Dockerfile block mounts or its text changes (an
 * edit), and again after a reconnect, so `docker build .` builds exactly what
 * the page shows. It registers the text; it does not make the lesson the
 * current one (a `run` naming it does: the build context never follows
 * scrolling). `context` names a folder under `lessons/`.
 */
export interface ContextMessage {
  t: 'context';
  context: string;
  dockerfile: string;
}

/**
 * "Run this lesson block": the server parses `command` once, shows it at the
 * prompt as the reader's line (so the reader sees exactly what runs) and
 * executes it. If `context` names a lesson, it becomes the session's current
 * lesson first; its Dockerfile must have come in a `context` frame before, or
 * the run is refused (`unknown-context`).
 */
export interface RunMessage {
  t: 'run';
  /** Correlates the command-start/command-end frames with the block. */
  blockId: string;
  command: string;
  context?: string;
}

/** The terminal has drawn everything up to and including `seq`. */
export interface AckMessage {
  t: 'ack';
  seq: number;
}

export interface PingMessage {
  t: 'ping';
}

export type ClientMessage =
  | HelloRequest
  | InputMessage
  | ResizeMessage
  | ContextMessage
  | RunMessage
  | AckMessage
  | PingMessage;

// ---------------------------------------------------------------- server → client

/** What a page needs to know about its session, sent on connect and on change. */
export interface SessionInfo {
  sessionId: string;
  /** Address of the embedded lab registry, e.g. `localhost:5000`. */
  labRegistry: string;
  /** Registry address → user name logged in there (no secrets). */
  logins: Record<string, string>;
  /** Whether the engine answered the last time the server asked. */
  engine: 'up' | 'down';
  builder: 'buildkit' | 'classic';
  /** The command running now, if any. */
  running: string | null;
  /** Lesson context `docker build .` uses now. */
  context: string | null;
  /** The reader (lab name) this terminal belongs to, and their disk use; null before a name is chosen. */
  reader?: {name: string; disk: {used: number; limit: number}; progress?: ReaderProgress} | null;
}

export interface HelloReply {
  t: 'hello';
  v: typeof PROTOCOL_VERSION;
  /** True when an existing session was rejoined. */
  resumed: boolean;
  session: SessionInfo;
}

/** A chunk of terminal output (UTF-8 text with ANSI escapes). */
export interface OutputMessage {
  t: 'output';
  seq: number;
  data: string;
}

export interface CommandStartMessage {
  t: 'command-start';
  /** Per-session command number. */
  id: number;
  /** The command line as typed or sent by a block. */
  line: string;
  /** Set when the command came from a lesson block's Run button. */
  blockId?: string;
}

export interface CommandEndMessage {
  t: 'command-end';
  id: number;
  exitCode: number;
  blockId?: string;
}

export interface StatusMessage {
  t: 'status';
  session: SessionInfo;
}

/** Protocol-level problem (bad frame, limit hit, session gone). */
export interface ErrorMessage {
  t: 'error';
  code: ErrorCode;
  message: string;
  /** Set when the error answers a block's `run`. */
  blockId?: string;
}

export type ErrorCode =
  | 'bad-frame'
  | 'too-large'
  | 'busy'
  | 'no-session'
  | 'session-limit'
  | 'expired'
  /** A `run` named a lesson whose Dockerfile the page never sent. */
  | 'unknown-context'
  /** Input or resize frames past the server's rate limit (the frame was dropped). */
  | 'rate-limited';

export interface PongMessage {
  t: 'pong';
}

/**
 * After a build of a lesson's Dockerfile: the image it made, its layers and which steps ran or came
 * from the cache (src/protocol/views.ts; made by server/src/views/built-image.ts).
 */
export interface BuiltImageMessage {
  t: 'built-image';
  image: BuiltImageView;
}

export type ServerMessage =
  | BuiltImageMessage
  | HelloReply
  | OutputMessage
  | CommandStartMessage
  | CommandEndMessage
  | StatusMessage
  | ErrorMessage
  | PongMessage;

// ---------------------------------------------------------------- validation

/** A lesson context's name: the folder `lessons/<name>/`. */
export const CONTEXT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class ProtocolError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, max: number): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ProtocolError('bad-frame', `"${key}" must be a string`);
  if (utf8Length(v) > max) {
    throw new ProtocolError('too-large', `"${key}" is larger than ${max} bytes`);
  }
  return v;
}

function int(o: Record<string, unknown>, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ProtocolError('bad-frame', `"${key}" must be an integer from ${min} to ${max}`);
  }
  return v;
}

function contextName(v: string): string {
  if (!CONTEXT_NAME.test(v)) throw new ProtocolError('bad-frame', 'unknown lesson context name');
  return v;
}

/**
 * UTF-8 bytes of the character starting at UTF-16 index `i`: 4 for a
 * surrogate pair (two code units), 3 for a lone surrogate (sent as U+FFFD).
 * The one UTF-8 counting rule of page and server (no Buffer: this runs in browsers too).
 */
export function utf8BytesAt(s: string, i: number): 1 | 2 | 3 | 4 {
  const c = s.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 4;
  }
  return 3;
}

/** UTF-8 length of `s`. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const b = utf8BytesAt(s, i);
    n += b;
    if (b === 4) i++;
  }
  return n;
}

/** Split text into pieces of at most `maxBytes` UTF-8 bytes, never inside a surrogate pair. */
export function splitUtf8(s: string, maxBytes: number): string[] {
  const out: string[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const size = utf8BytesAt(s, i);
    if (bytes + size > maxBytes && i > start) {
      out.push(s.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += size;
    if (size === 4) i++;
  }
  if (start < s.length) out.push(s.slice(start));
  return out;
}

function parseContext(o: Record<string, unknown>): {context: string; dockerfile: string} {
  return {
    context: contextName(str(o, 'context', 64)),
    dockerfile: str(o, 'dockerfile', MAX_DOCKERFILE_BYTES),
  };
}

/**
 * Validate one client frame (raw text). Throws `ProtocolError` on anything
 * that is not exactly one of the `ClientMessage` shapes; never returns extra
 * fields.
 */
export function parseClientMessage(raw: string): ClientMessage {
  if (utf8Length(raw) > MAX_CLIENT_FRAME_BYTES) {
    throw new ProtocolError('too-large', `frame larger than ${MAX_CLIENT_FRAME_BYTES} bytes`);
  }
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    throw new ProtocolError('bad-frame', 'frame is not JSON');
  }
  if (!isRecord(o)) throw new ProtocolError('bad-frame', 'frame is not an object');
  switch (o.t) {
    case 'hello': {
      if (o.v !== PROTOCOL_VERSION) {
        throw new ProtocolError('bad-frame', `protocol version ${PROTOCOL_VERSION} expected`);
      }
      const msg: HelloRequest = {
        t: 'hello',
        v: PROTOCOL_VERSION,
        cols: int(o, 'cols', 2, 1000),
        rows: int(o, 'rows', 1, 1000),
      };
      if (o.resume !== undefined) {
        if (!isRecord(o.resume)) throw new ProtocolError('bad-frame', '"resume" must be an object');
        msg.resume = {
          sessionId: str(o.resume, 'sessionId', 128),
          lastSeq: int(o.resume, 'lastSeq', 0, Number.MAX_SAFE_INTEGER),
        };
      }
      return msg;
    }
    case 'input':
      return {t: 'input', data: str(o, 'data', MAX_INPUT_BYTES)};
    case 'resize':
      return {t: 'resize', cols: int(o, 'cols', 2, 1000), rows: int(o, 'rows', 1, 1000)};
    case 'context':
      return {t: 'context', ...parseContext(o)};
    case 'run': {
      const msg: RunMessage = {
        t: 'run',
        blockId: str(o, 'blockId', 128),
        command: str(o, 'command', 4096),
      };
      if (o.context !== undefined) msg.context = contextName(str(o, 'context', 64));
      return msg;
    }
    case 'ack':
      return {t: 'ack', seq: int(o, 'seq', 0, Number.MAX_SAFE_INTEGER)};
    case 'ping':
      return {t: 'ping'};
    default:
      throw new ProtocolError('bad-frame', 'unknown frame type');
  }
}

/** Encode a frame for the wire (either direction). */
export function encode(msg: ClientMessage | ServerMessage): string {
  return JSON.stringify(msg);
}

/** Decode a server frame in the browser. Minimal checks: the server is trusted. */
export function parseServerMessage(raw: string): ServerMessage | null {
  try {
    const o = JSON.parse(raw) as unknown;
    if (isRecord(o) && typeof o.t === 'string') return o as unknown as ServerMessage;
  } catch {
    /* fall through */
  }
  return null;
}
