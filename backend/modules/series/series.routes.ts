import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import { createHash } from 'node:crypto';
import type { SeriesService } from './series.service.ts';
import {
  listQuerySchema,
  addSchema,
  deleteQuerySchema,
  ignoredFolderParams,
  ignoreFolderSchema,
  importAllSchema,
  importQuerySchema,
  importSchema,
  namingPreviewSchema,
  searchSchema,
  seriesParams,
  updateSchema,
} from './series.schema.ts';

/** /api/anime: the library. Fixed paths are registered before `/:key`. */
export function createSeriesRouter(series: SeriesService) {
  const router = createRouter('/api/anime');
  const key = (params: unknown) => parseInput(seriesParams, params, 'Path').key;

  // From the precomputed view. The ETag lets the panel's reloads end in a 304; `?fields=`,
  // `?offset=` and `?limit=` trim the answer (still an array; X-Total-Count says how many there are).
  router.get('/', async (ctx) => {
    const query = parseInput(listQuerySchema, ctx.query, 'Query');
    const list = await series.listBody();
    const trimmed = query.fields !== undefined || query.offset !== undefined || query.limit !== undefined;
    ctx.status = 200;
    ctx.set('Cache-Control', 'private, no-cache');
    ctx.set('X-Total-Count', String(list.summaries.length));
    const etag = trimmed ? variantTag(list.etag, ctx.querystring) : list.etag;
    ctx.set('ETag', etag);
    // Compared here, not with ctx.fresh: that ignores If-None-Match when the request says
    // `Cache-Control: no-cache`, which fetch() adds to every conditional request; we are the origin.
    if (matchesTag(ctx.get('If-None-Match'), etag)) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/json';
    if (!trimmed) {
      ctx.body = list.json;
      return;
    }
    const offset = query.offset ?? 0;
    const page = list.summaries.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    const fields = query.fields;
    ctx.body = JSON.stringify(fields ? page.map((summary) => Object.fromEntries(fields.map((name) => [name, summary[name]]))) : page);
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

  // 200 also when some folders failed: each folder reports its own outcome.
  router.post('/import/all', async (ctx) => {
    const input = parseInput(importAllSchema, ctx.request.body);
    ctx.body = await series.importAll(input);
  });

  router.get('/import/ignored', async (ctx) => {
    ctx.body = await series.ignoredFolders();
  });

  router.post('/import/ignored', async (ctx) => {
    const input = parseInput(ignoreFolderSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = await series.ignoreFolder(input.folder);
  });

  router.delete('/import/ignored/:folder', async (ctx) => {
    const { folder } = parseInput(ignoredFolderParams, ctx.params, 'Path');
    ctx.body = await series.unignoreFolder(folder);
  });

  router.get('/:key', async (ctx) => {
    ctx.body = await series.detail(key(ctx.params));
  });

  router.patch('/:key', async (ctx) => {
    const target = key(ctx.params);
    ctx.body = await series.update(target, parseInput(updateSchema, ctx.request.body));
  });

  router.delete('/:key', async (ctx) => {
    const query = parseInput(deleteQuerySchema, ctx.query, 'Query');
    ctx.body = await series.remove(key(ctx.params), query.delete_files);
  });

  router.post('/:key/rescan', async (ctx) => {
    ctx.body = await series.scanSeries(key(ctx.params));
  });

  // Organize: the moves that would bring the files to the naming templates, then applying them.
  router.get('/:key/rename', async (ctx) => {
    ctx.body = await series.renamePlan(key(ctx.params));
  });

  router.post('/:key/rename', async (ctx) => {
    ctx.body = await series.renameApply(key(ctx.params));
  });

  router.post('/:key/refresh', async (ctx) => {
    const target = key(ctx.params);
    const summary = await series.refreshSeries(target);
    ctx.body = { ...summary, anime: await series.detail(target) };
  });

  return router;
}

/** If-None-Match: `*` or a list of tags, weak ones (W/"…") compared by their value. */
function matchesTag(header: string, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '');
    return value === '*' || value === etag;
  });
}

/** The ETag of a trimmed list: the whole list's tag and the query that trimmed it. */
function variantTag(etag: string, querystring: string): string {
  return `"${createHash('sha1').update(etag).update(querystring).digest('base64url')}"`;
}
