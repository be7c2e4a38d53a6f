import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { LiveClient, wsUrl } from './ws-client.ts';
import { sampleProgress, samples } from '../helpers/event-samples.ts';

const item = (id: string) => ({ item_id: id, key: 'one-piece', folder: 'One Piece (1999)', season: 1, episode: 3 });
const addedData = (id: string) => ({ ...samples.download_added, ...item(id) });
const progress = (id: string, value: number) => ({ ...item(id), progress: sampleProgress(value) });

describe('WebSocket hub', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({ start: { liveEvents: { authTimeoutMs: 300, maxBufferedBytes: 256 * 1024 } } });
    token = await app.login();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  const publish: TestApp['running']['services']['events']['publish'] = (type, data) => app.running.services.events.publish(type, data);

  async function connected(query = `?token=${token}`): Promise<LiveClient> {
    const client = await LiveClient.open(wsUrl(app.url, query));
    await client.waitFor((message) => message.type === 'connected', 'connected');
    return client;
  }

  it('closes a socket without credentials with 4401 once the auth window passes', async () => {
    const client = await LiveClient.open(wsUrl(app.url));
    expect((await client.closed).code).toBe(4401);
  });

  it('closes with 4401 for a bad token, a bad API key and a revoked session', async () => {
    const bad = await LiveClient.open(wsUrl(app.url, '?token=not-a-jwt'));
    expect((await bad.closed).code).toBe(4401);
    const badKey = await LiveClient.open(wsUrl(app.url), { headers: { 'x-api-key': 'aw_wrong' } });
    expect((await badKey.closed).code).toBe(4401);

    const login = await app.request('POST', '/api/auth/login', { body: { password: 'Correct-Horse-9' } });
    const revoked = login.body.access_token as string;
    expect((await app.request('POST', '/api/auth/logout', { token: revoked })).status).toBe(200);
    const client = await LiveClient.open(wsUrl(app.url, `?token=${revoked}`));
    expect((await client.closed).code).toBe(4401);
  });

  it('refuses anything but auth as the first message', async () => {
    const client = await LiveClient.open(wsUrl(app.url));
    client.send({ action: 'join', room: 'downloads' });
    expect((await client.closed).code).toBe(4401);
  });

  it('authenticates by first message and by API key (header or query)', async () => {
    const byMessage = await LiveClient.open(wsUrl(app.url));
    byMessage.send({ action: 'auth', token });
    // join right behind auth: handled in order, so it already sees the session
    byMessage.send({ action: 'join', room: 'downloads' });
    await byMessage.waitFor((message) => message.type === 'joined');
    expect(byMessage.of('connected')[0].data.rooms).toEqual(['downloads', 'download_progress', 'scan_progress']);

    const key = (await app.request('POST', '/api/auth/api-key', { token })).body.api_key as string;
    const byHeader = await LiveClient.open(wsUrl(app.url), { headers: { 'x-api-key': key } });
    await byHeader.waitFor((message) => message.type === 'connected');
    const byQuery = await LiveClient.open(wsUrl(app.url, `?api_key=${key}`));
    await byQuery.waitFor((message) => message.type === 'connected');
    const byKeyMessage = await LiveClient.open(wsUrl(app.url));
    byKeyMessage.send({ action: 'auth', api_key: key });
    await byKeyMessage.waitFor((message) => message.type === 'connected');
    for (const client of [byMessage, byHeader, byQuery, byKeyMessage]) client.close();
  });

  it('sends room events only to members and global events to everyone, as {type, timestamp, data}', async () => {
    const downloads = await connected();
    await downloads.join('downloads');
    const scans = await connected();
    await scans.join('scan_progress');

    publish('scan_started', { scope: 'library' });
    publish('download_added', addedData('a1'));
    publish('series_added', { key: 'naruto', folder: 'Naruto', name: 'Naruto', imported: false });

    const added = await downloads.waitFor((message) => message.type === 'download_added');
    expect(added).toEqual({ type: 'download_added', timestamp: expect.any(String), data: addedData('a1') });
    expect(Number.isNaN(Date.parse(added.timestamp))).toBe(false);
    await downloads.waitFor((message) => message.type === 'series_added');
    expect(downloads.of('scan_started')).toHaveLength(0);

    const series = await scans.waitFor((message) => message.type === 'series_added');
    expect(series.data).toMatchObject({ key: 'naruto', folder: 'Naruto' });
    expect(scans.of('scan_started')).toHaveLength(1);
    expect(scans.of('download_added')).toHaveLength(0);

    scans.send({ action: 'leave', room: 'scan_progress' });
    await scans.waitFor((message) => message.type === 'left');
    publish('scan_complete', samples.scan_complete);
    publish('health_issue', { ...samples.health_issue, message: 'marker' });
    await scans.waitFor((message) => message.type === 'health_issue');
    expect(scans.of('scan_complete')).toHaveLength(0);

    scans.send({ action: 'join', room: 'nope' });
    const error = await scans.waitFor((message) => message.type === 'error');
    expect(error.data.code).toBe('unknown_room');
    downloads.close();
    scans.close();
  });

  it('coalesces progress: 50 quick updates become a few messages, the last value and the final state arrive', async () => {
    const client = await connected();
    await client.join('download_progress');
    await client.join('downloads');
    for (let value = 1; value <= 50; value++) publish('download_progress', progress('c1', value));
    const last = await client.waitFor((message) => message.type === 'download_progress' && message.data.progress.percent === 50, 'progress 50');
    expect(last.data).toMatchObject({ item_id: 'c1', key: 'one-piece', folder: 'One Piece (1999)' });
    expect(client.of('download_progress').length).toBeLessThanOrEqual(3);

    // a value still waiting for its slot goes out before the completion
    publish('download_progress', progress('c1', 99));
    publish('download_progress', progress('c1', 100));
    publish('download_complete', { ...samples.download_complete, ...item('c1'), file_path: '/media/x.mkv' });
    await client.waitFor((message) => message.type === 'download_complete');
    const types = client.messages.map((message) => (message.type === 'download_progress' ? `p${message.data.progress.percent}` : message.type));
    expect(types.slice(-2)).toEqual(['p100', 'download_complete']);
    client.close();
  });

  it('drops a client that stops reading while a fast one keeps receiving', async () => {
    const fast = await connected();
    const slow = await connected();
    const before = app.running.services.live.clientCount;
    slow.socket.pause();
    const big = 'x'.repeat(128 * 1024);
    let sent = 0;
    while (app.running.services.live.clientCount === before && sent < 2000) {
      sent += 1;
      publish('health_issue', { component: big, message: `n${sent}`, status: 'down' });
      await fast.waitFor((message) => message.type === 'health_issue' && message.data.message === `n${sent}`);
    }
    expect(app.running.services.live.clientCount).toBe(before - 1);
    expect(fast.of('health_issue')).toHaveLength(sent);
    const again = await connected();
    again.send({ action: 'ping' });
    await again.waitFor((message) => message.type === 'pong');
    fast.close();
    again.close();
    slow.close();
  });

  it('closes every socket with 1001 on shutdown', async () => {
    const other = await startTestApp();
    const otherToken = await other.login();
    const client = await LiveClient.open(wsUrl(other.url, `?token=${otherToken}`));
    await client.waitFor((message) => message.type === 'connected');
    await other.stop();
    expect((await client.closed).code).toBe(1001);
    await other.dispose();
  });
});

/** Waits for a server-side condition no client can observe (a paused socket reads nothing). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('WebSocket heartbeat', () => {
  it('terminates a connection that stops answering pings', async () => {
    // A client that answers gets a whole beat to do it: at 100 ms a loaded machine (client and
    // server share this process) dropped the answering one too.
    const app = await startTestApp({ start: { liveEvents: { heartbeatMs: 1000 } } });
    try {
      const token = await app.login();
      const alive = await LiveClient.open(wsUrl(app.url, `?token=${token}`));
      const dead = await LiveClient.open(wsUrl(app.url, `?token=${token}`));
      await alive.waitFor((message) => message.type === 'connected');
      await dead.waitFor((message) => message.type === 'connected');
      expect(app.running.services.live.clientCount).toBe(2);
      dead.socket.pause();
      await until(() => app.running.services.live.clientCount === 1);
      alive.send({ action: 'ping' });
      await alive.waitFor((message) => message.type === 'pong');
      alive.close();
      dead.close();
    } finally {
      await app.dispose();
    }
  });

  it('closes a socket with 4401 once its session is logged out', async () => {
    const app = await startTestApp({ start: { liveEvents: { heartbeatMs: 100 } } });
    try {
      const token = await app.login();
      const client = await LiveClient.open(wsUrl(app.url, `?token=${token}`));
      await client.waitFor((message) => message.type === 'connected');
      expect((await app.request('POST', '/api/auth/logout', { token })).status).toBe(200);
      const closed = await client.closed;
      expect(closed).toEqual({ code: 4401, reason: 'session ended' });
    } finally {
      await app.dispose();
    }
  });
});
