import type { Command } from '../command.ts';
import { formatBytes, print, table, UsageError } from '../io.ts';

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Create, list and restore backups of the settings and the database.',
  usage: ['backup create [--json]', 'backup list [--json]', 'backup restore <name>'],
  details: [
    'create   copies the database (safe while AniWorld runs) and config.json into <data>/backups',
    'list     shows every backup, newest first',
    'restore  puts one back; restoring the database first saves the current one as *-pre-restore.db.',
    '         Restart AniWorld after restoring a database so every cache starts from it.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  async run(args, { io, withApp }) {
    const [action, name, ...extra] = args.positionals;
    const json = args.values.json === true;
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
    switch (action) {
      case 'create': {
        const created = await withApp((app) => app.services.backups.create());
        if (json) print(io.stdout, JSON.stringify(created, null, 2));
        else for (const entry of created) print(io.stdout, `created ${entry.kind} backup ${entry.name} (${formatBytes(entry.size)})`);
        return 0;
      }
      case 'list': {
        const entries = await withApp((app) => app.services.backups.list());
        if (json) print(io.stdout, JSON.stringify(entries, null, 2));
        else if (entries.length === 0) print(io.stdout, 'No backups yet. Create one with: aniworld backup create');
        else
          print(
            io.stdout,
            table([['NAME', 'KIND', 'CREATED', 'SIZE'], ...entries.map((entry) => [entry.name, entry.kind, entry.created_at, formatBytes(entry.size)])]),
          );
        return 0;
      }
      case 'restore': {
        if (!name) throw new UsageError('Which backup? Give its name (see: aniworld backup list).');
        const result = await withApp((app) => app.services.backups.restore(name));
        if (result.kind === 'database') {
          print(io.stdout, `Database restored from ${name}. The previous state is saved as ${result.safety_backup}.`);
          print(io.stdout, 'Restart AniWorld (docker restart aniworld) so it starts from the restored data.');
        } else {
          print(io.stdout, `Settings restored from ${name}.`);
        }
        return 0;
      }
      case undefined:
        throw new UsageError('Missing action: create, list or restore.');
      default:
        throw new UsageError(`Unknown action "${action}": use create, list or restore.`);
    }
  },
};
