import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../backend/db/postgres.ts';
import { POSTGRES_MIGRATIONS } from '../../backend/db/migrations-postgres/index.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

let server: PostgresServer;
beforeAll(async () => { server = await startPostgres(); }, 60_000);
afterAll(async () => { await server?.stop(); });

describe('PostgreSQL migrations', () => {
  it('produce exactly the schema the entities describe', async () => {
    const orm = await openPostgres({ url: server.url });
    try {
      const drift = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(drift.trim(), 'entities changed without a PostgreSQL migration: write one in backend/db/migrations-postgres').toBe('');
      expect((await orm.migrator.getExecuted()).map((migration) => migration.name)).toEqual(POSTGRES_MIGRATIONS.map((migration) => migration.name));
    } finally {
      await orm.close();
    }
  });

  it('let processes that start together migrate once', async () => {
    const url = await server.createDatabase('together');
    const orms = await Promise.all([openPostgres({ url }), openPostgres({ url }), openPostgres({ url })]);
    try {
      const rows = await orms[0].em.getConnection().execute('select count(*)::int as count from mikro_orm_migrations');
      expect(rows[0].count).toBe(POSTGRES_MIGRATIONS.length);
    } finally {
      await Promise.all(orms.map((orm) => orm.close()));
    }
  });

  it('can go down and up again', async () => {
    const url = await server.createDatabase('downup');
    const orm = await openPostgres({ url });
    try {
      await orm.migrator.down({ to: 0 });
      expect(await orm.migrator.getExecuted()).toEqual([]);
      await orm.migrator.up();
      expect((await orm.schema.getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
    } finally {
      await orm.close();
    }
  });
});
