import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { rawRequest, type RawAnswer } from '../helpers/raw-request.ts';
import { listRoutes } from '../../backend/app.ts';
import { PUBLIC_ROUTES, isPublicRoute } from '../../backend/http/auth.ts';

/**
 * Every route the routers hold, in every spelling an attacker would try, without credentials:
 * 401 in the error shape, never a 2xx, never the handler. The list comes from the router, so a
 * route added tomorrow is checked tomorrow.
 */

let app: TestApp;
let based: TestApp;
beforeAll(async () => {
  app = await startTestApp({ env: { ANIWORLD_METRICS: 'true' } });
  based = await startTestApp({ env: { ANIWORLD_METRICS: 'true', ANIWORLD_BASE_PATH: '/aniworld' } });
});
afterAll(async () => {
  await app?.dispose();
  await based?.dispose();
});

const STACK = /\n\s+at |node_modules|\.ts:\d+/;

/** The ways a path can be written so that a careless check and a lenient router disagree. */
export function spellings(path: string): string[] {
  const rest = path.slice(1);
  const [first = '', ...others] = rest.split('/');
  const tail = others.length > 0 ? `/${others.join('/')}` : '';
  const capital = `${first.charAt(0).toUpperCase()}${first.slice(1)}`;
  const escaped = `%${first.charCodeAt(0).toString(16).toUpperCase()}`;
  return [
    ...new Set([
      path,
      path.toUpperCase(),
      `/${capital}${tail}/`,
      `/${first.toUpperCase()}${tail}`,
      `${path}/`,
      `//${rest}`,
      `///${rest}`,
      `/${first}//${others.join('/')}`,
      `/%2F${rest}`,
      `/%2f${first.toUpperCase()}${tail}`,
      `/${first}${others.length > 0 ? `%2F${others.join('%2F')}` : '%2F'}`,
      `/${escaped}${first.slice(1)}${tail}`,
      `/%25${escaped.slice(1)}${first.slice(1)}${tail}`,
      `/${first}${others.length > 0 ? `\\${others.join('\\')}` : '\\'}`,
      `${path}?_=${encodeURIComponent('/api/health')}`,
    ]),
  ];
}

function methodsFor(method: string): string[] {
  return [...new Set([method, ...(method === 'GET' ? ['HEAD'] : []), 'OPTIONS', 'TRACE'])];
}

function samplePath(path: string): string {
  return path.replace(/:(\w+)/g, 'sample-$1');
}

async function inBatches<T>(tasks: (() => Promise<T>)[], size = 12): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < tasks.length; start += size) results.push(...(await Promise.all(tasks.slice(start, start + size).map((task) => task()))));
  return results;
}

function send(target: TestApp, method: string, path: string): Promise<RawAnswer> {
  const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
  return rawRequest(target.url, method, path, { body, headers: body ? { 'content-type': 'application/json' } : {} });
}

function expectRefused(answer: RawAnswer, label: string): void {
  expect(answer.status, label).toBe(401);
  expect(answer.headers['cache-control'], label).toBe('no-store');
  if (answer.text) {
    // HEAD answers carry no body.
    expect(JSON.parse(answer.text).error.code, label).toBe('unauthorized');
    expect(answer.text, label).not.toMatch(STACK);
  }
}

describe('route protection in every spelling', () => {
  it('answers 401 on every protected route, spelling, method and under the base path', async () => {
    const routes = listRoutes(app.running.routers);
    const protectedRoutes = routes.filter((route) => !isPublicRoute(route.method, route.path));
    // Everything public is on the short list, and the dangerous routes are on the other side.
    for (const route of routes.filter((route) => isPublicRoute(route.method, route.path))) {
      expect(
        PUBLIC_ROUTES.some((open) => open.method === route.method && open.path === route.path),
        `${route.method} ${route.path}`,
      ).toBe(true);
    }
    const keys = protectedRoutes.map((route) => `${route.method} ${route.path}`);
    for (const critical of [
      'POST /api/auth/api-key',
      'GET /api/system/diagnostics',
      'GET /metrics',
      'PUT /api/config',
      'POST /api/anime/import',
      'DELETE /api/anime/:key',
    ])
      expect(keys).toContain(critical);

    const tasks: (() => Promise<void>)[] = [];
    const tried = new Set<string>();
    for (const route of protectedRoutes) {
      for (const spelling of spellings(samplePath(route.path))) {
        for (const method of methodsFor(route.method)) {
          for (const [target, prefix] of [
            [app, ''],
            [based, '/aniworld'],
            [based, '/AniWorld'],
          ] as const) {
            const path = `${prefix}${spelling}`;
            tried.add(`${spelling}`);
            tasks.push(async () => expectRefused(await send(target, method, path), `${method} ${path} (${route.method} ${route.path})`));
          }
        }
      }
    }
    await inBatches(tasks);
    expect(protectedRoutes.length).toBeGreaterThan(50);
    console.info(
      `route protection: ${routes.length} routes enumerated (${protectedRoutes.length} protected), ${tried.size} spellings, ${tasks.length} requests, all 401`,
    );
  }, 180_000);

  it('routes the case variants it refuses, so the refusals above are not 404s in disguise', async () => {
    const token = await app.login();
    const auth = { authorization: `Bearer ${token}` };
    expect((await rawRequest(app.url, 'GET', '/API/config', { headers: auth })).status).toBe(200);
    expect((await rawRequest(app.url, 'GET', '/Api/System/Logs/', { headers: auth })).status).toBe(200);
    expect((await rawRequest(app.url, 'GET', '/METRICS', { headers: auth })).status).toBe(200);
    expect((await rawRequest(based.url, 'GET', '/AniWorld/API/config', { headers: { authorization: `Bearer ${await based.login()}` } })).status).toBe(200);
    // The attack of the report: an API key from an unauthenticated POST in capitals.
    const minted = await rawRequest(app.url, 'POST', '/API/auth/api-key', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(minted.status).toBe(401);
  });

  it('lets the public routes through in their plain spellings only', async () => {
    for (const path of ['/health', '/api/health', '/API/Health/', '/api/auth/status', '/api/docs']) {
      const answer = await rawRequest(app.url, 'GET', path);
      expect(answer.status, path).toBe(200);
    }
    expect((await rawRequest(based.url, 'GET', '/aniworld/api/health')).status).toBe(200);
    // The panel's files (and its history-routing fallback) need no login.
    expect((await rawRequest(app.url, 'GET', '/')).status).not.toBe(401);
    expect((await rawRequest(app.url, 'GET', '/library/some-series')).status).not.toBe(401);
    // An encoded spelling of a public path earns no exemption.
    expect((await rawRequest(app.url, 'GET', '/api/%68ealth')).status).toBe(401);
    expect((await rawRequest(app.url, 'POST', '/', { body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });

  it('answers unknown methods 501 in the error shape and logs no stack trace', async () => {
    const token = await app.login();
    const before = app.logs.length;
    for (const method of ['TRACE', 'PROPFIND', 'MKCOL', 'LOCK']) {
      for (const path of ['/', '/health', '/ws/connect', '/api/health', '/api/config']) {
        const answer = await rawRequest(app.url, method, path, { headers: { authorization: `Bearer ${token}` } });
        expect(answer.status, `${method} ${path}`).toBe(501);
        if (path.startsWith('/api')) expect(answer.headers['cache-control']).toBe('no-store');
        expect(JSON.parse(answer.text).error).toEqual({ code: 'not_implemented', message: `The method ${method} is not supported` });
      }
    }
    const logged = JSON.stringify(app.logs.slice(before));
    expect(logged).not.toMatch(/"stack"|unhandled error|request failed/);
  });
});
