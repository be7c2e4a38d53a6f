import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { nextEvent, waitUntil, writeQueueConfig } from '../integration/queue-helpers.ts';
import { startFakeJellyfin, startFakePlex } from './fake-media-servers.ts';
import { Receiver } from './receiver.ts';
import { samples } from '../helpers/event-samples.ts';

const JELLYFIN_TOKEN = 'jf-api-key-0123456789';
const PLEX_TOKEN = 'plex-token-abcdef';

describe('media server connections (Jellyfin, Emby, Plex) and Telegram/Pushover targets', () => {
  let site: FixtureSite;
  let app: TestApp;
  let token: string;
  let jellyfin: Receiver;
  let emby: Receiver;
  let plex: Receiver;
  let messages: Receiver;

  beforeAll(async () => {
    site = await startFixtureSite({ seriesCount: 0 });
    const temp = await makeTempDir();
    await writeQueueConfig(temp.path);
    app = await startTestApp({
      root: temp.path,
      env: { ANIWORLD_PROVIDER_URL: site.url },
      start: { webhooks: { timeoutMs: 3000, backoffBaseMs: 20, backoffMaxMs: 50, maxAttempts: 2 } },
    });
    token = await app.login();
    jellyfin = await startFakeJellyfin({ token: JELLYFIN_TOKEN, libraries: [{ Name: 'Anime', Locations: ['/data/anime'] }] });
    emby = await startFakeJellyfin({ token: JELLYFIN_TOKEN, libraries: [], mediaUpdated: false, product: 'Emby Server' });
    plex = await startFakePlex({
      token: PLEX_TOKEN,
      sections: [
        { key: '1', title: 'Films', locations: ['/data/films'] },
        { key: '2', title: 'Anime', locations: ['/data/anime'] },
      ],
    });
    messages = await Receiver.start();
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
    await site?.close();
    for (const server of [jellyfin, emby, plex, messages]) await server?.stop();
  });
  beforeEach(() => {
    for (const server of [jellyfin, emby, plex, messages]) server.requests.length = 0;
  });

  const call = (method: string, path: string, body?: unknown) => app.request(method, path, { token, body });
  const hook = (kind: string, url: string, fields: Record<string, unknown> = {}) => ({
    name: kind,
    url,
    kind,
    events: ['download_complete', 'series_removed', 'scan_complete'],
    secret: kind === 'plex' ? PLEX_TOKEN : JELLYFIN_TOKEN,
    options: { server_path: '/data/anime' },
    ...fields,
  });
  const deliveries = async (id: string) => {
    return waitUntil(async () => {
      const page = (await call('GET', `/api/webhooks/${id}/deliveries`)).body;
      return page.items.length > 0 && page.items.every((delivery: { status: string }) => delivery.status !== 'pending') ? page.items : undefined;
    }, `deliveries of ${id} settled`);
  };

  it('after a real download, Jellyfin is told the episode path as it sees it and Plex scans that folder of its Anime section', async () => {
    const created = [
      await call('POST', '/api/webhooks', hook('jellyfin', jellyfin.url)),
      await call('POST', '/api/webhooks', hook('plex', `${plex.url}/`)),
      await call('POST', '/api/webhooks', hook('emby', emby.url, { options: {} })),
    ];
    for (const response of created) expect(response.status, JSON.stringify(response.body)).toBe(201);
    // the token is a secret: never sent back
    for (const response of created) expect(JSON.stringify(response.body)).not.toMatch(new RegExp(`${JELLYFIN_TOKEN}|${PLEX_TOKEN}`));
    expect(created[0].body).toMatchObject({ kind: 'jellyfin', has_secret: true, options: { server_path: '/data/anime' } });

    expect((await call('POST', '/api/anime/add', { key: 'demo-academy' })).status).toBe(201);
    const done = nextEvent(app, 'download_complete', (event) => event.data.key === 'demo-academy');
    expect(
      (await call('POST', '/api/queue/add', { serie_id: 'demo-academy', serie_folder: 'x', serie_name: 'x', episodes: [{ season: 1, episode: 1 }] })).status,
    ).toBe(201);
    const event = await done;
    const local = String(event.data.file_path);
    expect(local.startsWith(join(app.mediaDir, 'Demo Academy (2019)', 'Season 01'))).toBe(true);
    const serverFile = `/data/anime/${local.slice(app.mediaDir.length + 1)}`;

    // adding the series created its folder (a series scan reports that too): look for the episode itself
    const updated = await jellyfin.waitFor((request) => request.body.includes('"Created"'));
    expect(updated).toMatchObject({ method: 'POST', url: '/Library/Media/Updated' });
    expect(updated.headers['x-emby-token']).toBe(JELLYFIN_TOKEN);
    expect(JSON.parse(updated.body)).toEqual({ Updates: [{ Path: serverFile, UpdateType: 'Created' }] });

    const refresh = await plex.waitFor((request) => new URL(request.url, 'http://x').searchParams.get('path')?.endsWith('Season 01') ?? false);
    expect(plex.requests[0].url).toBe('/library/sections');
    const refreshUrl = new URL(refresh.url, 'http://x');
    expect(refreshUrl.pathname).toBe('/library/sections/2/refresh');
    expect(refreshUrl.searchParams.get('path')).toBe('/data/anime/Demo Academy (2019)/Season 01');
    expect(refresh.headers['x-plex-token']).toBe(PLEX_TOKEN);

    // Emby without /Library/Media/Updated: the report is refused, a full refresh follows
    const report = await emby.waitFor((request) => request.body.includes('"Created"'));
    expect(report.url).toBe('/Library/Media/Updated');
    // no path mapping: our own path goes out unchanged
    expect(JSON.parse(report.body).Updates[0].Path).toBe(local);
    await emby.waitFor((request) => request.method === 'POST' && request.url === '/Library/Refresh');

    for (const response of created) {
      const settled = await deliveries(response.body.id);
      expect(
        settled.find((delivery: { event: string }) => delivery.event === 'download_complete'),
        response.body.kind,
      ).toMatchObject({ status: 'delivered' });
    }

    // removing the series tells Jellyfin the folder is gone and has Plex rescan the folder above it
    expect((await call('DELETE', '/api/anime/demo-academy')).status).toBe(200);
    const removed = await jellyfin.waitFor((request) => request.body.includes('"Deleted"'));
    expect(JSON.parse(removed.body)).toEqual({ Updates: [{ Path: '/data/anime/Demo Academy (2019)', UpdateType: 'Deleted' }] });
    await plex.waitFor((request) => new URL(request.url, 'http://x').searchParams.get('path') === '/data/anime');
    for (const response of created) await deliveries(response.body.id);
    for (const response of created) await call('DELETE', `/api/webhooks/${response.body.id}`);
  }, 60_000);

  it('the Test button checks the token and that a library holds our folder, and says what is wrong', async () => {
    const ok = await call('POST', '/api/webhooks/test', hook('jellyfin', jellyfin.url));
    expect(ok.body).toMatchObject({ success: true, code: 'ok', params: { library: 'Anime', path: '/data/anime' } });
    expect(ok.body.response_excerpt).toContain('nas (Jellyfin 10.10.7) accepted the token');
    expect(jellyfin.requests.map((request) => request.url)).toEqual(['/System/Info', '/Library/VirtualFolders']);

    const wrong = await call('POST', '/api/webhooks/test', hook('jellyfin', jellyfin.url, { secret: 'wrong' }));
    expect(wrong.body).toMatchObject({ success: false, status_code: 401, code: 'token_rejected' });
    expect(wrong.body.error).toBe('Jellyfin refused the API key (HTTP 401): create one under Dashboard → API Keys');

    const unmapped = await call('POST', '/api/webhooks/test', hook('jellyfin', jellyfin.url, { options: {} }));
    expect(unmapped.body).toMatchObject({ success: false, code: 'no_library_for_path', params: { path: app.mediaDir, libraries: 'Anime (/data/anime)' } });

    const plexOk = await call('POST', '/api/webhooks/test', hook('plex', plex.url));
    expect(plexOk.body).toMatchObject({ success: true, code: 'ok', params: { library: 'Anime' } });
    const plexWrong = await call('POST', '/api/webhooks/test', hook('plex', plex.url, { secret: 'nope' }));
    expect(plexWrong.body).toMatchObject({ success: false, code: 'token_rejected', status_code: 401 });
    const plexUnmapped = await call('POST', '/api/webhooks/test', hook('plex', plex.url, { options: { server_path: '/mnt/elsewhere' } }));
    expect(plexUnmapped.body).toMatchObject({ success: false, code: 'no_library_for_path', params: { path: '/mnt/elsewhere' } });
    expect(plexUnmapped.body.error).toContain('Films (/data/films); Anime (/data/anime)');

    const notAServer = await call('POST', '/api/webhooks/test', hook('jellyfin', messages.url));
    expect(notAServer.body).toMatchObject({ success: false, code: 'not_a_media_server' });

    const closed = await Receiver.start();
    await closed.stop();
    const refused = await call('POST', '/api/webhooks/test', hook('emby', closed.url));
    expect(refused.body).toMatchObject({ success: false, code: 'unreachable', error: `Connection refused by ${closed.url.replace('http://', '')}` });
  });

  it('needs a token for media servers, a bot token and chat id for Telegram, a token and user key for Pushover', async () => {
    for (const [body, path] of [
      [hook('jellyfin', jellyfin.url, { secret: undefined }), 'secret'],
      [hook('plex', plex.url, { secret: undefined }), 'secret'],
      [{ name: 't', kind: 'telegram', url: messages.url, events: ['download_complete'], secret: 'bot' }, 'options.chat_id'],
      [{ name: 'p', kind: 'pushover', url: messages.url, events: ['download_complete'], secret: 'app' }, 'options.user_key'],
    ] as const) {
      const response = await call('POST', '/api/webhooks', body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
    }
    const saved = await call('POST', '/api/webhooks', hook('jellyfin', jellyfin.url));
    const cleared = await call('PUT', `/api/webhooks/${saved.body.id}`, { secret: null });
    expect(cleared.status).toBe(422);
    expect((await call('GET', `/api/webhooks/${saved.body.id}`)).body.has_secret).toBe(true);
    await call('DELETE', `/api/webhooks/${saved.body.id}`);
  });

  it('sends Telegram and Pushover messages in their own formats, and keeps the bot token out of answers and logs', async () => {
    const botToken = '123456:telegram-bot-secret';
    const telegram = await call('POST', '/api/webhooks', {
      name: 'tg',
      kind: 'telegram',
      url: `${messages.url}/`,
      events: ['download_failed'],
      secret: botToken,
      options: { chat_id: '-100200300' },
    });
    expect(telegram.status).toBe(201);
    expect(JSON.stringify(telegram.body)).not.toContain(botToken);
    const pushover = await call('POST', '/api/webhooks', {
      name: 'po',
      kind: 'pushover',
      url: messages.url,
      events: ['download_failed'],
      secret: 'po-app-token',
      options: { user_key: 'po-user' },
    });
    expect(pushover.status).toBe(201);

    messages.responder = (_request, response) => {
      response.statusCode = 400;
      response.end('{"ok":false,"description":"Bad Request: chat not found"}');
    };
    app.running.services.events.publish('download_failed', {
      ...samples.download_failed,
      item_id: 'x',
      key: 'demo-academy',
      folder: 'Demo Academy (2019)',
      serie_name: 'Demo Academy',
      season: 1,
      episode: 2,
      error: 'No hoster offers German Dub',
    });
    const requests = await messages.waitForRequests(2);
    const sent = requests.find((request) => request.url.includes('/bot'))!;
    expect(sent.url).toBe(`/bot${botToken}/sendMessage`);
    expect(JSON.parse(sent.body)).toEqual({
      chat_id: '-100200300',
      text: 'Download failed: Demo Academy S01E02\nNo hoster offers German Dub',
      disable_web_page_preview: true,
    });
    expect(sent.headers['x-aniworld-signature']).toBeUndefined();
    const push = requests.find((request) => request.url === '/1/messages.json')!;
    expect(JSON.parse(push.body)).toEqual({
      token: 'po-app-token',
      user: 'po-user',
      title: 'Download failed: Demo Academy S01E02',
      message: 'No hoster offers German Dub',
      priority: 1,
    });

    const [delivery] = await deliveries(telegram.body.id);
    expect(delivery).toMatchObject({ status: 'failed', last_status_code: 400 });
    expect(JSON.stringify(delivery)).not.toContain(botToken);
    expect(JSON.stringify(app.logs)).not.toContain(botToken);
    messages.responder = (_request, response) => {
      response.end('ok');
    };
    for (const id of [telegram.body.id, pushover.body.id]) await call('DELETE', `/api/webhooks/${id}`);
  });
});
