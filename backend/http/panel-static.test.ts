import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../tests/helpers/temp-dir.ts';
import { startTestApp, type TestApp } from '../../tests/helpers/test-app.ts';
import { securityHeaders } from './security-headers.ts';
import { panelStatic } from './panel-static.ts';

async function serve(root: string): Promise<{ url: string; server: Server }> {
  const app = new Koa();
  app.use(securityHeaders());
  app.use(panelStatic({ root }));
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('panelStatic', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let built: { url: string; server: Server };
  let missing: { url: string; server: Server };

  beforeAll(async () => {
    temp = await makeTempDir();
    const dist = join(temp.path, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>AniWorld</title><aw-app></aw-app>');
    await writeFile(join(dist, 'assets', 'index-AbC123.js'), 'console.log(1)');
    await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(temp.path, 'secret.txt'), 'outside the panel');
    built = await serve(dist);
    missing = await serve(join(temp.path, 'not-built'));
  });

  afterAll(async () => {
    built.server.close();
    missing.server.close();
    await temp.remove();
  });

  it('serves index.html for / and for deep links, revalidated on every load', async () => {
    for (const path of ['/', '/library', '/series/demo-academy', '/index.html']) {
      const response = await fetch(built.url + path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await response.text()).toContain('<aw-app>');
    }
  });

  it('caches hashed assets for a year as immutable, other files for an hour', async () => {
    const asset = await fetch(`${built.url}/assets/index-AbC123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const icon = await fetch(`${built.url}/favicon.svg`);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('answers a repeated request with 304 and HEAD without a body', async () => {
    const first = await fetch(`${built.url}/library`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // node:http, not fetch: fetch turns a conditional request into Cache-Control: no-cache.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      get(`${built.url}/library`, { headers: { 'if-none-match': etag! } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(304);
    const head = await fetch(`${built.url}/assets/index-AbC123.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('console.log(1)'.length));
    expect(await head.text()).toBe('');
  });

  it('leaves API, socket and missing files alone and never leaves the panel folder', async () => {
    for (const path of ['/api/anything', '/api', '/ws/connect', '/health', '/metrics', '/assets/missing-123.js', '/..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const response = await fetch(built.url + path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('outside the panel');
    }
    expect((await fetch(`${built.url}/library`, { method: 'POST' })).status).toBe(404);
  });

  it('explains how to build the panel when it has not been built', async () => {
    const response = await fetch(`${missing.url}/library`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:panel');
  });
});

describe('panel served by the app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('is the fallback after the API routers: deep links get the panel, unknown API paths stay JSON', async () => {
    const page = await fetch(`${app.url}/series/some-key`);
    // 200 with the built panel, 503 with build instructions on a checkout that has not built it.
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-type')).not.toMatch(/json/);
    const api = await app.request('GET', '/api/does-not-exist');
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('unauthorized');
    const token = await app.login();
    const authed = await app.request('GET', '/api/does-not-exist', { token });
    expect(authed.status).toBe(404);
    expect(authed.body.error.code).toBe('not_found');
  });
});
