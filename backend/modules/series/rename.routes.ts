import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import type { SeriesService } from './series.service.ts';
import { renameLibrarySchema } from './series.schema.ts';
import type { LibraryRenamePlan, LibraryRenameResult } from '../../../contract/index.ts';

/** /api/rename: Organize for the whole library (per series: /api/anime/:key/rename). */
export function createRenameRouter(series: SeriesService) {
  const router = createRouter('/api/rename');

  router.get('/', async (ctx) => {
    const plans = await series.renamePlanLibrary();
    const body: LibraryRenamePlan = {
      series: plans,
      total_moves: plans.reduce((sum, plan) => sum + plan.moves.length, 0),
      total_clashes: plans.reduce((sum, plan) => sum + plan.clashes.length, 0),
    };
    ctx.body = body;
  });

  router.post('/', async (ctx) => {
    const input = parseInput(renameLibrarySchema, ctx.request.body);
    const results = await series.renameApplyLibrary(input.keys);
    const body: LibraryRenameResult = {
      series: results,
      total_moves: results.reduce((sum, result) => sum + result.moves.length, 0),
      total_failed: results.reduce((sum, result) => sum + result.failed.length, 0),
    };
    ctx.body = body;
  });

  return router;
}
