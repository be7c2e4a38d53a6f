import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inContext } from '../../backend/db/context.ts';
import { FakeClock } from '../../backend/adapters/clock.ts';
import { SeriesRefresher } from '../../backend/modules/series/series-refresh.ts';
import type { EpisodeListing, Provider, SeasonInfo, SeriesInfo } from '../../backend/providers/provider.ts';
import { query, startLibrary, type Library } from './library-fixture.ts';
import { silentLogger } from '../helpers/loggers.ts';

/** A provider whose catalogue the test edits between refreshes (the fixture site's catalogue is fixed). */
function editableProvider(seasons: Map<number, number[]>) {
  const calls: string[] = [];
  const listing = (season: number, number: number): EpisodeListing => ({
    season,
    number,
    titleDe: `DE ${season}.${number}`,
    titleEn: `EN ${season}.${number}`,
    type: season === 0 ? 'movie' : 'episode',
    languages: ['German Dub'],
    hosters: [],
    link: '',
  });
  const provider = {
    id: 'test',
    baseUrl: 'https://aniworld.to',
    async getSeries(key: string): Promise<SeriesInfo> {
      calls.push(`series ${key}`);
      return {
        key,
        name: 'Show',
        link: `https://aniworld.to/anime/stream/${key}`,
        alternativeTitles: [],
        year: 2020,
        endYear: null,
        description: 'd',
        cover: null,
        genres: ['Action'],
        imdbId: null,
        ageRating: 12,
        seasons: [...seasons.keys()].sort(),
      };
    },
    async getSeason(key: string, season: number): Promise<SeasonInfo> {
      calls.push(`season ${season}`);
      return { key, season, episodes: (seasons.get(season) ?? []).map((number) => listing(season, number)) };
    },
  } as unknown as Provider;
  return { provider, calls };
}

let lib: Library;
beforeEach(async () => {
  lib = await startLibrary();
});
afterEach(async () => {
  await lib.close();
});

describe('SeriesRefresher', () => {
  it('stores every season page, keeps downloaded episodes the provider dropped, removes the rest', async () => {
    await lib.files({ 'Show/.aniworld.json': JSON.stringify({ key: 'show' }), 'Show/Show - S01E02.mp4': '', 'Show/Show - S01E09.mp4': '' });
    await lib.scanner.scanLibrary();
    const catalogue = new Map([
      [0, [1]],
      [1, [1, 2, 3]],
    ]);
    const { provider, calls } = editableProvider(catalogue);
    const logger = silentLogger();
    const refresher = new SeriesRefresher({ orm: lib.orm, provider: () => provider, logger, clock: new FakeClock() });

    expect(await inContext(lib.orm, () => refresher.refreshSeries('show'))).toEqual({ key: 'show', folder: 'Show', seasons: 2, episodes: 4 });
    expect(calls).toEqual(['series show', 'season 0', 'season 1']);
    const rows = () =>
      query<{ season: number; number: number; on_provider: number; downloaded: number; title_de: string | null }>(
        lib.orm,
        'select season, number, on_provider, downloaded, title_de from episode order by season, number',
      );
    expect(await rows()).toEqual([
      { season: 0, number: 1, on_provider: 1, downloaded: 0, title_de: 'DE 0.1' },
      { season: 1, number: 1, on_provider: 1, downloaded: 0, title_de: 'DE 1.1' },
      { season: 1, number: 2, on_provider: 1, downloaded: 1, title_de: 'DE 1.2' },
      { season: 1, number: 3, on_provider: 1, downloaded: 0, title_de: 'DE 1.3' },
      { season: 1, number: 9, on_provider: 0, downloaded: 1, title_de: null },
    ]);
    const series = (
      await query<{ has_films: number; season_count: number; genres: string; provider_checked_at: number | null }>(
        lib.orm,
        'select has_films, season_count, genres, provider_checked_at from series',
      )
    )[0];
    expect(series).toMatchObject({ has_films: 1, season_count: 1, genres: '["Action"]' });
    expect(series.provider_checked_at).not.toBeNull();

    catalogue.set(1, [1]);
    await inContext(lib.orm, () => refresher.refreshSeries('show'));
    expect((await rows()).map((row) => [row.season, row.number, row.on_provider, row.downloaded])).toEqual([
      [0, 1, 1, 0],
      [1, 1, 1, 0],
      [1, 2, 0, 1],
      [1, 9, 0, 1],
    ]);
  });

  it('refreshAll visits monitored series only and collects failures', async () => {
    await lib.files({
      'A/.aniworld.json': JSON.stringify({ key: 'a' }),
      'B/.aniworld.json': JSON.stringify({ key: 'b' }),
      'C/.aniworld.json': JSON.stringify({ key: 'c' }),
    });
    await lib.scanner.scanLibrary();
    await query(lib.orm, "update series set monitored = 0 where key = 'c'");
    const { provider, calls } = editableProvider(new Map([[1, [1]]]));
    const failing = {
      ...provider,
      getSeries: async (key: string) => {
        if (key === 'b') throw new Error('provider down');
        return provider.getSeries(key);
      },
    } as Provider;
    const logger = silentLogger();
    const refresher = new SeriesRefresher({ orm: lib.orm, provider: () => failing, logger, clock: new FakeClock() });
    expect(await refresher.refreshAll()).toEqual({ refreshed: 1, failed: [{ key: 'b', error: 'provider down' }] });
    expect(calls).toEqual(['series a', 'season 1']);
  });
});
