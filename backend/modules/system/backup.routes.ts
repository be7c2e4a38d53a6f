import { createReadStream } from 'node:fs';
import { createRouter } from '../../http/state.ts';
import { parseInput } from '../../http/validate.ts';
import type { BackupService } from './backup.service.ts';
import { backupParams } from './system.schema.ts';

/**
 * Database backups on the System page: list, create, download, upload, restore, delete. Every
 * route needs a signed-in user (the central rule in http/auth.ts); on PostgreSQL each answers
 * 409 `backup_unsupported` with the reason.
 */
export function createBackupRouter(backups: BackupService) {
  const router = createRouter('/api/system/backups');

  router.get('/', async (ctx) => {
    ctx.body = { backups: await backups.listDatabase(), keep: backups.keep };
  });

  router.post('/', async (ctx) => {
    ctx.status = 201;
    ctx.body = await backups.createDatabase();
  });

  // The raw file as the body (application/octet-stream); it is checked before it is kept.
  router.post('/upload', async (ctx) => {
    const length = Number(ctx.get('Content-Length'));
    ctx.status = 201;
    ctx.body = await backups.upload(ctx.req, Number.isFinite(length) && length > 0 ? length : undefined);
  });

  router.get('/:name', async (ctx) => {
    const { name } = parseInput(backupParams, ctx.params, 'Path');
    const file = await backups.databaseFile(name);
    ctx.set('Content-Disposition', `attachment; filename="${name}"`);
    ctx.type = 'application/vnd.sqlite3';
    ctx.length = file.size;
    ctx.body = createReadStream(file.path);
  });

  router.post('/:name/restore', async (ctx) => {
    const { name } = parseInput(backupParams, ctx.params, 'Path');
    ctx.body = await backups.restoreDatabase(name);
  });

  router.delete('/:name', async (ctx) => {
    const { name } = parseInput(backupParams, ctx.params, 'Path');
    await backups.deleteDatabase(name);
    ctx.status = 204;
  });

  return router;
}
