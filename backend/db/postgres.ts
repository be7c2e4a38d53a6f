import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import pg from 'pg';
import { ENTITIES } from './entities.ts';
import { POSTGRES_MIGRATIONS } from './migrations-postgres/index.ts';
import type { Orm } from './orm.ts';

/** Any number for pg_advisory_lock that other applications on the same server are unlikely to use. */
const MIGRATION_LOCK = 0x616e6977;

/**
 * ANIWORLD_DATABASE_URL: the same entities on PostgreSQL. Loaded only when that is configured
 * (orm.ts imports this module lazily), so the default SQLite process never loads pg.
 */
export async function openPostgres(options: { url: string; debug?: boolean; log?: (message: string) => void; poolMax?: number }): Promise<Orm> {
  const orm = await MikroORM.init({
    clientUrl: options.url,
    entities: ENTITIES,
    extensions: [Migrator],
    allowGlobalContext: false,
    debug: options.debug ?? false,
    logger: options.log ?? (() => {}),
    pool: { max: options.poolMax ?? 10 },
    migrations: {
      migrationsList: POSTGRES_MIGRATIONS,
      silent: options.log === undefined,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
  });
  try {
    await migrateOnce(options.url, async () => {
      if ((await orm.migrator.getPending()).length > 0) await orm.migrator.up();
    });
    return orm as unknown as Orm;
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

/** An API and several workers start together: one of them migrates, the others wait for it. */
async function migrateOnce(url: string, migrate: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await client.end();
  }
}

/** postgresql://user:secret@host/db -> postgresql://user:***@host/db, for logs and health. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgresql://(unparsable URL)';
  }
}
