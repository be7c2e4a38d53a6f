import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import type { ActivityLog } from './activity.service.ts';
import { activityQuerySchema } from './activity.schema.ts';

/** /api/activity: the activity log, newest first. */
export function createActivityRouter(activity: ActivityLog) {
  const router = createRouter('/api/activity');

  router.get('/', async (ctx) => {
    const query = parseInput(activityQuerySchema, ctx.query, 'Query');
    ctx.body = await activity.list({ offset: query.offset, limit: query.limit, types: query.type });
  });

  return router;
}
