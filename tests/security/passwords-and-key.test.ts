import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import bcrypt from 'bcrypt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { cli } from '../cli/cli-harness.ts';

let temp: { path: string; remove: () => Promise<void> };
let app: TestApp | undefined;
beforeEach(async () => {
  temp = await makeTempDir();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await temp.remove();
});

function storedHash(dataDir: string): string {
  const db = new Database(join(dataDir, 'aniworld.db'), { readonly: true });
  try {
    return (db.prepare('select password_hash from credential where id = 1').get() as { password_hash: string }).password_hash;
  } finally {
    db.close();
  }
}

describe('passwords longer than bcrypt reads', () => {
  it('tells an 80-character password from its first 72 characters followed by anything', async () => {
    const long = `Aa1!${'x'.repeat(68)}${'tail-of-it'.slice(0, 8)}`;
    expect(Buffer.byteLength(long)).toBe(80);
    app = await startTestApp({ root: temp.path });
    expect((await app.request('POST', '/api/auth/setup', { body: { master_password: long } })).status).toBe(201);
    expect((await app.request('POST', '/api/auth/login', { body: { password: `${long.slice(0, 72)}whatever` } })).status).toBe(401);
    expect((await app.request('POST', '/api/auth/login', { body: { password: long.slice(0, 72) } })).status).toBe(401);
    expect((await app.request('POST', '/api/auth/login', { body: { password: long } })).status).toBe(200);
    // 256 characters of 4-byte UTF-8 (1024 bytes) work as well.
    const emoji = `Aa1!${'🙂'.repeat(252)}`;
    const token = (await app.request('POST', '/api/auth/login', { body: { password: long } })).body.access_token;
    expect((await app.request('POST', '/api/auth/password', { token, body: { current_password: long, new_password: emoji } })).status).toBe(200);
    expect((await app.request('POST', '/api/auth/login', { body: { password: `Aa1!${'🙂'.repeat(251)}` } })).status).toBe(401);
    expect((await app.request('POST', '/api/auth/login', { body: { password: emoji } })).status).toBe(200);
    expect(storedHash(app.dataDir)).toMatch(/^hmac-sha256\$\$2b\$04\$/);
  });

  it('keeps a hash from before the pre-hash working and moves it to the new scheme at the next login', async () => {
    app = await startTestApp({ root: temp.path });
    await app.login();
    await app.stop();
    const db = new Database(join(temp.path, 'data', 'aniworld.db'));
    db.prepare('update credential set password_hash = ? where id = 1').run(await bcrypt.hash(TEST_PASSWORD, 4));
    db.close();
    expect(storedHash(join(temp.path, 'data'))).toMatch(/^\$2b\$/);
    app = await startTestApp({ root: temp.path });
    expect((await app.request('POST', '/api/auth/login', { body: { password: 'Wrong-pass-1' } })).status).toBe(401);
    expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(200);
    expect(storedHash(app.dataDir)).toMatch(/^hmac-sha256\$/);
    expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(200);
  });
});

describe('a damaged or lost secret.key', () => {
  it('stops start-up with the file, the cause and the recovery command; reset-password recovers', async () => {
    app = await startTestApp({ root: temp.path });
    await app.login();
    await app.stop();
    app = undefined;
    const keyFile = join(temp.path, 'data', 'secret.key');
    await writeFile(keyFile, 'abc');
    await expect(startTestApp({ root: temp.path })).rejects.toThrow(
      `${keyFile} is damaged (3 bytes; the key is 86 base64url characters). AniWorld does not replace it on its own. Restore secret.key from a backup of the data folder, or run "aniworld reset-password"`,
    );
    expect(await readFile(keyFile, 'utf8')).toBe('abc');

    await rm(keyFile);
    await expect(startTestApp({ root: temp.path })).rejects.toThrow(`${keyFile} is missing, but a master password is set up`);

    const reset = await cli(temp.path, ['reset-password'], { stdin: 'New-Secret-42\n' });
    expect(reset.code, reset.stderr).toBe(0);
    expect((await readFile(keyFile, 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{86}$/);
    app = await startTestApp({ root: temp.path });
    expect((await app.request('POST', '/api/auth/login', { body: { password: 'New-Secret-42' } })).status).toBe(200);
  });

  it('makes the key on a first start, when nothing is set up yet', async () => {
    app = await startTestApp({ root: temp.path });
    expect((await readFile(join(app.dataDir, 'secret.key'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });
});
