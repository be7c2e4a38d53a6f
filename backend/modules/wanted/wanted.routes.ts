import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import type { WantedService } from './wanted.service.ts';
import { wantedDownloadSchema, wantedQuerySchema } from './wanted.schema.ts';

/** /api/wanted: what monitored series still need, across the library (Sonarr's "Wanted"). */
export function createWantedRouter(wanted: WantedService) {
  const router = createRouter('/api/wanted');

  router.get('/', async (ctx) => {
    const query = parseInput(wantedQuerySchema, ctx.query, 'Query');
    ctx.body = await wanted.list(query);
  });

  // 200 even when a series failed: each series reports its own outcome.
  router.post('/download', async (ctx) => {
    const input = parseInput(wantedDownloadSchema, ctx.request.body);
    ctx.body = await wanted.download(input);
  });

  return router;
}
