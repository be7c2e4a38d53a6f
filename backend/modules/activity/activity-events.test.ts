import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/bus.ts';
import { activityFor, changedSettingKeys } from './activity-events.ts';

const event = (type: string, data: Record<string, unknown>) => ({ type, timestamp: '2026-12-02T00:00:00.000Z', data }) as unknown as DomainEvent;

describe('activityFor', () => {
  it('keeps what a person wants to read later and leaves out the noise', () => {
    expect(activityFor(event('series_added', { key: 'a', folder: 'A', name: 'A', imported: true }))).toEqual({
      type: 'series_imported',
      key: 'a',
      folder: 'A',
      data: { name: 'A' },
    });
    expect(activityFor(event('series_added', { key: 'a', folder: 'A', name: 'A', imported: false }))?.type).toBe('series_added');
    expect(activityFor(event('scan_complete', { scope: 'series', key: 'a', folder: 'A', changed: true, episodes: 3 }))).toBeUndefined();
    expect(activityFor(event('scan_complete', { scope: 'library', series: 2, changed: 1, unknown_folders: ['x'], duration_ms: 5 }))?.data).toEqual({
      scope: 'library',
      series: 2,
      changed: 1,
      duration_ms: 5,
    });
    expect(activityFor(event('series_refreshed', { key: 'a', folder: 'A', name: 'A', new_episodes: 0, episodes: 5, seasons: 1 }))).toBeUndefined();
    expect(activityFor(event('download_progress', { key: 'a', folder: 'A', progress: 50 }))).toBeUndefined();
    expect(activityFor(event('queue_status', {}))).toBeUndefined();
  });

  it('never keeps a URL, a path or a nested value', () => {
    const check = activityFor(event('provider_check', { site: 'aniworld.to', url: 'https://aniworld.to/?token=secret', reason: 'captcha', state: 'waiting' }));
    expect(check?.data).toEqual({ site: 'aniworld.to', reason: 'captcha', state: 'waiting' });
    const done = activityFor(
      event('download_complete', {
        item_id: 'i',
        key: 'a',
        folder: 'A',
        season: 1,
        episode: 2,
        file_path: '/media/A/x.mp4',
        hoster: 'VOE',
        language: 'German Dub',
        size: 10,
        serie_name: 'A',
      }),
    );
    expect(done?.data).toEqual({ season: 1, episode: 2, serie_name: 'A', language: 'German Dub', hoster: 'VOE', size: 10 });
    const upgraded = activityFor(
      event('episode_upgraded', {
        item_id: 'i',
        key: 'a',
        folder: 'A',
        season: 1,
        episode: 2,
        from_language: 'German Sub',
        to_language: 'German Dub',
        file_path: '/media/A/x.mp4',
        serie_name: 'A',
      }),
    );
    expect(upgraded?.data).toEqual({ season: 1, episode: 2, serie_name: 'A', from_language: 'German Sub', to_language: 'German Dub' });
  });
});

describe('changedSettingKeys', () => {
  it('names the changed leaves (arrays as one value), not their values', () => {
    const before = { downloads: { concurrency: 2, languages: ['German Dub'] }, provider: { flaresolverr_url: '' }, library: { watch: true } };
    const after = {
      downloads: { concurrency: 3, languages: ['German Dub', 'German Sub'] },
      provider: { flaresolverr_url: 'http://u:p@h' },
      library: { watch: true },
    };
    expect(changedSettingKeys(before, after)).toEqual(['downloads.concurrency', 'downloads.languages', 'provider.flaresolverr_url']);
    expect(changedSettingKeys(before, before)).toEqual([]);
  });
});
