import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

describe('auth extras', () => {
  it('refuses a weak master password with a message per rule', async () => {
    app = await startTestApp();
    const weak = await app.request('POST', '/api/auth/setup', { body: { master_password: 'short' } });
    expect(weak.status).toBe(422);
    expect(weak.body.error.code).toBe('validation_error');
    const messages = weak.body.error.details.map((detail: { message: string }) => detail.message);
    expect(messages).toEqual(
      expect.arrayContaining(['must be at least 8 characters', 'must contain an upper-case letter', 'must contain a digit', 'must contain a symbol']),
    );
    expect((await app.request('GET', '/api/auth/status')).body.configured).toBe(false);
  });

  it('refuses login before setup with a hint', async () => {
    app = await startTestApp();
    const login = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } });
    expect(login.status).toBe(409);
    expect(login.body.error.code).toBe('not_configured');
  });

  it('issues an API key once, accepts it in X-Api-Key, and refuses it after rotation', async () => {
    app = await startTestApp();
    const token = await app.login();
    expect((await app.request('GET', '/api/auth/api-key', { token })).body).toMatchObject({ exists: false });
    const first = await app.request('POST', '/api/auth/api-key', { token });
    expect(first.status).toBe(201);
    const key = first.body.api_key as string;
    expect(key).toMatch(/^aw_[A-Za-z0-9_-]{40,}$/);
    expect((await app.request('GET', '/api/config', { apiKey: key })).status).toBe(200);
    const info = await app.request('GET', '/api/auth/api-key', { token });
    expect(info.body).toMatchObject({ exists: true, prefix: key.slice(0, 8) });
    expect(JSON.stringify(info.body)).not.toContain(key);

    const second = await app.request('POST', '/api/auth/api-key', { token });
    expect((await app.request('GET', '/api/config', { apiKey: key })).status).toBe(401);
    expect((await app.request('GET', '/api/config', { apiKey: second.body.api_key })).status).toBe(200);
    expect((await app.request('GET', '/api/config', { apiKey: 'aw_not-a-real-key' })).status).toBe(401);
  });

  it('remember gives a longer session; changing the password signs out other sessions', async () => {
    app = await startTestApp();
    await app.login();
    const short = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } });
    const long = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD, remember: true } });
    expect(new Date(long.body.expires_at).getTime() - new Date(short.body.expires_at).getTime()).toBeGreaterThan(24 * 3600_000);

    const change = await app.request('POST', '/api/auth/password', {
      token: short.body.access_token,
      body: { current_password: TEST_PASSWORD, new_password: 'Another-Pass-7' },
    });
    expect(change.status).toBe(200);
    expect((await app.request('GET', '/api/config', { token: short.body.access_token })).status).toBe(200);
    expect((await app.request('GET', '/api/config', { token: long.body.access_token })).status).toBe(401);
    expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(401);
    expect((await app.request('POST', '/api/auth/login', { body: { password: 'Another-Pass-7' } })).status).toBe(200);
  });

  it('refuses tampered and foreign tokens', async () => {
    app = await startTestApp();
    const token = await app.login();
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await app.request('GET', '/api/config', { token: forged })).status).toBe(401);
    expect((await app.request('GET', '/api/config', { token: 'not.a.jwt' })).status).toBe(401);
  });

  it('stores the signing secret with mode 0600 and never logs secrets', async () => {
    app = await startTestApp();
    const token = await app.login();
    await app.request('POST', '/api/auth/login', { body: { password: 'Wrong-pass-1' } });
    await app.request('GET', `/api/config?token=${token}`, { token });
    const secretFile = join(app.dataDir, 'secret.key');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile, 'utf8').trim();
    const logText = JSON.stringify(app.logs);
    expect(app.logs.length).toBeGreaterThan(3);
    for (const needle of [secret, token, TEST_PASSWORD, 'Wrong-pass-1']) expect(logText).not.toContain(needle);
  });
});
