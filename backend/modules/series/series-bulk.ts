import type { Logger } from '../../adapters/logger.ts';
import { AppError, ValidationError } from '../../errors.ts';
import { keyParamSchema, type BulkAction } from './series.schema.ts';
import type { BulkResult } from '../../../contract/index.ts';

export interface SeriesBulkDeps {
  readonly series: {
    setMonitored(key: string, monitored: boolean): Promise<{ key: string; monitored: boolean }>;
    refreshSeries(key: string): Promise<{ seasons: number; episodes: number }>;
  };
  /** Download-missing goes through the queue's normal add. */
  readonly queue: { addMissing(input: { key: string; priority: number }): Promise<{ item_ids: string[]; skipped: readonly unknown[] }> };
  readonly logger: Logger;
}

export type BulkOutcome = BulkResult['results'][number];
type Success = { monitored: boolean } | { seasons: number; episodes: number } | { item_ids: string[]; skipped: number };

/**
 * The library's multi-select: one action on many series, one after the other (a refresh asks the
 * rate-limited provider), each reporting its own outcome, so one bad key does not fail the others.
 */
export class SeriesBulk {
  readonly #deps: SeriesBulkDeps;
  readonly #logger: Logger;

  constructor(deps: SeriesBulkDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'library' });
  }

  async run(action: BulkAction, keys: readonly string[]): Promise<BulkResult> {
    const results: BulkOutcome[] = [];
    for (const key of new Set(keys)) {
      try {
        if (!keyParamSchema.safeParse(key).success) throw new ValidationError(`"${key}" is not a series key (lower-case letters, digits and dashes)`);
        results.push({ key, ok: true, ...(await this.#one(action, key)) });
      } catch (error) {
        results.push({ key, ok: false, error: this.#describe(key, action, error) });
      }
    }
    const failed = results.filter((result) => !result.ok).length;
    return { action, succeeded: results.length - failed, failed, results };
  }

  async #one(action: BulkAction, key: string): Promise<Success> {
    switch (action) {
      case 'monitor':
      case 'unmonitor':
        return { monitored: (await this.#deps.series.setMonitored(key, action === 'monitor')).monitored };
      case 'refresh': {
        const summary = await this.#deps.series.refreshSeries(key);
        return { seasons: summary.seasons, episodes: summary.episodes };
      }
      case 'download_missing': {
        const added = await this.#deps.queue.addMissing({ key, priority: 0 });
        return { item_ids: added.item_ids, skipped: added.skipped.length };
      }
    }
  }

  #describe(key: string, action: BulkAction, error: unknown): { code: string; message: string } {
    if (error instanceof AppError && error.expose) return { code: error.code, message: error.message };
    this.#logger.error({ err: error, key, action }, 'bulk action failed for a series');
    return { code: 'internal_error', message: 'This series failed; the log has the details' };
  }
}
