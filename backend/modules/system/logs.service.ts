import { tailLogFiles } from '../../adapters/log-files.ts';
import { maskText } from '../notifications/webhook-secrets.ts';

export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

/** Reads back what the process wrote to its rotating log files. */
export class LogService {
  readonly #files: () => string[];
  readonly #secrets: () => Promise<readonly string[]>;

  /** `secrets`: values that must not be shown even if an older release logged them (webhook tokens). */
  constructor(options: { files: () => string[]; secrets?: () => Promise<readonly string[]> }) {
    this.#files = options.files;
    this.#secrets = options.secrets ?? (async () => []);
  }

  /** The newest `lines` entries at or above `level`, oldest first. */
  async tail(options: { lines: number; level?: LogLevelName }): Promise<Record<string, unknown>[]> {
    const entries = await tailLogFiles(this.#files(), { lines: options.lines, minLevel: options.level ? LOG_LEVELS[options.level] : 0 });
    const secrets = await this.#secrets();
    return entries.map((entry) => ({ ...(secrets.length > 0 ? maskStrings(entry, secrets) : entry), level: levelName(entry.level) }));
  }
}

function maskStrings(entry: Record<string, unknown>, secrets: readonly string[]): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return maskText(value, secrets);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, walk(child)]));
    return value;
  };
  return walk(entry) as Record<string, unknown>;
}

function levelName(level: unknown): string {
  const found = Object.entries(LOG_LEVELS).find(([, value]) => value === level);
  return found ? found[0] : String(level);
}
