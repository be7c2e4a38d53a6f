import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderRequest, sign, type HookTarget, type WebhookPayload } from '../../backend/modules/notifications/webhook-formats.ts';

const complete: WebhookPayload = {
  event: 'download_complete',
  timestamp: '2026-11-24T12:00:00.000Z',
  instance: 'nas',
  data: {
    item_id: 'i1',
    key: 'shingeki-no-kyojin',
    folder: 'Attack on Titan (2013)',
    serie_name: 'Shingeki no Kyojin – 進撃の巨人',
    season: 2,
    episode: 5,
    file_path: '/media/Attack on Titan (2013)/Season 02/x.mkv',
  },
};
const failed: WebhookPayload = { ...complete, event: 'download_failed', data: { ...complete.data, error: 'No hoster had the episode in German Dub' } };
const hook = (fields: Partial<HookTarget>): HookTarget => ({
  url: 'https://receiver.example/hook',
  kind: 'json',
  method: 'POST',
  headers: {},
  secret: null,
  ...fields,
});

describe('webhook formats', () => {
  it('generic JSON: the payload as is, PUT when asked, custom headers, signature over the exact body', () => {
    const request = renderRequest(hook({ method: 'PUT', secret: 'k', headers: { Authorization: 'Bearer x' } }), complete, 42);
    expect(request.method).toBe('PUT');
    expect(JSON.parse(request.body)).toEqual(complete);
    expect(request.headers).toMatchObject({
      Authorization: 'Bearer x',
      'Content-Type': 'application/json',
      'X-AniWorld-Event': 'download_complete',
      'X-AniWorld-Delivery': '42',
    });
    expect(request.headers['X-AniWorld-Signature']).toBe(`sha256=${createHmac('sha256', 'k').update(request.body).digest('hex')}`);
    expect(sign(request.body, 'other')).not.toBe(request.headers['X-AniWorld-Signature']);
    expect(renderRequest(hook({}), complete).headers['X-AniWorld-Signature']).toBeUndefined();
  });

  it('Discord: one embed with the series, the episode, key and folder; failures in red', () => {
    const body = JSON.parse(renderRequest(hook({ kind: 'discord' }), complete).body);
    expect(body.embeds[0]).toMatchObject({
      title: 'Downloaded: Shingeki no Kyojin – 進撃の巨人 S02E05',
      description: '/media/Attack on Titan (2013)/Season 02/x.mkv',
      fields: [
        { name: 'Key', value: 'shingeki-no-kyojin', inline: true },
        { name: 'Folder', value: 'Attack on Titan (2013)', inline: true },
      ],
      footer: { text: 'nas' },
    });
    const red = JSON.parse(renderRequest(hook({ kind: 'discord' }), failed).body).embeds[0];
    expect(red.title).toBe('Download failed: Shingeki no Kyojin – 進撃の巨人 S02E05');
    expect(red.description).toBe('No hoster had the episode in German Dub');
    expect(red.color).not.toBe(JSON.parse(renderRequest(hook({ kind: 'discord' }), complete).body).embeds[0].color);
  });

  it('ntfy: JSON to the server root with the topic from the URL, priority up for failures', () => {
    const request = renderRequest(hook({ kind: 'ntfy', url: 'https://ntfy.example/sub/path/anime%20news' }), failed);
    expect(request.url).toBe('https://ntfy.example/sub/path');
    expect(JSON.parse(request.body)).toEqual({
      topic: 'anime news',
      title: 'Download failed: Shingeki no Kyojin – 進撃の巨人 S02E05',
      message: 'No hoster had the episode in German Dub',
      priority: 4,
      tags: ['download_failed', 'warning'],
    });
  });

  it('Gotify: title, message and priority on /message, the token kept in the query', () => {
    const request = renderRequest(hook({ kind: 'gotify', url: 'https://gotify.example/?token=abc' }), complete);
    expect(request.url).toBe('https://gotify.example/message?token=abc');
    expect(JSON.parse(request.body)).toMatchObject({
      title: 'Downloaded: Shingeki no Kyojin – 進撃の巨人 S02E05',
      message: '/media/Attack on Titan (2013)/Season 02/x.mkv',
      priority: 5,
    });
    expect(renderRequest(hook({ kind: 'gotify', url: 'https://gotify.example/message' }), complete).url).toBe('https://gotify.example/message');
  });

  it('scan_complete shows the missing counts; health issues and new episodes read naturally', () => {
    const scan = renderRequest(hook({ kind: 'discord' }), {
      ...complete,
      event: 'scan_complete',
      data: { scope: 'library', missing_episodes: 12, series_with_missing: 3, episodes_added: 4 },
    });
    const embed = JSON.parse(scan.body).embeds[0];
    expect(embed.title).toBe('Library scan complete');
    expect(embed.description).toBe('12 episodes missing.');
    expect(embed.fields).toEqual(
      expect.arrayContaining([
        { name: 'Missing episodes', value: '12', inline: true },
        { name: 'Series with missing', value: '3', inline: true },
      ]),
    );
    const health = JSON.parse(
      renderRequest(hook({ kind: 'ntfy', url: 'https://n.example/t' }), {
        ...complete,
        event: 'health_issue',
        data: { component: 'storage', message: 'Media folder is read-only' },
      }).body,
    );
    expect(health).toMatchObject({ title: 'Health issue: storage', message: 'Media folder is read-only', priority: 4 });
  });

  it('an upgrade names both languages', () => {
    const upgraded: WebhookPayload = {
      ...complete,
      event: 'episode_upgraded',
      data: { ...complete.data, from_language: 'German Sub', to_language: 'German Dub' },
    };
    expect(JSON.parse(renderRequest(hook({ kind: 'discord' }), upgraded).body).embeds[0]).toMatchObject({
      title: 'Upgraded: Shingeki no Kyojin – 進撃の巨人 S02E05',
      description: 'Shingeki no Kyojin – 進撃の巨人 S02E05 is now in German Dub (was German Sub).',
    });
  });
});
