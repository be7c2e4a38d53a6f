import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes } from '../../backend/app.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startTestApp();
  token = await app.login();
});
afterAll(async () => {
  await app.dispose();
});

/** Longer than any parameter may be (series keys 200, ids 64, file and host names 255): wrong everywhere. */
const TOO_LONG = 'x'.repeat(300);

describe('path parameters', () => {
  it('every route checks its path parameters at the door: 422 naming the parameter', async () => {
    const withParams = listRoutes(app.running.routers).filter((route) => route.path.includes('/:'));
    expect(withParams.length).toBeGreaterThanOrEqual(20);
    for (const route of withParams) {
      const names = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]);
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, TOO_LONG);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      const answer = await app.request(route.method, path, { token, body });
      const label = `${route.method} ${route.path}`;
      expect(answer.status, label).toBe(422);
      expect(answer.body.error.code, label).toBe('validation_error');
      expect(answer.body.error.message, label).toMatch(new RegExp(`^Path is not valid: ${names[0]}: `));
      expect(
        answer.body.error.details.map((detail: { path: string }) => detail.path),
        label,
      ).toEqual(names);
    }
  });

  it('says what a good value looks like, and a well-formed unknown one is still a 404', async () => {
    const key = await app.request('GET', '/api/anime/Not%20A%20Key', { token });
    expect(key.status).toBe(422);
    expect(key.body.error.message).toBe('Path is not valid: key: not a series key');
    const backup = await app.request('POST', '/api/config/backups/..%2Fsecret.key/restore', { token });
    expect(backup.body.error.message).toBe('Path is not valid: name: a config backup is named like config-20261124T031500000Z-manual.json');
    const site = await app.request('POST', '/api/provider/checks/not%20a%20host/give-up', { token });
    expect(site.body.error.details).toEqual([{ path: 'site', message: 'is not a site (a host name such as aniworld.to)' }]);

    expect((await app.request('GET', '/api/anime/no-such-show', { token })).status).toBe(404);
    expect((await app.request('GET', '/api/webhooks/no-such-hook', { token })).status).toBe(404);
    expect((await app.request('POST', '/api/provider/checks/aniworld.to/give-up', { token })).status).toBe(404);
  });
});
