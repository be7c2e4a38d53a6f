import type { WebhookService } from './webhook.service.ts';
import { createWebhookSchema, deliveriesQuerySchema, updateWebhookSchema } from './webhook.schema.ts';
import { entityId, parseInput } from '../../http/validate.ts';
import { createRouter } from '../../http/state.ts';

export function createWebhookRouter(webhooks: WebhookService) {
  const router = createRouter('/api/webhooks');
  const id = (raw: string) => parseInput(entityId, raw, 'Webhook id');

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
    ctx.body = await webhooks.get(id(ctx.params.id));
  });

  router.put('/:id', async (ctx) => {
    const input = parseInput(updateWebhookSchema, ctx.request.body);
    ctx.body = await webhooks.update(id(ctx.params.id), input);
  });

  router.delete('/:id', async (ctx) => {
    await webhooks.remove(id(ctx.params.id));
    ctx.status = 204;
  });

  router.post('/:id/test', async (ctx) => {
    // An optional body tests unsaved edits of the hook (the panel's edit form).
    ctx.body = await webhooks.testSaved(id(ctx.params.id), parseInput(updateWebhookSchema, ctx.request.body));
  });

  router.get('/:id/deliveries', async (ctx) => {
    const query = parseInput(deliveriesQuerySchema, ctx.query, 'Query');
    ctx.body = await webhooks.deliveries(id(ctx.params.id), query.page, query.per_page);
  });

  return router;
}
