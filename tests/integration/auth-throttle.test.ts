import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { FREE_FAILURES } from '../../backend/modules/auth/login-throttle.ts';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

describe('login throttling', () => {
  it('locks a client out after repeated failures, answers 429 with Retry-After, and still does after a restart', async () => {
    app = await startTestApp();
    await app.login();
    for (let attempt = 1; attempt < FREE_FAILURES; attempt++) {
      expect((await app.request('POST', '/api/auth/login', { body: { password: 'Wrong-pass-1' } })).status).toBe(401);
    }
    // The failure that crosses the threshold is still answered 401; from then on the address is locked.
    expect((await app.request('POST', '/api/auth/login', { body: { password: 'Wrong-pass-1' } })).status).toBe(401);
    const locked = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_requests');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(30);

    app = await app.restart();
    const afterRestart = await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } });
    expect(afterRestart.status).toBe(429);
    expect(Number(afterRestart.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lets a correct password through before the threshold and forgets earlier failures', async () => {
    app = await startTestApp();
    await app.login();
    for (let attempt = 1; attempt < FREE_FAILURES; attempt++) {
      await app.request('POST', '/api/auth/login', { body: { password: 'Wrong-pass-1' } });
    }
    expect((await app.request('POST', '/api/auth/login', { body: { password: TEST_PASSWORD } })).status).toBe(200);
    for (let attempt = 1; attempt < FREE_FAILURES; attempt++) {
      expect((await app.request('POST', '/api/auth/login', { body: { password: 'Wrong-pass-1' } })).status).toBe(401);
    }
  });
});
