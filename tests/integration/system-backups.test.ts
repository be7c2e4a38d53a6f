import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/sqlite';
import { ormConfig } from '../../backend/db/orm.ts';
import { MIGRATIONS } from '../../backend/db/migrations/index.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

const HOOK = { name: 'after the backup', url: 'http://127.0.0.1:9/hook', kind: 'json', events: ['download_complete'] };

async function upload(app: TestApp, token: string, bytes: Uint8Array, contentType = 'application/octet-stream') {
  const response = await fetch(`${app.url}/api/system/backups/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body: new Blob([new Uint8Array(bytes)]),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function hookNames(app: TestApp, token: string): Promise<string[]> {
  return (await app.request('GET', '/api/webhooks', { token })).body.map((hook: { name: string }) => hook.name);
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('system: database backups', () => {
  it('creates, lists, downloads and restores a backup of the live database, files 0600 in a 0700 folder', async () => {
    app = await startTestApp();
    const token = await app.login();
    const backupDir = join(app.dataDir, 'backups');

    const created = await app.request('POST', '/api/system/backups', { token });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'database', reason: 'manual', name: expect.stringMatching(/^aniworld-\d{8}T\d{9}Z-manual\.db$/) });
    expect(Math.abs(Date.parse(created.body.created_at) - Date.now())).toBeLessThan(60_000);
    const name = created.body.name as string;
    expect(await mode(join(backupDir, name))).toBe(0o600);
    expect(await mode(backupDir)).toBe(0o700);

    const list = await app.request('GET', '/api/system/backups', { token });
    expect(list.status).toBe(200);
    expect(list.body.keep).toBe(5);
    expect(list.body.backups[0]).toEqual(created.body);
    expect(created.body.size).toBe((await stat(join(backupDir, name))).size);

    const download = await fetch(`${app.url}/api/system/backups/${name}`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 16)).toString('latin1')).toBe('SQLite format 3\0');
    expect(bytes.length).toBe(created.body.size);

    // A change after the backup; the restore takes it away again (and keeps it in the safety copy).
    expect((await app.request('POST', '/api/webhooks', { token, body: HOOK })).status).toBe(201);
    expect(await hookNames(app, token)).toEqual([HOOK.name]);
    const seen: string[] = [];
    const stop = app.running.services.events.subscribe((event) => {
      if (event.type.startsWith('queue_')) seen.push(event.type);
    });
    const restored = await app.request('POST', `/api/system/backups/${name}/restore`, { token });
    stop();
    expect(restored.status).toBe(200);
    // The downloads stopped for the restore and go on after it.
    expect(seen.filter((type) => type === 'queue_paused' || type === 'queue_resumed')).toEqual(['queue_paused', 'queue_resumed']);
    expect((await app.request('GET', '/api/queue/status', { token })).body.is_paused).toBe(false);
    expect(restored.body).toMatchObject({ kind: 'database', restored: name, safety_backup: expect.stringMatching(/-pre-restore\.db$/), migrations_applied: 0 });
    expect(await hookNames(app, token)).toEqual([]);
    expect(await mode(join(backupDir, restored.body.safety_backup))).toBe(0o600);
    const safety = new Database(join(backupDir, restored.body.safety_backup), { readonly: true });
    expect(safety.prepare('select name from webhook').all()).toEqual([{ name: HOOK.name }]);
    safety.close();

    // The downloaded file comes back as an upload and restores like any backup.
    const uploaded = await upload(app, token, bytes);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ kind: 'database', reason: 'upload', size: bytes.length });
    expect(await mode(join(backupDir, uploaded.body.name))).toBe(0o600);
    expect((await app.request('POST', '/api/system/backups', { token })).status).toBe(201);
    expect((await app.request('POST', `/api/system/backups/${restored.body.safety_backup}/restore`, { token })).status).toBe(200);
    expect(await hookNames(app, token)).toEqual([HOOK.name]);
    expect((await app.request('POST', `/api/system/backups/${uploaded.body.name}/restore`, { token })).status).toBe(200);
    expect(await hookNames(app, token)).toEqual([]);

    // The app goes on working on the restored file: a write now lands and survives a restart.
    expect((await app.request('POST', '/api/webhooks', { token, body: { ...HOOK, name: 'after the restore' } })).status).toBe(201);
    app = await app.restart();
    const again = await app.login();
    expect(await hookNames(app, again)).toEqual(['after the restore']);

    expect((await app.request('GET', '/api/system/backups')).status).toBe(401);
    expect((await fetch(`${app.url}/api/system/backups/${name}`)).status).toBe(401);
    expect((await app.request('POST', `/api/system/backups/${name}/restore`)).status).toBe(401);
    expect((await app.request('GET', '/api/system/backups/..%2Fsecret.key', { token: again })).status).toBe(422);
    expect((await app.request('GET', '/api/system/backups/aniworld-20200101T000000000Z-manual.db', { token: again })).status).toBe(404);
  }, 120_000);

  it('refuses a corrupt, foreign or newer upload with a clear message and loses nothing', async () => {
    app = await startTestApp();
    const token = await app.login();
    const backupDir = join(app.dataDir, 'backups');
    expect((await app.request('POST', '/api/webhooks', { token, body: HOOK })).status).toBe(201);
    const good = await app.request('POST', '/api/system/backups', { token });
    const goodBytes = await readFile(join(backupDir, good.body.name));
    const before = (await readdir(backupDir)).sort();

    const random = await upload(app, token, Buffer.from('this is a text file, not a database\n'.repeat(100)));
    expect(random.status).toBe(422);
    expect(random.body.error.message).toMatch(/not a SQLite database.*Nothing was changed/);

    const truncated = await upload(app, token, goodBytes.subarray(0, Math.floor(goodBytes.length / 2)));
    expect(truncated.status).toBe(422);
    expect(truncated.body.error.message).toMatch(/damaged|cannot open/);

    const temp = await makeTempDir();
    try {
      const foreignFile = join(temp.path, 'foreign.db');
      const foreign = new Database(foreignFile);
      foreign.exec('create table notes (id integer primary key, text text)');
      foreign.close();
      const notOurs = await upload(app, token, await readFile(foreignFile));
      expect(notOurs.status).toBe(422);
      expect(notOurs.body.error.message).toMatch(/not an AniWorld database/);

      const newerFile = join(temp.path, 'newer.db');
      await writeFile(newerFile, goodBytes);
      const newer = new Database(newerFile);
      newer.prepare('insert into mikro_orm_migrations (name, executed_at) values (?, ?)').run('Migration29991231000000_from_the_future', Date.now());
      newer.close();
      const fromTheFuture = await upload(app, token, await readFile(newerFile));
      expect(fromTheFuture.status).toBe(409);
      expect(fromTheFuture.body.error.message).toMatch(/newer AniWorld.*Migration29991231000000_from_the_future/);
    } finally {
      await temp.remove();
    }

    const json = await upload(app, token, goodBytes, 'text/plain');
    expect(json.status).toBe(415);
    expect(json.body.error.message).toMatch(/application\/octet-stream/);

    // Nothing was kept from the refused files, and the live data is untouched.
    expect((await readdir(backupDir)).sort()).toEqual(before);
    expect(await hookNames(app, token)).toEqual([HOOK.name]);
    expect((await app.request('GET', '/api/health')).body.db.status).toBe('ok');
  }, 120_000);

  it('restores a backup of an older version and migrates it in the running app', async () => {
    app = await startTestApp();
    const token = await app.login();
    const temp = await makeTempDir();
    try {
      // A database as an earlier release left it (one migration behind), with this install's login in it.
      const live = await app.request('POST', '/api/system/backups', { token });
      const file = join(temp.path, 'older.db');
      const old = await MikroORM.init(ormConfig({ file, journal: 'wal', backupDir: join(temp.path, 'backups') }));
      await old.migrator.up({ to: MIGRATIONS.at(-2)!.name });
      await old.close();
      const db = new Database(file);
      db.prepare('attach database ? as live').run(join(app.dataDir, 'backups', live.body.name));
      db.exec('insert into credential select * from live.credential; insert into user_session select * from live.user_session');
      db.prepare(
        "insert into series (id, key, folder, name, site, link, created_at, updated_at) values (1, 'one-piece', 'One Piece', 'One Piece', 'https://aniworld.to', 'https://aniworld.to/anime/stream/one-piece', ?, ?)",
      ).run(Date.now(), Date.now());
      db.exec('detach database live');
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();

      const uploaded = await upload(app, token, await readFile(file));
      expect(uploaded.status).toBe(201);
      const restored = await app.request('POST', `/api/system/backups/${uploaded.body.name}/restore`, { token });
      expect(restored.status).toBe(200);
      expect(restored.body.migrations_applied).toBe(1);
      expect((await app.request('GET', '/api/anime', { token })).body.map((series: { key: string }) => series.key)).toEqual(['one-piece']);
      const applied = new Database(join(app.dataDir, 'aniworld.db'), { readonly: true });
      expect(
        (applied.prepare('select name from mikro_orm_migrations order by id').all() as { name: string }[]).map((row) => row.name.replace(/\.[jt]s$/, '')),
      ).toEqual(MIGRATIONS.map((migration) => migration.name));
      applied.close();
    } finally {
      await temp.remove();
    }
  }, 120_000);

  it('keeps the newest N backups (settings.backups.database_keep)', async () => {
    app = await startTestApp({ env: { ANIWORLD_BACKUPS_KEEP: '2' } });
    const token = await app.login();
    const names: string[] = [];
    for (let index = 0; index < 4; index++) names.push((await app.request('POST', '/api/system/backups', { token })).body.name);
    const list = await app.request('GET', '/api/system/backups', { token });
    expect(list.body.keep).toBe(2);
    expect(list.body.backups.map((backup: { name: string }) => backup.name)).toEqual(names.slice(2).reverse());
    expect((await app.request('DELETE', `/api/system/backups/${names[3]}`, { token })).status).toBe(204);
    expect((await app.request('GET', '/api/system/backups', { token })).body.backups.map((backup: { name: string }) => backup.name)).toEqual([names[2]]);
  }, 60_000);
});
