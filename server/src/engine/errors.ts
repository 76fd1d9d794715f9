/**
 * Engine failures, worded as the docker CLI words them, so that what a reader
 * learns here matches their own terminal. Messages never include request
 * headers or bodies (where credentials travel).
 */
export class EngineError extends Error {
  constructor(
    message: string,
    /** HTTP status from the engine, 0 when it could not be reached. */
    public readonly status: number,
    public readonly unreachable = false,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

interface DockerodeLikeError {
  statusCode?: number;
  json?: unknown;
  reason?: string;
  code?: string;
  message?: string;
  name?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** Turn whatever dockerode threw into an EngineError with the CLI's wording. */
export function toEngineError(err: unknown, engineAddress: string): EngineError {
  if (err instanceof EngineError) return err;
  const e = (err ?? {}) as DockerodeLikeError;
  if (e.name === 'AbortError') return new EngineError('canceled', 0);
  if (e.code && UNREACHABLE_CODES.has(e.code) && !e.statusCode) {
    return new EngineError(
      `Cannot connect to the Docker daemon at ${engineAddress}. Is the docker daemon running?`,
      0,
      true,
    );
  }
  if (e.statusCode) {
    let detail = '';
    const json = e.json as {message?: unknown} | string | undefined;
    if (json && typeof json === 'object' && typeof json.message === 'string') detail = json.message;
    else if (typeof json === 'string') detail = json.trim();
    else if (e.reason) detail = e.reason;
    return new EngineError(`Error response from daemon: ${detail || `HTTP ${e.statusCode}`}`, e.statusCode);
  }
  return new EngineError(`error talking to the Docker daemon: ${e.message ?? String(err)}`, 0, true);
}

/**
 * An engine stream (build, push) that broke off: the engine went away or
 * restarted mid-command. Already-EngineErrors pass through.
 */
export function streamBroken(err: unknown, engineAddress: string, what: string): EngineError {
  if (err instanceof EngineError) return err;
  const code = (err as {code?: string} | null)?.code;
  return new EngineError(
    `the connection to the Docker daemon at ${engineAddress} was lost during the ${what}${code ? ` (${code})` : ''}: ` +
      'the engine stopped or restarted; try again once it is back',
    0,
    true,
  );
}
