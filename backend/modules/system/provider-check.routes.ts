import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import type { PersonChecks } from '../../providers/checks/person-checks.ts';
import { checkFrameQuerySchema, checkInputSchema, checkParams } from './provider-check.schema.ts';

/** A person solving a provider check from the panel: the waiting checks, the live view, their clicks and keys. */

const FRAME_WAIT_MS = 20_000;

export function createProviderCheckRouter(checks: PersonChecks) {
  const router = createRouter();

  router.get('/api/provider/checks', (ctx) => {
    ctx.body = { checks: checks.list() };
  });

  // Long poll: the next screencast frame after `after`; 204 when the page did not change for a while.
  router.get('/api/provider/checks/:site/frame', async (ctx) => {
    const query = parseInput(checkFrameQuerySchema, ctx.query, 'Query');
    const { site } = parseInput(checkParams, ctx.params, 'Path');
    const frame = await checks.frame(site, query.after, FRAME_WAIT_MS);
    ctx.set('Cache-Control', 'no-store');
    if (!frame) {
      ctx.status = 204;
      return;
    }
    ctx.set('X-Frame-Seq', String(frame.seq));
    ctx.set('X-Frame-Width', String(frame.width));
    ctx.set('X-Frame-Height', String(frame.height));
    ctx.type = 'image/jpeg';
    ctx.body = frame.jpeg;
  });

  router.post('/api/provider/checks/:site/input', async (ctx) => {
    const { site } = parseInput(checkParams, ctx.params, 'Path');
    const input = parseInput(checkInputSchema, ctx.request.body, 'Body');
    await checks.input(site, input);
    ctx.status = 204;
  });

  router.post('/api/provider/checks/:site/give-up', (ctx) => {
    checks.giveUp(parseInput(checkParams, ctx.params, 'Path').site);
    ctx.status = 204;
  });

  return router;
}
