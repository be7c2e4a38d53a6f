import { Writable } from 'node:stream';
import { createLogger } from '../../backend/adapters/logger.ts';

/** The real logger, writing nowhere: for tests that need one but read nothing from it. */
export function silentLogger() {
  return createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }) });
}

/** The real logger at debug level, each line parsed into `logs` as it is written. */
export function capturedLogger(): { logger: ReturnType<typeof createLogger>; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
        callback();
      },
    }),
  });
  return { logger, logs };
}
