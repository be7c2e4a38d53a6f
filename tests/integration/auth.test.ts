import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

describe('auth', () => {
  it('setup says when ANIWORLD_MEDIA_DIR fixes the media folder and refuses another one instead of ignoring it', async () => {
    app = await startTestApp();
    const other = await app.request('POST', '/api/auth/setup', { body: { master_password: TEST_PASSWORD, anime_directory: `${app.root}/elsewhere` } });
    expect(other.status).toBe(422);
    expect(other.body.error.message).toBe(`The media folder is set by ANIWORLD_MEDIA_DIR to ${app.mediaDir}; change it there (in Docker: the /media volume)`);
    expect(other.body.error.details).toEqual([{ path: 'anime_directory', message: 'set by ANIWORLD_MEDIA_DIR' }]);
    expect((await app.request('GET', '/api/auth/status')).body.configured).toBe(false);
    // The same folder the environment names is fine.
    expect((await app.request('POST', '/api/auth/setup', { body: { master_password: TEST_PASSWORD, anime_directory: app.mediaDir } })).status).toBe(201);
    await app.dispose();

    // Without the variable the folder chosen at setup is the one used.
    app = await startTestApp({ env: { ANIWORLD_MEDIA_DIR: undefined } });
    expect((await app.request('GET', '/api/auth/status')).body.media_folder).toEqual({ path: `${app.root}/media`, set_by_env: false });
    expect(
      (await app.request('POST', '/api/auth/setup', { body: { master_password: TEST_PASSWORD, anime_directory: `${app.root}/anime` } })).body,
    ).toMatchObject({ anime_directory: `${app.root}/anime` });
  });

  it('sets up once, logs in, calls a protected route, logs out and refuses the same token', async () => {
    app = await startTestApp();
    expect((await app.request('GET', '/api/auth/status')).body).toEqual({
      configured: false,
      authenticated: false,
      media_folder: { path: app.mediaDir, set_by_env: true },
    });

    const setup = await app.request('POST', '/api/auth/setup', { body: { master_password: TEST_PASSWORD } });
    expect(setup.status).toBe(201);
    const again = await app.request('POST', '/api/auth/setup', { body: { master_password: TEST_PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const login = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('bearer');
    const token = login.body.access_token as string;
    expect(new Date(login.body.expires_at).getTime()).toBeGreaterThan(Date.now());

    expect((await app.request('GET', '/api/config')).status).toBe(401);
    const config = await app.request('GET', '/api/config', { token });
    expect(config.status).toBe(200);
    expect(config.body.anime_directory).toBe(app.mediaDir);
    expect((await app.request('GET', '/api/auth/status', { token })).body).toEqual({ configured: true, authenticated: true });

    expect((await app.request('POST', '/api/auth/logout', { token })).status).toBe(200);
    const refused = await app.request('GET', '/api/config', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
  });
});
