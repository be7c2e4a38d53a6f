import { existsSync } from 'node:fs';
import { loadConfig } from '../../../config/load.ts';
import type { DatabaseRows } from '../../db/copy-to-postgres.ts';
import type { Command } from '../command.ts';
import { print, UsageError } from '../io.ts';

export const migrateToPostgresCommand: Command = {
  name: 'migrate-to-postgres',
  summary: "Copy this installation's SQLite database into an empty PostgreSQL database (scale-out).",
  usage: [
    'migrate-to-postgres --url postgresql://user:password@host:5432/aniworld',
    'migrate-to-postgres --url=postgresql://user:password@host:5432/aniworld',
    'migrate-to-postgres   (URL from ANIWORLD_DATABASE_URL)',
  ],
  details: [
    'Stop the server first: writes made after the copy started would stay behind in SQLite.',
    'Copies every series, episode, queue item, session, credential, webhook and delivery, keeping',
    'their ids; the target gets its schema from the PostgreSQL migrations and must be empty.',
    'Then start AniWorld with ANIWORLD_DATABASE_URL set to the same URL. The SQLite file stays as it was.',
    'Queued jobs are not copied: pending downloads are handed to the workers again at start.',
  ].join('\n'),
  options: { url: { type: 'string' } },
  async run(args, { io }) {
    const { config } = loadConfig({ env: { ...io.env, ANIWORLD_DATABASE_URL: undefined }, cwd: io.cwd });
    const [named, ...extra] = args.positionals;
    if (extra.length > 0 || (named !== undefined && typeof args.values.url === 'string'))
      throw new UsageError(`Unexpected argument "${extra[0] ?? named}": give one URL.`);
    const url = (typeof args.values.url === 'string' ? args.values.url : named) ?? io.env.ANIWORLD_DATABASE_URL;
    if (!url) throw new UsageError('Name the target: --url postgresql://user:password@host:5432/aniworld (or set ANIWORLD_DATABASE_URL).');
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`"${url}" is not a postgresql:// URL.`);
    if (!existsSync(config.paths.databaseFile))
      throw new UsageError(`There is no SQLite database at ${config.paths.databaseFile} (ANIWORLD_DATA_DIR) to copy.`);
    // Loaded here, not at the top: every other command (and --help) starts without the ORM.
    const [{ openPostgres, redactUrl }, { openDatabase }, { readAllRows, writeAllRows }] = await Promise.all([
      import('../../db/postgres.ts'),
      import('../../db/orm.ts'),
      import('../../db/copy-to-postgres.ts'),
    ]);
    print(io.stdout, `Copying ${config.paths.databaseFile} to ${redactUrl(url)} ...`);
    const source = await openDatabase({ file: config.paths.databaseFile, journal: config.runtime.sqlite_journal, backupDir: config.paths.backupDir });
    let rows: DatabaseRows;
    try {
      rows = await readAllRows(source);
    } finally {
      await source.close();
    }
    const target = await openPostgres({ url });
    try {
      const written = await writeAllRows(target, rows);
      for (const [table, count] of Object.entries(written)) print(io.stdout, `  ${table.padEnd(18)} ${count}`);
    } finally {
      await target.close();
    }
    print(io.stdout, `Done. Start AniWorld with ANIWORLD_DATABASE_URL=${redactUrl(url)} (the compose "scale" profile does).`);
    return 0;
  },
};
