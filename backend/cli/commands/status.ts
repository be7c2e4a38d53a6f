import { stat } from 'node:fs/promises';
import type { Command } from '../command.ts';
import { formatBytes, print } from '../io.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show version, folders, setup state, library size and backups.',
  usage: ['status [--json]'],
  options: { json: { type: 'boolean' } },
  async run(args, { io, withApp }) {
    const status = await withApp(async (app) => {
      const health = await app.services.health.check();
      const database = await stat(app.config.paths.databaseFile).catch(() => undefined);
      const backups = await app.services.backups.list();
      return {
        version: app.config.version,
        data_dir: app.config.paths.dataDir,
        media_dir: app.config.paths.mediaDir,
        configured: await app.services.auth.isConfigured(),
        health: health.status,
        series: Number((health.db as { series?: number } | undefined)?.series ?? 0),
        database_bytes: database?.size ?? 0,
        jobs_store: app.config.runtime.jobs_store,
        backups: backups.length,
        latest_backup: backups[0]?.name ?? null,
      };
    });
    if (args.values.json === true) {
      print(io.stdout, JSON.stringify(status, null, 2));
      return 0;
    }
    print(
      io.stdout,
      [
        `AniWorld ${status.version}`,
        `  data:        ${status.data_dir}`,
        `  media:       ${status.media_dir}`,
        `  set up:      ${status.configured ? 'yes' : 'no (open the panel to choose a master password)'}`,
        `  health:      ${status.health}`,
        `  series:      ${status.series}`,
        `  database:    ${formatBytes(status.database_bytes)}`,
        `  job store:   ${status.jobs_store}`,
        `  backups:     ${status.backups}${status.latest_backup ? ` (latest ${status.latest_backup})` : ''}`,
      ].join('\n'),
    );
    return 0;
  },
};
