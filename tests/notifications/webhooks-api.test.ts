import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { Receiver } from './receiver.ts';
import { sampleProgress, samples } from '../helpers/event-samples.ts';

describe('/api/webhooks', () => {
  let app: TestApp;
  let token: string;
  let receiver: Receiver;

  beforeAll(async () => {
    app = await startTestApp({ start: { webhooks: { timeoutMs: 1500, backoffBaseMs: 20, backoffMaxMs: 50, maxAttempts: 4 } } });
    token = await app.login();
    receiver = await Receiver.start();
  });
  afterAll(async () => {
    await app?.dispose();
    await receiver?.stop();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.responder = (_request, response) => {
      response.end('ok');
    };
  });

  const api = (method: string, path: string, body?: unknown) => app.request(method, `/api/webhooks${path}`, { token, body });
  const hookBody = (fields: Record<string, unknown> = {}) => ({
    name: 'receiver',
    url: `${receiver.url}/hook`,
    kind: 'json',
    events: ['download_complete'],
    ...fields,
  });

  it('needs authentication on every route', async () => {
    const routes: [string, string][] = [
      ['GET', '/'],
      ['POST', '/'],
      ['POST', '/test'],
      ['GET', '/x'],
      ['PUT', '/x'],
      ['DELETE', '/x'],
      ['POST', '/x/test'],
      ['GET', '/x/deliveries'],
    ];
    for (const [method, path] of routes) {
      const response = await app.request(method, `/api/webhooks${path}`, { body: method === 'GET' || method === 'DELETE' ? undefined : hookBody() });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it('creates, lists, updates and deletes a hook without ever echoing the secret', async () => {
    const created = await api('POST', '/', hookBody({ secret: 'top-secret', headers: { 'X-Custom': 'yes' }, method: 'PUT' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'receiver',
      kind: 'json',
      events: ['download_complete'],
      method: 'PUT',
      headers: { 'X-Custom': '•••' },
      enabled: true,
      has_secret: true,
    });
    expect(JSON.stringify(created.body)).not.toContain('top-secret');
    const id = created.body.id as string;

    const listed = await api('GET', '/');
    expect(listed.body.map((hook: { id: string }) => hook.id)).toContain(id);
    expect(JSON.stringify(listed.body)).not.toContain('top-secret');

    const updated = await api('PUT', `/${id}`, { name: 'renamed', secret: null, enabled: false });
    expect(updated.body).toMatchObject({ id, name: 'renamed', has_secret: false, enabled: false, method: 'PUT' });

    expect((await api('DELETE', `/${id}`)).status).toBe(204);
    expect((await api('GET', `/${id}`)).status).toBe(404);
    expect((await api('DELETE', `/${id}`)).status).toBe(404);
  });

  it('validates the input: http(s) URLs only, known kinds and events, safe headers', async () => {
    for (const bad of [
      hookBody({ url: 'ftp://example.com/x' }),
      hookBody({ url: 'file:///etc/passwd' }),
      hookBody({ url: 'not a url' }),
      hookBody({ kind: 'slack' }),
      hookBody({ events: [] }),
      hookBody({ events: ['download_progress'] }),
      hookBody({ method: 'GET' }),
      hookBody({ headers: { 'Content-Length': '1' } }),
      hookBody({ headers: { 'X-Bad': 'a\r\nInjected: 1' } }),
    ]) {
      const response = await api('POST', '/', bad);
      expect(response.status, JSON.stringify(bad)).toBe(422);
      expect(response.body.error.code).toBe('validation_error');
    }
  });

  it('POST /test sends to an unsaved hook and reports status and an excerpt of the reply', async () => {
    receiver.responder = (_request, response) => {
      response.statusCode = 201;
      response.end('accepted by receiver');
    };
    const ok = await api('POST', '/test', hookBody({ secret: 'abc' }));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ success: true, status_code: 201, response_excerpt: 'accepted by receiver', error: null, latency_ms: expect.any(Number) });
    const [request] = receiver.requests;
    expect(JSON.parse(request.body)).toMatchObject({ event: 'test', instance: expect.any(String), data: { message: expect.any(String) } });
    expect(request.headers['x-aniworld-signature']).toBe(`sha256=${createHmac('sha256', 'abc').update(request.body).digest('hex')}`);
    expect((await api('GET', '/')).body.find((hook: { name: string }) => hook.name === 'receiver')).toBeUndefined();

    receiver.responder = (_request, response) => {
      response.statusCode = 500;
      response.end('x'.repeat(5000));
    };
    const failed = await api('POST', '/test', hookBody());
    expect(failed.body).toMatchObject({ success: false, status_code: 500, error: 'Receiver answered HTTP 500' });
    expect(failed.body.response_excerpt.length).toBeLessThanOrEqual(301);
  });

  it('POST /test explains timeouts, refused connections and DNS failures', async () => {
    receiver.responder = () => {
      /* never answers */
    };
    const timeout = await api('POST', '/test', hookBody());
    expect(timeout.body).toMatchObject({ success: false, status_code: null });
    expect(timeout.body.error).toMatch(/^No answer from 127\.0\.0\.1:\d+ within 1500 ms$/);

    const closed = await Receiver.start();
    const closedUrl = closed.url;
    await closed.stop();
    const refused = await api('POST', '/test', hookBody({ url: `${closedUrl}/hook` }));
    expect(refused.body.error).toBe(`Connection refused by ${closedUrl.replace('http://', '')}`);

    const dns = await api('POST', '/test', hookBody({ url: 'http://no-such-host.invalid/hook' }));
    expect(dns.body.error).toMatch(/DNS lookup failed for no-such-host\.invalid|No answer from/);
  });

  it('POST /{id}/test uses the saved configuration, secret included', async () => {
    const created = await api('POST', '/', hookBody({ secret: 'saved-secret', headers: { Authorization: 'Bearer receiver-token' } }));
    const result = await api('POST', `/${created.body.id}/test`);
    expect(result.body).toMatchObject({ success: true, status_code: 200, response_excerpt: 'ok' });
    const [request] = receiver.requests;
    expect(request.headers.authorization).toBe('Bearer receiver-token');
    expect(request.headers['x-aniworld-signature']).toBe(`sha256=${createHmac('sha256', 'saved-secret').update(request.body).digest('hex')}`);
    expect((await api('POST', '/no-such-id/test')).status).toBe(404);
    await api('DELETE', `/${created.body.id}`);
  });

  it('renders the same event for Discord, ntfy and Gotify', async () => {
    await api('POST', '/test', hookBody({ kind: 'discord', url: `${receiver.url}/api/webhooks/1/abc` }));
    await api('POST', '/test', hookBody({ kind: 'ntfy', url: `${receiver.url}/aniworld-topic` }));
    await api('POST', '/test', hookBody({ kind: 'gotify', url: `${receiver.url}/?token=app-token` }));
    const [discord, ntfy, gotify] = await receiver.waitForRequests(3);

    expect(discord.url).toBe('/api/webhooks/1/abc');
    expect(JSON.parse(discord.body)).toEqual({
      username: 'AniWorld',
      embeds: [
        {
          title: 'AniWorld test notification',
          description: expect.any(String),
          color: expect.any(Number),
          timestamp: expect.any(String),
          fields: [],
          footer: { text: expect.any(String) },
        },
      ],
    });

    expect(ntfy.url).toBe('/');
    expect(ntfy.headers['content-type']).toBe('application/json');
    expect(JSON.parse(ntfy.body)).toEqual({
      topic: 'aniworld-topic',
      title: 'AniWorld test notification',
      message: expect.any(String),
      priority: 3,
      tags: ['test'],
    });

    expect(gotify.url).toBe('/message?token=app-token');
    expect(JSON.parse(gotify.body)).toMatchObject({ title: 'AniWorld test notification', message: expect.any(String), priority: 5 });
  });

  it('delivers published events through the outbox: retried after a 500, in order, listed with attempts', async () => {
    const created = await api('POST', '/', hookBody({ events: ['download_complete', 'download_failed', 'scan_complete'] }));
    const id = created.body.id as string;
    receiver.responder = (_request, response, index) => {
      response.statusCode = index === 0 ? 500 : 200;
      response.end(index === 0 ? 'busy' : 'ok');
    };
    const events = app.running.services.events;
    const item = { key: 'one-piece', folder: 'One Piece', season: 1 };
    events.publish('download_complete', { ...samples.download_complete, ...item, item_id: 'a', episode: 1, file_path: '/media/1.mkv' });
    events.publish('download_progress', { ...samples.download_progress, ...item, item_id: 'a', episode: 1, progress: sampleProgress(5) });
    events.publish('download_failed', { ...samples.download_failed, ...item, item_id: 'b', episode: 2, error: 'no hoster' });
    events.publish('scan_complete', samples.scan_complete);
    const requests = await receiver.waitForRequests(4);
    expect(requests.map((request) => JSON.parse(request.body).event)).toEqual(['download_complete', 'download_complete', 'download_failed', 'scan_complete']);
    // the library's missing counts are added to scan_complete
    expect(JSON.parse(requests[3].body).data).toEqual({ ...samples.scan_complete, missing_episodes: 0, series_with_missing: 0 });

    let page = await api('GET', `/${id}/deliveries`);
    while (page.body.items.some((delivery: { status: string }) => delivery.status === 'pending')) page = await api('GET', `/${id}/deliveries`);
    expect(page.body).toMatchObject({ total: 3, page: 1, per_page: 20 });
    expect(page.body.items.map((delivery: { event: string }) => delivery.event)).toEqual(['scan_complete', 'download_failed', 'download_complete']);
    const first = page.body.items[2];
    expect(first).toMatchObject({ status: 'delivered', attempts: 2, last_status_code: 200 });
    expect(first.attempt_log.map((attempt: { status_code: number }) => attempt.status_code)).toEqual([500, 200]);
    expect(first.attempt_log[0]).toMatchObject({ error: 'Receiver answered HTTP 500', latency_ms: expect.any(Number), at: expect.any(String) });

    const second = await api('GET', `/${id}/deliveries?page=2&per_page=2`);
    expect(second.body.items.map((delivery: { event: string }) => delivery.event)).toEqual(['download_complete']);
    expect((await api('GET', `/${id}/deliveries?per_page=500`)).status).toBe(422);
    await api('DELETE', `/${id}`);
  });
});
