import type { SettingsStore } from '../../../config/store.ts';
import { mergeSettings, validateSettings } from '../../../config/load.ts';
import { BadRequestError } from '../../errors.ts';
import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import { configBackupParams } from './config.schema.ts';

/** Read-only fields GET adds; a client may send them back on PUT and they are ignored. */
const READ_ONLY_KEYS = ['overridden_by_env'];

export function createConfigRouter(settings: SettingsStore) {
  const router = createRouter('/api/config');

  const view = () => ({ ...settings.current(), overridden_by_env: settings.overriddenKeys() });

  router.get('/', (ctx) => {
    ctx.body = view();
  });

  /** Accepts the whole document or a part of it: keys not given keep their stored value. */
  router.put('/', async (ctx) => {
    const body = requireObject(ctx.request.body);
    await settings.patch(body);
    ctx.body = view();
  });

  router.post('/validate', (ctx) => {
    const body = requireObject(ctx.request.body);
    const result = validateSettings(mergeSettings(settings.current() as unknown as Record<string, unknown>, body));
    ctx.body = result.ok ? { valid: true, errors: [] } : { valid: false, errors: result.problems };
  });

  router.get('/backups', async (ctx) => {
    ctx.body = await settings.listBackups();
  });

  router.post('/backups', async (ctx) => {
    ctx.status = 201;
    ctx.body = await settings.createBackup();
  });

  router.post('/backups/:name/restore', async (ctx) => {
    const { name } = parseInput(configBackupParams, ctx.params, 'Path');
    await settings.restore(name);
    ctx.body = view();
  });

  return router;
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('Request body must be a JSON object');
  const copy = { ...(body as Record<string, unknown>) };
  for (const key of READ_ONLY_KEYS) delete copy[key];
  return copy;
}
