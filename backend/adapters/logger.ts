import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Everything that could carry a secret is cut from log lines, wherever it appears. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'master_password',
  '*.master_password',
  'new_password',
  '*.new_password',
  'current_password',
  '*.current_password',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'api_key',
  '*.api_key',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
];

/** `file` (the rotating log file) receives every line the primary destination does. */
export function createLogger(options: { level: string; destination?: DestinationStream; file?: DestinationStream }): Logger {
  const primary = options.destination ?? pino.destination({ dest: 1, sync: false });
  const destination = options.file
    ? pino.multistream([
        { level: 'trace', stream: primary },
        { level: 'trace', stream: options.file },
      ])
    : primary;
  return pino(
    {
      level: options.level,
      base: { app: 'aniworld' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
