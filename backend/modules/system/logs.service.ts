import { tailLogFiles } from '../../adapters/log-files.ts';

export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

/** Reads back what the process wrote to its rotating log files. */
export class LogService {
  readonly #files: () => string[];

  constructor(options: { files: () => string[] }) {
    this.#files = options.files;
  }

  /** The newest `lines` entries at or above `level`, oldest first. */
  async tail(options: { lines: number; level?: LogLevelName }): Promise<Record<string, unknown>[]> {
    const entries = await tailLogFiles(this.#files(), { lines: options.lines, minLevel: options.level ? LOG_LEVELS[options.level] : 0 });
    return entries.map((entry) => ({ ...entry, level: levelName(entry.level) }));
  }
}

function levelName(level: unknown): string {
  const found = Object.entries(LOG_LEVELS).find(([, value]) => value === level);
  return found ? found[0] : String(level);
}
