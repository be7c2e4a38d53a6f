import type { WebhookService } from './webhook.service.ts';
import { createWebhookSchema, deliveriesQuerySchema, updateWebhookSchema, webhookParams } from './webhook.schema.ts';
import { parseInput } from '../../http/validate.ts';
import { createRouter } from '../../http/state.ts';

export function createWebhookRouter(webhooks: WebhookService) {
  const router = createRouter('/api/webhooks');
  const id = (params: unknown) => parseInput(webhookParams, params, 'Path').id;

  router.get('/', async (ctx) => {
    ctx.body = await webhooks.list();
  });

  router.post('/', async (ctx) => {
    const input = parseInput(createWebhookSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await webhooks.create(input);
  });

  // Registered before '/:id' routes so that "test" is never taken for an id.
  router.post('/test', async (ctx) => {
    const input = parseInput(createWebhookSchema, ctx.request.body);
    ctx.body = await webhooks.testTarget(input);
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await webhooks.get(id(ctx.params));
  });

  router.put('/:id', async (ctx) => {
    const target = id(ctx.params);
    ctx.body = await webhooks.update(target, parseInput(updateWebhookSchema, ctx.request.body));
  });

  router.delete('/:id', async (ctx) => {
    await webhooks.remove(id(ctx.params));
    ctx.status = 204;
  });

  router.post('/:id/test', async (ctx) => {
    // An optional body tests unsaved edits of the hook (the panel's edit form).
    ctx.body = await webhooks.testSaved(id(ctx.params), parseInput(updateWebhookSchema, ctx.request.body));
  });

  router.get('/:id/deliveries', async (ctx) => {
    const query = parseInput(deliveriesQuerySchema, ctx.query, 'Query');
    ctx.body = await webhooks.deliveries(id(ctx.params), query.page, query.per_page);
  });

  return router;
}
