import pino, {type Logger} from 'pino';

export type {Logger};

/**
 * Structured JSON logs (pino). Secrets are redacted by construction: they are
 * `Secret` objects that serialise as "[redacted]"; the paths below are a
 * second net for anything that slips through as a plain string.
 */
export function createLogger(opts: {level?: string; destination?: NodeJS.WritableStream} = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.LAB_LOG_LEVEL ?? 'info',
      base: {service: 'lab-companion'},
      redact: {
        paths: [
          'password',
          '*.password',
          'secret',
          '*.secret',
          'token',
          '*.token',
          'authconfig',
          '*.authconfig',
          'headers.authorization',
          'headers["x-registry-auth"]',
          '*.headers["x-registry-auth"]',
        ],
        censor: '[redacted]',
      },
    },
    (opts.destination as pino.DestinationStream | undefined) ??
      pino.destination(process.env.LAB_LOG_FILE ? {dest: process.env.LAB_LOG_FILE, mkdir: true, sync: true} : 2),
  );
}
