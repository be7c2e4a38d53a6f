import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { MIGRATIONS } from '../../backend/db/migrations/index.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

let orm: Orm | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await orm?.close();
  orm = undefined;
  await cleanup?.();
});

describe('migrations', () => {
  it('produce exactly the schema the entities describe', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    orm = await openDatabase({ file: join(temp.path, 'aniworld.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
    const drift = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(drift.trim(), 'entities changed without a migration: write one in backend/db/migrations').toBe('');
    expect((await orm.migrator.getExecuted()).map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
  });

  it('backs up an existing database file before applying new migrations', async () => {
    const temp = await makeTempDir();
    cleanup = temp.remove;
    const file = join(temp.path, 'aniworld.db');
    const backupDir = join(temp.path, 'backups');
    orm = await openDatabase({ file, journal: 'wal', backupDir });
    await orm.em.getConnection().execute("insert into login_attempt (client_address, failures) values ('1.2.3.4', 2)");
    // Pretend the last migration has not run yet, as after an upgrade.
    const last = MIGRATIONS[MIGRATIONS.length - 1];
    await orm.migrator.down({ to: MIGRATIONS.length > 1 ? MIGRATIONS[MIGRATIONS.length - 2].name : 0 });
    await orm.close();
    orm = await openDatabase({ file, journal: 'wal', backupDir });
    expect(existsSync(backupDir)).toBe(true);
    const backups = readdirSync(backupDir).filter((name) => name.endsWith('-pre-migration.db'));
    expect(backups).toHaveLength(1);
    expect((await orm.migrator.getExecuted()).map((migration) => migration.name)).toContain(last.name);
  });
});
