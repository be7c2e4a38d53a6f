import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import type { SeriesService } from './series.service.ts';
import { addSchema, deleteQuerySchema, importQuerySchema, importSchema, keyParamSchema, namingPreviewSchema, searchSchema, updateSchema } from './series.schema.ts';

/** /api/anime: the library. Fixed paths are registered before `/:key`. */
export function createSeriesRouter(series: SeriesService) {
  const router = createRouter('/api/anime');
  const key = (raw: string) => parseInput(keyParamSchema, raw, 'Series key');

  router.get('/', async (ctx) => {
    ctx.body = await series.list();
  });

  router.post('/search', async (ctx) => {
    const input = parseInput(searchSchema, ctx.request.body);
    ctx.body = await series.search(input.query);
  });

  router.post('/add', async (ctx) => {
    const input = parseInput(addSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await series.add(input);
  });

  router.post('/rescan', (ctx) => {
    ctx.status = 202;
    ctx.body = series.requestLibraryScan();
  });

  router.post('/naming/preview', (ctx) => {
    const input = parseInput(namingPreviewSchema, ctx.request.body);
    ctx.body = { examples: series.previewNaming(input) };
  });

  router.get('/import', async (ctx) => {
    const query = parseInput(importQuerySchema, ctx.query, 'Query');
    ctx.body = await series.importCandidates(query);
  });

  router.post('/import', async (ctx) => {
    const input = parseInput(importSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await series.importFolder(input);
  });

  router.get('/:key', async (ctx) => {
    ctx.body = await series.detail(key(ctx.params.key));
  });

  router.patch('/:key', async (ctx) => {
    const input = parseInput(updateSchema, ctx.request.body);
    ctx.body = await series.update(key(ctx.params.key), input);
  });

  router.delete('/:key', async (ctx) => {
    const query = parseInput(deleteQuerySchema, ctx.query, 'Query');
    ctx.body = await series.remove(key(ctx.params.key), query.delete_files);
  });

  router.post('/:key/rescan', async (ctx) => {
    ctx.body = await series.scanSeries(key(ctx.params.key));
  });

  router.post('/:key/refresh', async (ctx) => {
    const target = key(ctx.params.key);
    const summary = await series.refreshSeries(target);
    ctx.body = { ...summary, anime: await series.detail(target) };
  });

  return router;
}
