import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChallengeError, ParseError, ProviderNotFoundError } from '../../backend/providers/errors.ts';
import { AniWorldProvider } from '../../backend/providers/aniworld/aniworld.provider.ts';
import type { HttpClient } from '../../backend/adapters/http-client.ts';
import type { FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startProviderFixture } from './provider-fixture.ts';

let site: FixtureSite;
let provider: AniWorldProvider;
let http: HttpClient;

beforeAll(async () => {
  ({ site, provider, http } = await startProviderFixture());
});
afterAll(() => site.close());
beforeEach(() => {
  site.stats.reset();
  site.clearFaults();
  site.controls.currentSearch = 'ok';
});

describe('search', () => {
  it('uses POST /ajax/search, keeps series roots once, strips <em> and decodes entities and \\/', async () => {
    const results = await provider.search('Jerry');
    expect(site.stats.count('/ajax/search', 'POST')).toBe(1);
    expect(site.stats.count('/ajax/seriesSearch')).toBe(0);
    expect(site.stats.requests[0].headers['x-requested-with']).toBe('XMLHttpRequest');
    // The answer also holds an episode link, a support page and a duplicate of the series.
    expect(results).toEqual([
      {
        key: 'tom-and-jerrys-grosse-reise',
        name: 'Tom & Jerry\'s "Große" Reise <Spezial>',
        link: `${site.url}/anime/stream/tom-and-jerrys-grosse-reise`,
        description: 'Entities everywhere: & \' " < > in title, alternative titles, description & episode titles.',
        cover: null,
        year: null,
        endYear: null,
      },
    ]);
  });

  it('falls back to GET /ajax/seriesSearch when the current endpoint is missing', async () => {
    site.controls.currentSearch = 'missing';
    const results = await provider.search('demo');
    expect(site.stats.count('/ajax/search', 'POST')).toBe(1);
    expect(site.stats.count('/ajax/seriesSearch?keyword=demo', 'GET')).toBe(1);
    expect(results).toEqual([
      expect.objectContaining({
        key: 'demo-academy',
        name: 'Demo Academy',
        link: `${site.url}/anime/stream/demo-academy`,
        cover: `${site.url}/public/img/cover/demo-academy-stream-cover-2019_150x225.jpg`,
        year: 2019,
        endYear: 2022,
      }),
    ]);
  });

  it('legacy answers of running shows have no end year', async () => {
    site.controls.currentSearch = 'missing';
    const [result] = await provider.search('still running');
    expect(result).toMatchObject({ key: 'still-running', year: 2024, endYear: null });
  });

  it('falls back when the current endpoint answers a challenge, and reports the challenge when both fail', async () => {
    site.failNext('/ajax/search', { status: 403 });
    expect((await provider.search('demo')).map((result) => result.key)).toEqual(['demo-academy']);
    site.failNext('/ajax/search', { status: 403 });
    site.failNext('/ajax/seriesSearch', { status: 403 });
    await expect(provider.search('demo')).rejects.toBeInstanceOf(ChallengeError);
  });

  it('finds nothing for an empty query without asking the site', async () => {
    expect(await provider.search('   ')).toEqual([]);
    expect(site.stats.requests).toHaveLength(0);
  });

  it('returns a hostile title as-is while the key stays [a-z0-9-]', async () => {
    const results = await provider.search('../');
    expect(results).toEqual([expect.objectContaining({ key: 'hostile-title', name: '../../x' })]);
    for (const result of await provider.search('e')) expect(result.key).toMatch(/^[a-z0-9-]+$/);
  });
});

describe('series page', () => {
  it('reads title, alternative titles, years, full description, absolute data-src cover, genres without the + button and language tags, IMDb id, age rating, seasons', async () => {
    const page = await (await fetch(`${site.url}/anime/stream/demo-academy`)).text();
    expect(page).toContain('itemprop="genre">Ger</a>');
    expect(page).toContain('itemprop="genre">GerSub</a>');
    expect(await provider.getSeries('demo-academy')).toEqual({
      key: 'demo-academy',
      name: 'Demo Academy',
      link: `${site.url}/anime/stream/demo-academy`,
      alternativeTitles: ['デモ学園', 'Demo Gakuen'],
      year: 2019,
      endYear: 2022,
      description: 'A plain, complete series: two seasons, every hoster, German Dub and German Sub.',
      cover: `${site.url}/public/img/cover/demo-academy-stream-cover-2019_220x330.png`,
      genres: ['Action', 'Komödie', 'Drama', 'Fantasy', 'Romanze'],
      imdbId: 'tt0000001',
      ageRating: 12,
      seasons: [1, 2],
    });
  });

  it('decodes entities in title, alternative titles and description', async () => {
    const series = await provider.getSeries('tom-and-jerrys-grosse-reise');
    expect(series.name).toBe('Tom & Jerry\'s "Große" Reise <Spezial>');
    expect(series.alternativeTitles).toEqual(['Tom & Jerry', "L'aventure"]);
    expect(series.description).toContain('& \' " < >');
  });

  it('lists films as season 0', async () => {
    expect((await provider.getSeries('film-collection')).seasons).toEqual([0, 1]);
  });

  it('handles a running show without end year, IMDb id or age rating', async () => {
    expect(await provider.getSeries('still-running')).toMatchObject({ year: 2024, endYear: null, imdbId: null, ageRating: null });
  });

  it('falls back to a self-closing meta numberOfSeasons on older pages (films counted)', async () => {
    expect((await provider.getSeries('old-layout')).seasons).toEqual([0, 1, 2]);
  });

  it('keeps a hostile title as-is', async () => {
    const series = await provider.getSeries('hostile-title');
    expect(series.name).toBe('../../x');
    expect(series.key).toBe('hostile-title');
  });

  it('answers ProviderNotFoundError for unknown or unsafe keys', async () => {
    await expect(provider.getSeries('no-such-series')).rejects.toThrow(/^the provider has no series "no-such-series" \("Diese Seite/);
    await expect(provider.getSeries('../etc')).rejects.toBeInstanceOf(ProviderNotFoundError);
    expect(site.stats.count('/anime/stream/..')).toBe(0);
  });

  it('fails with a ParseError naming what is missing', async () => {
    site.failNext('/anime/stream/demo-academy', {
      status: 200,
      body: '<html><body><div class="series-title"><h1 itemprop="name"><span>Demo</span></h1></div></body></html>',
    });
    await expect(provider.getSeries('demo-academy')).rejects.toThrow(/no season list/);
    site.failNext('/anime/stream/demo-academy', { status: 200, body: '<html><body><p>maintenance</p></body></html>' });
    const error = await provider.getSeries('demo-academy').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(/no title/);
  });

  it('raises ChallengeError for a challenge page instead of parsing it', async () => {
    site.failNext('/anime/stream/demo-academy', { status: 200, body: '<html><head><title>Just a moment...</title></head><body>cf-challenge</body></html>' });
    await expect(provider.getSeries('demo-academy')).rejects.toBeInstanceOf(ChallengeError);
  });
});

describe('season pages', () => {
  it('lists episodes with German and English titles, languages from flags and hosters from icons', async () => {
    const season = await provider.getSeason('demo-academy', 2);
    expect(season.episodes).toEqual(
      [1, 2].map((number) => ({
        season: 2,
        number,
        titleDe: `Folge ${number} der Staffel 2`,
        titleEn: `Episode ${number} of season 2`,
        type: 'episode',
        languages: ['German Dub', 'German Sub'],
        hosters: ['VOE', 'Vidoza', 'Vidmoly', 'Doodstream', 'Filemoon'],
        link: `${site.url}/anime/stream/demo-academy/staffel-2/episode-${number}`,
      })),
    );
  });

  it('reads /filme rows without episodeNumber meta: film-N links, an empty German title, [Movie] and [OVA] as types', async () => {
    const films = await provider.getSeason('film-collection', 0);
    expect(site.stats.count('/anime/stream/film-collection/filme')).toBe(1);
    expect(films.episodes.map((film) => [film.number, film.titleDe, film.titleEn, film.type, film.link])).toEqual([
      [1, null, 'The Movie Part 1', 'movie', `${site.url}/anime/stream/film-collection/filme/film-1`],
      [2, null, 'The Movie Part 2', 'ova', `${site.url}/anime/stream/film-collection/filme/film-2`],
    ]);
  });

  it('keeps the [Episode 001] suffix, numbered across seasons, out of the English title', async () => {
    const response = await fetch(`${site.url}/anime/stream/demo-academy/staffel-2`);
    expect(await response.text()).toContain('<span>Episode 1 of season 2 [Episode 004]</span>');
    const [first] = (await provider.getSeason('demo-academy', 2)).episodes;
    expect(first).toMatchObject({ titleEn: 'Episode 1 of season 2', type: 'episode' });
  });

  it('reads self-closing episodeNumber metas', async () => {
    expect((await provider.getSeason('old-layout', 1)).episodes.map((episode) => episode.number)).toEqual([1, 2]);
  });

  it('decodes entities in episode titles, also where the table escapes them twice', async () => {
    expect(await (await fetch(`${site.url}/anime/stream/tom-and-jerrys-grosse-reise/staffel-1`)).text()).toContain('Mice&amp;#039;s 1');
    const [first] = (await provider.getSeason('tom-and-jerrys-grosse-reise', 1)).episodes;
    expect([first.titleDe, first.titleEn]).toEqual(['Käse & "Mäuse" 1', "Cheese & Mice's 1"]);
  });

  it('reads all four languages from the flags', async () => {
    const [first] = (await provider.getSeason('hidden-languages', 1)).episodes;
    expect(first.languages).toEqual(['German Dub', 'German Sub', 'English Sub', 'English Dub']);
  });

  it("answers ProviderNotFoundError for a season the series does not have (the site's messageAlert page)", async () => {
    const page = await fetch(`${site.url}/anime/stream/demo-academy/staffel-9`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('class="messageAlert danger"');
    const error = await provider.getSeason('demo-academy', 9).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderNotFoundError);
    expect((error as Error).message).toMatch(/^the provider has no season 9 of "demo-academy" \("Diese Seite gibt es hier nicht/);
  });

  it('fails with a ParseError when the page has no episode list', async () => {
    site.failNext('/anime/stream/demo-academy/staffel-1', {
      status: 200,
      body: '<html><body><div class="hosterSiteDirectNav" id="stream"><ul></ul></div></body></html>',
    });
    await expect(provider.getSeason('demo-academy', 1)).rejects.toThrow(ParseError);
  });
});

describe('episode pages', () => {
  it('reads languages by data-lang-key and every hoster link, hidden ones included', async () => {
    const episode = await provider.getEpisodeLinks('hidden-languages', 1, 2);
    expect(episode.languages).toEqual(['German Dub', 'German Sub', 'English Sub', 'English Dub']);
    expect(episode.titleDe).toBe('Folge 2 der Staffel 1');
    expect(episode.titleEn).toBe('Episode 2 of season 1');
    expect(episode.type).toBe('episode');
    expect(episode.links).toHaveLength(4 * 5);
    const expected = site.catalogue.linksFor('hidden-languages', 1, 2);
    expect(episode.links.map((link) => [link.hoster, link.language, link.linkId, link.redirectUrl])).toEqual(
      expected.map((link) => [
        link.hoster,
        { 1: 'German Dub', 2: 'English Sub', 3: 'German Sub', 4: 'English Dub' }[link.lang],
        String(link.id),
        `${site.url}/redirect/${link.id}`,
      ]),
    );
  });

  it('reads film pages as season 0', async () => {
    const film = await provider.getEpisodeLinks('film-collection', 0, 2);
    expect(site.stats.count('/anime/stream/film-collection/filme/film-2')).toBe(1);
    expect(film).toMatchObject({ season: 0, episode: 2, titleDe: null, titleEn: 'The Movie Part 2', type: 'ova' });
    expect(film.links.length).toBeGreaterThan(0);
  });

  it('keeps hostile episode titles as-is', async () => {
    const episode = await provider.getEpisodeLinks('hostile-title', 1, 1);
    expect([episode.titleDe, episode.titleEn]).toEqual(['../../../etc', 'a/b\\c:d*e?f']);
  });

  it('fails with a ParseError when the hoster list is missing', async () => {
    site.failNext('/anime/stream/demo-academy/staffel-1/episode-1', { status: 200, body: '<html><body><div class="hosterSiteTitle"></div></body></html>' });
    await expect(provider.getEpisodeLinks('demo-academy', 1, 1)).rejects.toThrow(/no hoster list/);
  });
});

describe('redirects', () => {
  it('resolves /redirect/<id> to the hoster embed URL without following it', async () => {
    const [link] = (await provider.getEpisodeLinks('demo-academy', 1, 1)).links;
    const fixtureLink = site.catalogue.links.get(Number(link.linkId))!;
    expect(await provider.resolveRedirect(link)).toBe(site.embedUrl(fixtureLink));
    expect(site.stats.count('/voe/')).toBe(0);
  });

  it('treats an HTML answer instead of a redirect as a challenge', async () => {
    const episode = await provider.getEpisodeLinks('challenge-on-voe', 1, 1);
    const voe = episode.links.find((link) => link.hoster === 'VOE')!;
    const vidoza = episode.links.find((link) => link.hoster === 'Vidoza')!;
    const error = await provider.resolveRedirect(voe).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChallengeError);
    expect((error as Error).message).toMatch(
      /^the provider asked for a captcha instead of sending us to VOE \(127\.0\.0\.1:\d+ answered with an anti-bot challenge \(HTTP 200\) for \/redirect\/\d+\)$/,
    );
    // A page without the usual markers, but still no redirect, is the same.
    site.failNext(`/redirect/${voe.linkId}`, { status: 200, body: '<html><body>Bitte warten</body></html>' });
    expect(await provider.resolveRedirect(voe).catch((caught: Error) => caught.message)).toBe(
      `the provider asked for a captcha instead of sending us to VOE (link ${voe.linkId} answered HTTP 200 without a redirect)`,
    );
    expect(await provider.resolveRedirect(vidoza)).toContain('/vidoza/embed-');
  });
});

describe('keyFromLink', () => {
  it('accepts only /anime/stream/<key> on the configured host', () => {
    expect(provider.keyFromLink(`${site.url}/anime/stream/demo-academy`)).toBe('demo-academy');
    expect(provider.keyFromLink(`${site.url}/anime/stream/demo-academy/staffel-1`)).toBeUndefined();
    expect(provider.keyFromLink(`${site.url}/anime/stream/Demo_Academy`)).toBeUndefined();
    expect(provider.keyFromLink(`${site.url}/anime/stream/..%2Fetc`)).toBeUndefined();
    expect(provider.keyFromLink('https://evil.example/anime/stream/demo-academy')).toBeUndefined();
    expect(provider.keyFromLink('/anime/stream/demo-academy')).toBeUndefined();
    expect(provider.keyFromLink('not a url')).toBeUndefined();
    expect(provider.keyFromLink(`ftp://${new URL(site.url).host}/anime/stream/demo-academy`)).toBeUndefined();
    const real = new AniWorldProvider({ http, settings: () => ({ url: 'https://aniworld.to', cache_ttl_seconds: 0 }) });
    expect(real.keyFromLink('https://www.aniworld.to/anime/stream/demo-academy')).toBe('demo-academy');
    expect(real.keyFromLink('https://aniworld.to.evil.example/anime/stream/demo-academy')).toBeUndefined();
    expect(provider.keyFromLink(`  ${site.url}/anime/stream/demo-academy?ref=x  `)).toBe('demo-academy');
  });
});

describe('cache', () => {
  it('serves series and season pages from the TTL cache', async () => {
    const { site: cachedSite, provider: cached } = await startProviderFixture({ cacheTtlSeconds: 60 });
    try {
      await cached.getSeries('demo-academy');
      await cached.getSeries('demo-academy');
      await cached.getSeason('demo-academy', 1);
      await cached.getSeason('demo-academy', 1);
      expect(cachedSite.stats.count('/anime/stream/demo-academy', 'GET')).toBe(2);
    } finally {
      await cachedSite.close();
    }
  });

  it('loads the page again once the TTL has passed', async () => {
    const { site: cachedSite, http: cachedHttp } = await startProviderFixture();
    let now = 0;
    const cached = new AniWorldProvider({ http: cachedHttp, settings: () => ({ url: cachedSite.url, cache_ttl_seconds: 60 }), now: () => now });
    try {
      await cached.getSeries('demo-academy');
      now += 59_000;
      await cached.getSeries('demo-academy');
      expect(cachedSite.stats.count('/anime/stream/demo-academy')).toBe(1);
      now += 2_000;
      await cached.getSeries('demo-academy');
      expect(cachedSite.stats.count('/anime/stream/demo-academy')).toBe(2);
    } finally {
      await cachedSite.close();
    }
  });
});

describe('fixture covers', () => {
  it('serve a real PNG at the cover URL the series page names', async () => {
    const { cover } = await provider.getSeries('demo-academy');
    const response = await fetch(cover!);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');
  });
});

describe('shared loads', () => {
  it('concurrent callers share one page load, and one caller aborting does not fail the others', async () => {
    const { site: sharedSite, provider: shared } = await startProviderFixture({ cacheTtlSeconds: 60 });
    try {
      const controller = new AbortController();
      const aborted = shared.getSeries('demo-academy', controller.signal);
      const other = shared.getSeries('demo-academy');
      controller.abort(new Error('panel navigated away'));
      await expect(aborted).rejects.toThrow('panel navigated away');
      expect((await other).name).toBe('Demo Academy');
      expect(sharedSite.stats.count('/anime/stream/demo-academy')).toBe(1);
    } finally {
      await sharedSite.close();
    }
  });
});
