/**
 * The provider seam. A provider is a site that lists series, seasons, episodes and hoster links;
 * a hoster turns an embed page into a media URL. Add a provider by adding a folder and one line
 * in registry.ts. Everything here speaks in our terms: `key` is the provider slug.
 */

export const LANGUAGES = ['German Dub', 'German Sub', 'English Sub', 'English Dub'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What the site's title suffix says a listing is: `[Episode 001]`, `[OVA]`, `[Movie]`, `[Special]`. */
export const EPISODE_TYPES = ['episode', 'ova', 'movie', 'special'] as const;
export type EpisodeType = (typeof EPISODE_TYPES)[number];

export interface SearchResult {
  readonly key: string;
  readonly name: string;
  /** Absolute URL of the series page. */
  readonly link: string;
  readonly description: string | null;
  /** Absolute URL, when the search answer has one. */
  readonly cover: string | null;
  readonly year: number | null;
  readonly endYear: number | null;
}

export interface SeriesInfo {
  readonly key: string;
  readonly name: string;
  readonly link: string;
  readonly alternativeTitles: readonly string[];
  readonly year: number | null;
  readonly endYear: number | null;
  readonly description: string | null;
  /** Absolute URL. */
  readonly cover: string | null;
  readonly genres: readonly string[];
  readonly imdbId: string | null;
  readonly ageRating: number | null;
  /** Season numbers the site lists, ascending; 0 stands for the films ("Filme"). */
  readonly seasons: readonly number[];
}

export interface EpisodeListing {
  readonly season: number;
  readonly number: number;
  readonly titleDe: string | null;
  /** Without the site's `[Episode 001]` / `[OVA]` / `[Movie]` suffix: that is `type`. */
  readonly titleEn: string | null;
  readonly type: EpisodeType;
  readonly languages: readonly Language[];
  /** Hoster names shown in the season table (may be empty). */
  readonly hosters: readonly string[];
  readonly link: string;
}

export interface SeasonInfo {
  readonly key: string;
  readonly season: number;
  readonly episodes: readonly EpisodeListing[];
}

export interface HosterLink {
  readonly hoster: string;
  readonly language: Language;
  readonly linkId: string;
  /** Absolute URL of the provider's redirect to the hoster embed page. */
  readonly redirectUrl: string;
}

export interface EpisodeLinks {
  readonly key: string;
  readonly season: number;
  readonly episode: number;
  readonly titleDe: string | null;
  readonly titleEn: string | null;
  readonly type: EpisodeType;
  readonly languages: readonly Language[];
  readonly links: readonly HosterLink[];
}

export interface Provider {
  /** Stable id, e.g. "aniworld". */
  readonly id: string;
  readonly baseUrl: string;
  search(query: string, signal?: AbortSignal): Promise<SearchResult[]>;
  getSeries(key: string, signal?: AbortSignal): Promise<SeriesInfo>;
  getSeason(key: string, season: number, signal?: AbortSignal): Promise<SeasonInfo>;
  getEpisodeLinks(key: string, season: number, episode: number, signal?: AbortSignal): Promise<EpisodeLinks>;
  /** Follows the provider's redirect to the hoster's embed URL; a captcha answer raises ChallengeError. */
  resolveRedirect(link: HosterLink, signal?: AbortSignal): Promise<string>;
  /** The key when `link` is a series page of this provider's configured host, else undefined. */
  keyFromLink(link: string): string | undefined;
}

export interface ResolvedMedia {
  readonly url: string;
  readonly kind: 'mp4' | 'hls';
  /** Headers the media host expects (User-Agent, Referer, Origin). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Hoster {
  /** As the provider names it: "VOE", "Vidoza", ... */
  readonly name: string;
  canHandle(embedUrl: URL): boolean;
  resolve(embedUrl: string, signal?: AbortSignal): Promise<ResolvedMedia>;
}
