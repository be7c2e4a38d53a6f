import type { QueueService } from './queue.service.ts';
import { addMissingSchema, addUpgradesSchema, addSchema, itemParams, patchSchema, reorderSchema, retrySchema } from './queue.schema.ts';
import { parseInput } from '../../http/validate.ts';
import { createRouter } from '../../http/state.ts';

/** /api/queue: the download queue (wire contract in the design notes; item shape in queue.view.ts). */
export function createQueueRouter(queue: QueueService) {
  const router = createRouter('/api/queue');

  router.get('/status', async (ctx) => {
    ctx.body = await queue.status();
  });

  router.post('/add', async (ctx) => {
    const input = parseInput(addSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await queue.add(input);
  });

  router.post('/add-missing', async (ctx) => {
    const input = parseInput(addMissingSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await queue.addMissing(input);
  });

  router.post('/add-upgrades', async (ctx) => {
    const input = parseInput(addUpgradesSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await queue.addUpgrades(input);
  });

  router.post('/start', async (ctx) => {
    ctx.body = await queue.start();
  });
  router.post('/stop', async (ctx) => {
    ctx.body = await queue.stop();
  });
  router.post('/pause', async (ctx) => {
    ctx.body = await queue.pause();
  });
  router.post('/resume', async (ctx) => {
    ctx.body = await queue.resume();
  });

  router.post('/retry', async (ctx) => {
    const input = parseInput(retrySchema, ctx.request.body);
    ctx.body = await queue.retry(input.item_ids);
  });

  router.post('/reorder', async (ctx) => {
    const input = parseInput(reorderSchema, ctx.request.body);
    ctx.body = await queue.reorder(input.item_ids);
  });

  router.delete('/completed', async (ctx) => {
    ctx.body = await queue.clearCompleted();
  });

  router.get('/:item_id', async (ctx) => {
    const { item_id } = parseInput(itemParams, ctx.params, 'Path');
    ctx.body = await queue.item(item_id);
  });

  router.patch('/:item_id', async (ctx) => {
    const { item_id } = parseInput(itemParams, ctx.params, 'Path');
    const input = parseInput(patchSchema, ctx.request.body);
    ctx.body = await queue.setPriority(item_id, input.priority);
  });

  router.delete('/:item_id', async (ctx) => {
    const { item_id } = parseInput(itemParams, ctx.params, 'Path');
    ctx.body = await queue.remove(item_id);
  });

  router.post('/:item_id/cancel', async (ctx) => {
    const { item_id } = parseInput(itemParams, ctx.params, 'Path');
    ctx.body = await queue.cancelItem(item_id);
  });

  router.post('/:item_id/pause', async (ctx) => {
    const { item_id } = parseInput(itemParams, ctx.params, 'Path');
    ctx.body = await queue.pauseItem(item_id);
  });

  router.post('/:item_id/resume', async (ctx) => {
    const { item_id } = parseInput(itemParams, ctx.params, 'Path');
    ctx.body = await queue.resumeItem(item_id);
  });

  return router;
}
