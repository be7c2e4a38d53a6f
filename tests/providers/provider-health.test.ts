import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../backend/adapters/http-client.ts';
import { ProviderHealth, withProbe, type ProviderHealthReport } from '../../backend/providers/provider-health.ts';
import { ChallengeError, ProviderUnavailableError } from '../../backend/providers/errors.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let site: FixtureSite;
beforeAll(async () => {
  site = await startFixtureSite({ seriesCount: 1 });
});
afterAll(() => site.close());
beforeEach(() => site.clearFaults());

function clientWithHealth(providerUrl: () => string) {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const health = new ProviderHealth({ now: () => now, solver: () => 'none' });
  const changes: [ProviderHealthReport, ProviderHealthReport][] = [];
  health.subscribe((report, previous) => changes.push([report, previous]));
  const http = new HttpClient({ limits: () => ({ requests_per_second: 1000, timeout_ms: 5000 }), retries: 1, backoffMs: 1, health, providerUrl });
  return {
    health,
    http,
    changes,
    tick: (ms: number) => {
      now += ms;
    },
  };
}

describe('provider health, as the HTTP client reports it', () => {
  it('is ok before the first request and after a real answer, with the time of the report', async () => {
    const { health, http, changes } = clientWithHealth(() => site.url);
    expect(health.current()).toMatchObject({ status: 'ok', last_error: null, checked_at: null, solver: 'none', transport: 'http' });
    await http.request(`${site.url}/anime/stream/demo-academy`);
    expect(health.current()).toMatchObject({ status: 'ok', checked_at: '2026-12-01T10:00:00.000Z' });
    // A 404 is the site's real answer too.
    await http.request(`${site.url}/anime/stream/missing`);
    expect(health.current().status).toBe('ok');
    expect(changes).toEqual([]);
  });

  it('turns to check on an anti-bot answer and back to ok, notifying each change once', async () => {
    const { health, http, changes, tick } = clientWithHealth(() => site.url);
    site.failNext('/anime/stream/demo-academy', { status: 403, body: '<html><title>Just a moment...</title></html>', times: 2 });
    await expect(http.request(`${site.url}/anime/stream/demo-academy`)).rejects.toBeInstanceOf(ChallengeError);
    tick(1000);
    await expect(http.request(`${site.url}/anime/stream/demo-academy`)).rejects.toBeInstanceOf(ChallengeError);
    expect(health.current()).toMatchObject({
      status: 'check',
      solving: false,
      needs_person: false,
      checked_at: '2026-12-01T10:00:01.000Z',
      changed_at: '2026-12-01T10:00:00.000Z',
    });
    expect(health.current().last_error).toMatch(/anti-bot challenge \(HTTP 403\) for \/anime\/stream\/demo-academy/);
    tick(1000);
    await http.request(`${site.url}/anime/stream/demo-academy`);
    expect(changes.map(([report, previous]) => `${previous.status}->${report.status}`)).toEqual(['ok->check', 'check->ok']);
    // The last problem stays readable after recovery.
    expect(health.current()).toMatchObject({ status: 'ok', last_error: expect.stringMatching(/challenge/) });
    expect(health.current()).not.toHaveProperty('needs_person');
  });

  it('turns to down when the site does not answer after the retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { health, http, changes } = clientWithHealth(() => url);
    await expect(http.request(`${url}/ajax/search`)).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(health.current()).toMatchObject({ status: 'down', last_error: expect.stringMatching(/after 2 attempts: ECONNREFUSED/) });
    expect(changes).toHaveLength(1);
  });

  it('does not count hosters: a hoster failure leaves the provider ok', async () => {
    const { health, http } = clientWithHealth(() => 'https://aniworld.example');
    site.failNext('/e/', { status: 403, body: 'captcha' });
    await expect(http.request(`${site.url}/e/whatever`)).rejects.toBeInstanceOf(ChallengeError);
    expect(health.current()).toMatchObject({ status: 'ok', checked_at: null });
  });

  it('whenOk waits for the next ok report; probe runs one request through the client', async () => {
    const { health, http } = clientWithHealth(() => site.url);
    const probed = withProbe(health, () => http.request(`${site.url}/`));
    site.failNext('/', { status: 503, body: 'Just a moment...' });
    expect((await probed.probe()).status).toBe('check');
    const back = health.whenOk();
    const again = await probed.probe();
    expect(again.status).toBe('ok');
    await back;
    const aborted = new AbortController();
    health.needsPerson('type the characters');
    expect(health.current()).toMatchObject({ status: 'check', needs_person: true });
    const waiting = health.whenOk(aborted.signal);
    aborted.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });

  it('a listener that throws does not break the request that reported', async () => {
    const errors: unknown[] = [];
    const health = new ProviderHealth({ onListenerError: (error) => errors.push(error) });
    health.subscribe(() => {
      throw new Error('listener broke');
    });
    const http = new HttpClient({ limits: () => ({ requests_per_second: 1000, timeout_ms: 5000 }), retries: 0, health, providerUrl: () => site.url });
    site.failNext('/anime', { status: 429, body: 'slow down' });
    await expect(http.request(`${site.url}/anime/stream/demo-academy`)).rejects.toBeInstanceOf(ChallengeError);
    expect(errors).toHaveLength(1);
    expect(health.current().status).toBe('check');
  });
});

describe('provider health in /api/health', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });

  it('reports provider status, last error and time; a check degrades the app without taking it down', async () => {
    app = await startTestApp({ env: { ANIWORLD_PROVIDER_URL: site.url } });
    const before = await app.request('GET', '/api/health');
    expect(before.body.provider).toMatchObject({
      status: 'ok',
      last_error: null,
      checked_at: null,
      solver: expect.stringMatching(/^(embedded|flaresolverr|none)$/),
    });

    site.failNext('/ajax/search', { status: 403, body: '<title>Just a moment...</title>', times: 1 });
    site.failNext('/ajax/seriesSearch', { status: 403, body: '<title>Just a moment...</title>', times: 1 });
    const token = await app.login();
    const issues: unknown[] = [];
    app.running.services.events.subscribe((event) => {
      if (event.type === 'health_issue') issues.push(event.data);
    });
    const search = await app.request('POST', '/api/anime/search', { token, body: { query: 'demo' } });
    expect(search.status).toBe(502);

    const during = await app.request('GET', '/api/health');
    expect(during.status).toBe(200);
    expect(during.body.status).toBe('degraded');
    expect(during.body.provider).toMatchObject({ status: 'check', last_error: expect.stringMatching(/anti-bot/), checked_at: expect.any(String) });
    expect(issues).toEqual([expect.objectContaining({ component: 'provider', status: 'check' })]);

    expect((await app.request('POST', '/api/anime/search', { token, body: { query: 'demo' } })).status).toBe(200);
    const after = await app.request('GET', '/api/health');
    expect(after.body.provider.status).toBe('ok');
    expect(after.body.status).toBe('ok');
  });
});
