import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import type { SeriesBulk } from './series-bulk.ts';
import { bulkSchema } from './series.schema.ts';

/**
 * POST /api/anime/bulk. A path of its own (no `/:key` route answers POST), so no series key can
 * be shadowed by it. 200 with per-series results, also when some failed.
 */
export function createSeriesBulkRouter(bulk: SeriesBulk) {
  const router = createRouter('/api/anime');
  router.post('/bulk', async (ctx) => {
    const input = parseInput(bulkSchema, ctx.request.body);
    ctx.body = await bulk.run(input.action, input.keys);
  });
  return router;
}
