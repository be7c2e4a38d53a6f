import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, errorMessage } from './api-client.ts';

function client(answer: { status: number; body?: unknown }, token: string | undefined = 'abc') {
  const calls: { url: string; init: RequestInit }[] = [];
  const onUnauthorized = vi.fn();
  const fetchLike = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { api: new ApiClient({ token: () => token, onUnauthorized, fetch: fetchLike }), calls, onUnauthorized };
}

describe('ApiClient', () => {
  it('sends the bearer token and JSON, and parses the answer', async () => {
    const { api, calls } = client({ status: 200, body: { ok: 1 } });
    expect(await api.post('/api/anime/search', { query: 'x' })).toEqual({ ok: 1 });
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer abc');
    expect(headers['content-type']).toBe('application/json');
    expect(calls[0].init.body).toBe('{"query":"x"}');
  });

  it('turns the error body into an ApiError with field details', async () => {
    const { api } = client({ status: 422, body: { error: { code: 'validation_error', message: 'Invalid input', details: [{ path: 'url', message: 'must be an http:// or https:// URL' }] } } });
    const error = await api.post('/api/webhooks', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('validation_error');
    expect((error as ApiError).detailFor('url')).toBe('must be an http:// or https:// URL');
    expect(errorMessage(error)).toBe('Invalid input (url: must be an http:// or https:// URL)');
  });

  it('reports a lost session on 401, but not a wrong password at login', async () => {
    const lost = client({ status: 401, body: { error: { code: 'unauthorized', message: 'Invalid or expired credentials' } } });
    await expect(lost.api.get('/api/anime')).rejects.toThrow('Invalid or expired credentials');
    expect(lost.onUnauthorized).toHaveBeenCalledTimes(1);
    const wrong = client({ status: 401, body: { error: { code: 'unauthorized', message: 'Wrong password' } } }, undefined);
    await expect(wrong.api.post('/api/auth/login', { password: 'x' })).rejects.toThrow('Wrong password');
    expect(wrong.onUnauthorized).not.toHaveBeenCalled();
  });

  it('says the server cannot be reached when the network fails', async () => {
    const api = new ApiClient({ token: () => undefined, onUnauthorized: () => {}, fetch: (async () => { throw new TypeError('fetch failed'); }) as unknown as typeof fetch });
    await expect(api.get('/api/health')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});
