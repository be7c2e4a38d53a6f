import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../backend/adapters/http-client.ts';
import { FlareSolverrSolver } from '../../backend/providers/checks/flaresolverr-solver.ts';
import { SiteChecks } from '../../backend/providers/checks/site-checks.ts';
import { ProviderHealth } from '../../backend/providers/provider-health.ts';
import { ChallengeError } from '../../backend/providers/errors.ts';
import { AniWorldProvider } from '../../backend/providers/aniworld/aniworld.provider.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { FAKE_FLARESOLVERR_USER_AGENT, startFakeFlareSolverr, type FakeFlareSolverr } from '../helpers/fake-flaresolverr.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

let site: FixtureSite;
let flare: FakeFlareSolverr;
beforeAll(async () => {
  site = await startFixtureSite({ seriesCount: 1, guard: { mode: 'click' } });
  flare = await startFakeFlareSolverr();
});
afterAll(async () => {
  await site.close();
  await flare.close();
});
beforeEach(() => {
  site.guard.stats.reset();
  site.stats.reset();
  flare.commands.length = 0;
  flare.failWith = undefined;
});

function clientWith(serviceUrl: string) {
  const solver = new FlareSolverrSolver({ url: serviceUrl, maxTimeoutMs: 20_000 });
  const health = new ProviderHealth({ solver: () => 'flaresolverr' });
  const checks = new SiteChecks({ solver: () => solver, health, providerUrl: () => site.url });
  const http = new HttpClient({ limits: () => ({ requests_per_second: 100, timeout_ms: 5000 }), retries: 0, health, providerUrl: () => site.url, checks });
  return { http, health, checks, provider: new AniWorldProvider({ http, settings: () => ({ url: site.url, cache_ttl_seconds: 0 }) }) };
}

describe('FlareSolverr-compatible service', () => {
  it("sends the challenged URL as FlareSolverr's request.get and uses its cookies and User-Agent exactly as the browser's", async () => {
    const { provider, http, health } = clientWith(flare.url);
    const pages = await Promise.all([provider.getSeries('demo-academy'), provider.getSeason('demo-academy', 1), provider.search('demo')]);
    expect(pages[0].key).toBe('demo-academy');
    // One solve for the three requests; a form post is solved on the site's start page.
    expect(flare.commands).toHaveLength(1);
    expect(flare.commands[0]).toEqual({ cmd: 'request.get', url: expect.stringMatching(new RegExp(`^${site.url}/`)), maxTimeout: 20_000 });
    expect(http.userAgent).toBe(FAKE_FLARESOLVERR_USER_AGENT);
    expect(health.current()).toMatchObject({ status: 'ok', solver: 'flaresolverr', pass_expires_at: expect.any(String) });

    site.stats.reset();
    await provider.getSeason('demo-academy', 2);
    expect(site.stats.requests.map((request) => request.headers['user-agent'])).toEqual([FAKE_FLARESOLVERR_USER_AGENT]);
    expect(site.stats.requests[0]!.headers.cookie).toMatch(/aw_pass=/);
  });

  it('an error answer of the service is a clear message in the error and in health', async () => {
    flare.failWith = 'Error: Error solving the challenge. Timeout after 20.0 seconds.';
    const { provider, health } = clientWith(flare.url);
    const error = await provider.getSeries('demo-academy').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChallengeError);
    expect((error as Error).message).toMatch(
      /^FlareSolverr could not get http:\/\/127\.0\.0\.1:\d+\/anime\/stream\/demo-academy: Error: Error solving the challenge\. Timeout after 20\.0 seconds\.$/,
    );
    expect(health.current()).toMatchObject({ status: 'check', last_error: (error as Error).message });
  });

  it('a wrong URL (something else answers) and a service that is not there say so, without credentials', async () => {
    const wrong = clientWith(`${site.url}/`);
    await expect(wrong.provider.getSeries('demo-academy')).rejects.toThrow(
      /answered HTTP 404 with something that is not FlareSolverr's API .*check provider\.flaresolverr_url/,
    );

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gone = clientWith(`http://user:secret@127.0.0.1:${port}`);
    const error = await gone.provider.getSeries('demo-academy').catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      `the FlareSolverr service at http://127.0.0.1:${port} did not answer (ECONNREFUSED); check provider.flaresolverr_url`,
    );
    expect(gone.health.current().last_error).not.toContain('secret');
  });
});

describe('FlareSolverr in the app', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.dispose();
    app = undefined;
  });

  it('ANIWORLD_FLARESOLVERR_URL replaces the embedded browser', async () => {
    app = await startTestApp({ env: { ANIWORLD_PROVIDER_URL: site.url, ANIWORLD_SOLVER: 'auto', ANIWORLD_FLARESOLVERR_URL: flare.url } });
    const token = await app.login();
    expect((await app.request('GET', '/api/health')).body.provider.solver).toBe('flaresolverr');
    const search = await app.request('POST', '/api/anime/search', { token, body: { query: 'demo' } });
    expect(search.status).toBe(200);
    expect(flare.commands).toHaveLength(1);
    expect(app.logs.some((line) => line.msg === 'embedded browser started')).toBe(false);
    expect((await app.request('GET', '/api/health')).body.provider).toMatchObject({ status: 'ok', solver: 'flaresolverr' });
  });
});
