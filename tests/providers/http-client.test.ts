import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpLimits } from '../../backend/adapters/http-client.ts';
import { ChallengeError, ProviderUnavailableError } from '../../backend/providers/errors.ts';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';

let site: FixtureSite;
beforeAll(async () => {
  site = await startFixtureSite({ seriesCount: 1 });
});
afterAll(() => site.close());
beforeEach(() => {
  site.stats.reset();
  site.clearFaults();
});

/** A client on a fake clock: sleeps are recorded and move the clock instead of waiting. */
function fakeTimeClient(limits: HttpLimits, options: { retries?: number; backoffMs?: number } = {}) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const client = new HttpClient({
    limits: () => limits,
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 100,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  return { client, sleeps };
}

const fast: HttpLimits = { requests_per_second: 1000, timeout_ms: 5000 };

describe('retries', () => {
  it('retries 5xx answers with exponential backoff and then succeeds', async () => {
    const { client, sleeps } = fakeTimeClient(fast);
    site.failNext('/anime/stream/demo-academy', { status: 500, times: 2 });
    const response = await client.request(`${site.url}/anime/stream/demo-academy`);
    expect(response.status).toBe(200);
    expect(site.stats.count('/anime/stream/demo-academy')).toBe(3);
    expect(sleeps.filter((ms) => ms >= 100)).toEqual([100, 200]);
  });

  it('gives up after the bounded number of attempts with ProviderUnavailableError', async () => {
    const { client } = fakeTimeClient(fast, { retries: 2 });
    site.failNext('/anime/stream/demo-academy', { status: 502, times: 10 });
    const error = await client.request(`${site.url}/anime/stream/demo-academy`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toMatch(/after 3 attempts: HTTP 502/);
    expect(site.stats.count('/anime/stream/demo-academy')).toBe(3);
  });

  it('does not retry a 404', async () => {
    const { client } = fakeTimeClient(fast);
    expect((await client.request(`${site.url}/redirect/1`)).status).toBe(404);
    expect(site.stats.count('/redirect/1')).toBe(1);
  });

  it('retries network errors', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    let calls = 0;
    const client = new HttpClient({
      limits: () => fast,
      retries: 1,
      backoffMs: 1,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    const error = await client.request(`http://127.0.0.1:${port}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(calls).toBe(2);
  });

  describe('timeouts', () => {
    let silent: Server;
    let silentHits = 0;
    beforeAll(async () => {
      silent = createServer(() => {
        silentHits++;
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    afterAll(
      () =>
        new Promise<void>((resolve) => {
          silent.closeAllConnections();
          silent.close(() => resolve());
        }),
    );

    it('counts a request without an answer as a transient failure', async () => {
      const client = new HttpClient({ limits: () => ({ requests_per_second: 1000, timeout_ms: 150 }), retries: 1, backoffMs: 1 });
      const error = await client.request(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect((error as Error).message).toMatch(/no answer within 150 ms/);
      expect(silentHits).toBe(2);
    });
  });

  it('stops at once when the caller aborts', async () => {
    const { client } = fakeTimeClient(fast);
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(client.request(`${site.url}/anime/stream/demo-academy`, { signal: controller.signal })).rejects.toThrow('user cancelled');
    expect(site.stats.count('/anime/stream/demo-academy')).toBe(0);
  });
});

describe('challenge detection', () => {
  it.each([403, 429, 503])('HTTP %i is a challenge and is not retried', async (status) => {
    const { client } = fakeTimeClient(fast);
    site.failNext('/anime/stream/demo-academy', { status });
    await expect(client.request(`${site.url}/anime/stream/demo-academy`)).rejects.toBeInstanceOf(ChallengeError);
    expect(site.stats.count('/anime/stream/demo-academy')).toBe(1);
  });

  it.each(['cf-challenge', 'Just a moment...', 'Verifizierung', 'Attention Required! | Cloudflare', 'g-recaptcha captcha'])(
    'a 200 page starting with "%s" is a challenge',
    async (marker) => {
      const { client } = fakeTimeClient(fast);
      site.failNext('/anime/stream/demo-academy', { status: 200, body: `<html><head><title>${marker}</title></head><body></body></html>` });
      await expect(client.request(`${site.url}/anime/stream/demo-academy`)).rejects.toBeInstanceOf(ChallengeError);
    },
  );

  it('a marker far down a normal page or inside JSON is not a challenge', async () => {
    const { client } = fakeTimeClient(fast);
    site.failNext('/anime/stream/demo-academy', { status: 200, body: `<html><body>${'x'.repeat(2000)} captcha</body></html>` });
    expect((await client.request(`${site.url}/anime/stream/demo-academy`)).status).toBe(200);
    site.failNext('/ajax/seriesSearch', { status: 200, type: 'application/json', body: '[{"name":"Captcha Girl","link":"captcha-girl"}]' });
    expect((await client.request(`${site.url}/ajax/seriesSearch?keyword=captcha`)).body).toContain('Captcha Girl');
  });
});

describe('rate limit', () => {
  it('spaces requests to one host by 1 / requests_per_second, read live from the settings', async () => {
    const limits = { requests_per_second: 2, timeout_ms: 5000 };
    const { client, sleeps } = fakeTimeClient(limits);
    for (let index = 0; index < 3; index++) await client.request(`${site.url}/`);
    expect(sleeps).toEqual([500, 500]);
    limits.requests_per_second = 4;
    await client.request(`${site.url}/`);
    await client.request(`${site.url}/`);
    expect(sleeps.slice(2)).toEqual([500, 250]);
    expect(site.stats.count('/')).toBe(5);
  });

  it('paces each host on its own', async () => {
    const { client, sleeps } = fakeTimeClient({ requests_per_second: 1, timeout_ms: 5000 });
    await client.request(`${site.url}/`);
    await client.request(`http://localhost:${site.port}/`).catch(() => undefined);
    expect(sleeps).toEqual([]);
  });

  it('sends browser-like headers', async () => {
    const { client } = fakeTimeClient(fast);
    await client.request(`${site.url}/`, { headers: { Referer: 'http://example.test/' } });
    const [request] = site.stats.requests;
    expect(request.headers['user-agent']).toMatch(/^Mozilla\/5\.0 .*Chrome/);
    expect(request.headers['accept-language']).toMatch(/^de-DE/);
    expect(request.headers.referer).toBe('http://example.test/');
  });
});

describe('answer size', () => {
  it('refuses an answer far larger than a page instead of buffering it', async () => {
    const { client } = fakeTimeClient(fast);
    await expect(client.request(`${site.url}/media/large/${16 * 1024 * 1024}`)).rejects.toThrow(/expected a page/);
  });
});
