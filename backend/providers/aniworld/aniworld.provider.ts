import type { HttpClient, HttpResponse } from '../../adapters/http-client.ts';
import type { EpisodeLinks, HosterLink, Provider, SearchResult, SeasonInfo, SeriesInfo } from '../provider.ts';
import { ChallengeError, ParseError, ProviderNotFoundError, ProviderUnavailableError } from '../errors.ts';
import { TtlCache } from '../ttl-cache.ts';
import { seriesUrl } from './series-url.ts';
import { untilAborted } from '../until-aborted.ts';

const KEY = /^[a-z0-9-]+$/;

type Pages = typeof import('./pages.ts');

export interface ProviderSettings {
  readonly url: string;
  readonly cache_ttl_seconds: number;
}

/** aniworld.to (or a mirror / the fixture site, by settings.provider.url). */
export class AniWorldProvider implements Provider {
  readonly id = 'aniworld';
  readonly #http: HttpClient;
  readonly #settings: () => ProviderSettings;
  readonly #series: TtlCache<SeriesInfo>;
  readonly #seasons: TtlCache<SeasonInfo>;
  #pages: Promise<Pages> | undefined;

  constructor(options: { http: HttpClient; settings: () => ProviderSettings; now?: () => number }) {
    this.#http = options.http;
    this.#settings = options.settings;
    const ttlMs = () => this.#settings().cache_ttl_seconds * 1000;
    this.#series = new TtlCache({ ttlMs, now: options.now });
    this.#seasons = new TtlCache({ ttlMs, now: options.now });
  }

  get baseUrl(): string {
    return this.#settings().url.replace(/\/+$/, '');
  }

  async search(query: string, signal?: AbortSignal): Promise<SearchResult[]> {
    const keyword = query.trim();
    if (keyword === '') return [];
    let firstFailure: unknown;
    try {
      const response = await this.#http.request(`${this.baseUrl}/ajax/search`, {
        method: 'POST',
        headers: {
          'x-requested-with': 'XMLHttpRequest',
          'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
          accept: 'application/json, text/javascript, */*; q=0.01',
          referer: `${this.baseUrl}/`,
        },
        body: new URLSearchParams({ keyword }).toString(),
        signal,
      });
      const entries = response.status === 200 ? parseJson(response.body) : undefined;
      if (Array.isArray(entries)) return (await this.#readers()).parseSearchAnswer(entries, this.baseUrl);
      firstFailure = new ParseError(`the search answered HTTP ${response.status} without a JSON list`);
    } catch (error) {
      if (signal?.aborted) throw error;
      firstFailure = error;
    }
    // The older endpoint still answers on some mirrors when the new one is missing or blocked.
    try {
      const response = await this.#http.request(`${this.baseUrl}/ajax/seriesSearch?keyword=${encodeURIComponent(keyword)}`, {
        headers: { 'x-requested-with': 'XMLHttpRequest', accept: 'application/json' },
        signal,
      });
      const entries = response.status === 200 ? parseJson(response.body) : undefined;
      if (Array.isArray(entries)) return (await this.#readers()).parseLegacySearchAnswer(entries, this.baseUrl);
      throw new ParseError(`neither search endpoint answered with a JSON list (legacy: HTTP ${response.status})`);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw firstFailure instanceof ChallengeError || firstFailure instanceof ProviderUnavailableError ? firstFailure : error;
    }
  }

  async getSeries(key: string, signal?: AbortSignal): Promise<SeriesInfo> {
    assertKey(key);
    const url = seriesUrl(this.baseUrl, key);
    // The load is shared between callers, so one caller's abort only ends its own wait.
    return untilAborted(
      this.#series.getOrLoad(url, async () => (await this.#readers()).parseSeriesPage(await this.#page(url, `series "${key}"`), key, url)),
      signal,
    );
  }

  async getSeason(key: string, season: number, signal?: AbortSignal): Promise<SeasonInfo> {
    assertKey(key);
    assertNumber(season, 'season');
    const url = `${seriesUrl(this.baseUrl, key)}/${season === 0 ? 'filme' : `staffel-${season}`}`;
    return untilAborted(
      this.#seasons.getOrLoad(url, async () =>
        (await this.#readers()).parseSeasonPage(await this.#page(url, `season ${season} of "${key}"`), key, season, url),
      ),
      signal,
    );
  }

  async getEpisodeLinks(key: string, season: number, episode: number, signal?: AbortSignal): Promise<EpisodeLinks> {
    assertKey(key);
    assertNumber(season, 'season');
    assertNumber(episode, 'episode');
    const url = `${seriesUrl(this.baseUrl, key)}/${season === 0 ? `filme/film-${episode}` : `staffel-${season}/episode-${episode}`}`;
    const what = season === 0 ? `film ${episode} of "${key}"` : `S${season}E${episode} of "${key}"`;
    const page = await this.#page(url, what, signal);
    return (await this.#readers()).parseEpisodePage(page, key, season, episode, url);
  }

  async resolveRedirect(link: HosterLink, signal?: AbortSignal): Promise<string> {
    const response = await this.#http
      .request(link.redirectUrl, { redirect: 'manual', headers: { referer: `${this.baseUrl}/` }, signal })
      .catch((error: unknown) => {
        if (error instanceof ChallengeError)
          throw new ChallengeError(`the provider asked for a captcha instead of sending us to ${link.hoster} (${error.message})`, {
            cause: error,
            details: { ...(error.details as object | undefined), hoster: link.hoster, link_id: link.linkId },
          });
        throw error;
      });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) return new URL(location, link.redirectUrl).href;
    if (response.status === 404) throw new ProviderNotFoundError(`the provider no longer has the ${link.hoster} link ${link.linkId}`);
    // The redirect endpoint hands out a captcha page instead of a redirect when it distrusts us.
    throw new ChallengeError(
      `the provider asked for a captcha instead of sending us to ${link.hoster} (link ${link.linkId} answered HTTP ${response.status} without a redirect)`,
      { details: { hoster: link.hoster, link_id: link.linkId, status: response.status } },
    );
  }

  keyFromLink(link: string): string | undefined {
    let url: URL;
    try {
      url = new URL(link.trim());
    } catch {
      return undefined;
    }
    // The www. form is the same site; any other host is not ours to fetch.
    const host = (value: string) => value.replace(/^www\./, '');
    if (host(url.host) !== host(new URL(this.baseUrl).host) || !/^https?:$/.test(url.protocol)) return undefined;
    return /^\/anime\/stream\/([a-z0-9-]+)$/.exec(url.pathname)?.[1];
  }

  /** The page readers (cheerio), loaded by the first request that needs them. */
  #readers(): Promise<Pages> {
    this.#pages ??= import('./pages.ts');
    return this.#pages;
  }

  async #page(url: string, what: string, signal?: AbortSignal): Promise<string> {
    const response: HttpResponse = await this.#http.request(url, { signal });
    if (response.status === 404) throw new ProviderNotFoundError(`the provider has no ${what}`);
    if (response.status !== 200) throw new ParseError(`the page of ${what} answered HTTP ${response.status}`);
    // The site answers unknown series with a redirect to its start page rather than a 404.
    if (trimSlash(new URL(response.url).pathname) !== trimSlash(new URL(url).pathname))
      throw new ProviderNotFoundError(`the provider has no ${what} (redirected to ${new URL(response.url).pathname})`);
    // ... or with HTTP 200 and a red message box in place of the page.
    const notFound = (await this.#readers()).notFoundMessage(response.body);
    if (notFound !== undefined) throw new ProviderNotFoundError(`the provider has no ${what}${notFound ? ` ("${notFound}")` : ''}`);
    return response.body;
  }
}

function assertKey(key: string): void {
  if (!KEY.test(key)) throw new ProviderNotFoundError(`"${key}" is not a series key (expected [a-z0-9-]+)`);
}

function assertNumber(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new ProviderNotFoundError(`${what} ${value} is not a whole number`);
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
