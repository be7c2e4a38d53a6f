/**
 * The fixture site's content: generated series plus hand-written edge cases (see README.md).
 * Everything is deterministic so tests can name keys, episode counts and link ids.
 */

export type LangKey = 1 | 2 | 3 | 4;
export type FixtureHosterName = 'VOE' | 'Vidoza' | 'Vidmoly' | 'Doodstream' | 'Filemoon';
export const FIXTURE_HOSTERS: readonly FixtureHosterName[] = ['VOE', 'Vidoza', 'Vidmoly', 'Doodstream', 'Filemoon'];

/** How a hoster link behaves: `challenge` = the provider's /redirect answers a captcha page; `broken` = the embed page lacks its payload. */
export type LinkBehaviour = 'ok' | 'challenge' | 'broken';

export interface FixtureEpisode {
  readonly season: number;
  readonly number: number;
  readonly titleDe: string;
  /** Without the site's suffix; pages add `[Episode 001]`, `[OVA]`, `[Movie]` by `type`. */
  readonly titleEn: string;
  /** Default: `episode` in seasons, `movie` among the films. */
  readonly type?: 'episode' | 'ova' | 'movie' | 'special';
  /** In page order (the site often shows 1, 3, 2). */
  readonly languages: readonly LangKey[];
  readonly hosters: readonly FixtureHosterName[];
}

export interface FixtureSeries {
  readonly key: string;
  readonly name: string;
  readonly alternativeTitles: readonly string[];
  readonly startYear: number;
  readonly endYear: number | null;
  readonly description: string;
  readonly genres: readonly string[];
  readonly imdbId: string | null;
  readonly fsk: number | null;
  /** Season number -> episodes; 0 = films ("Filme"). */
  readonly seasons: ReadonlyMap<number, readonly FixtureEpisode[]>;
  /** Older layout: no season navigation, only meta[itemprop=numberOfSeasons] (films counted). */
  readonly legacyLayout?: boolean;
  /** Escape the episode titles of the season tables twice (`&amp;#039;`), as the real site does for some. */
  readonly doubleEscapedTitles?: boolean;
  /** Write meta tags self-closing (`<meta ... />`). */
  readonly selfClosingMeta?: boolean;
  /** Per hoster, how its links behave for this series (default ok). */
  readonly hosterBehaviour?: Partial<Record<FixtureHosterName, LinkBehaviour>>;
  /** One line for the README and test names. */
  readonly edgeCase?: string;
}

export interface FixtureLink {
  readonly id: number;
  readonly key: string;
  readonly season: number;
  readonly episode: number;
  readonly lang: LangKey;
  readonly hoster: FixtureHosterName;
  readonly behaviour: LinkBehaviour;
}

export interface Catalogue {
  readonly series: readonly FixtureSeries[];
  get(key: string): FixtureSeries | undefined;
  readonly links: ReadonlyMap<number, FixtureLink>;
  linksFor(key: string, season: number, episode: number): FixtureLink[];
  /**
   * Changes which languages an episode is offered in while the site runs (a dub that arrives
   * later): its links become one per language x hoster again; new links get fresh ids, the links
   * of the languages it keeps stay as they were. Throws for an episode the catalogue lacks.
   */
  setLanguages(key: string, season: number, episode: number, languages: readonly LangKey[]): void;
}

const GENRES = ['Action', 'Abenteuer', 'Komödie', 'Drama', 'Fantasy', 'Romanze', 'Sci-Fi', 'Slice of Life', 'Mystery', 'Sport'];
const WORDS = [
  'Blade',
  'Moon',
  'Spirit',
  'Academy',
  'Hunter',
  'Dragon',
  'Sky',
  'Shadow',
  'Crystal',
  'Ocean',
  'Flame',
  'Garden',
  'Star',
  'Knight',
  'Echo',
  'River',
];

function episodes(
  season: number,
  count: number,
  options: { languages?: readonly LangKey[]; hosters?: readonly FixtureHosterName[]; film?: boolean } = {},
): FixtureEpisode[] {
  return Array.from({ length: count }, (_, index) => ({
    season,
    number: index + 1,
    titleDe: options.film ? '' : `Folge ${index + 1} der Staffel ${season}`,
    titleEn: options.film ? `The Movie Part ${index + 1}` : `Episode ${index + 1} of season ${season}`,
    languages: options.languages ?? [1, 3],
    hosters: options.hosters ?? FIXTURE_HOSTERS,
  }));
}

function seasons(...entries: [number, FixtureEpisode[]][]): ReadonlyMap<number, readonly FixtureEpisode[]> {
  return new Map(entries);
}

const base = {
  alternativeTitles: [] as string[],
  description: 'A fixture series.',
  genres: ['Action', 'Abenteuer'],
  imdbId: null,
  fsk: 12,
};

/** Hand-written edge cases; their keys are stable and documented in README.md. */
export const EDGE_CASES: readonly FixtureSeries[] = [
  {
    ...base,
    key: 'demo-academy',
    name: 'Demo Academy',
    alternativeTitles: ['デモ学園', 'Demo Gakuen'],
    startYear: 2019,
    endYear: 2022,
    description: 'A plain, complete series: two seasons, every hoster, German Dub and German Sub.',
    genres: ['Action', 'Komödie', 'Drama', 'Fantasy', 'Romanze'],
    imdbId: 'tt0000001',
    fsk: 12,
    seasons: seasons([1, episodes(1, 3)], [2, episodes(2, 2)]),
    edgeCase: 'baseline: 2 seasons (3 + 2 episodes), all five hosters',
  },
  {
    ...base,
    key: 'tom-and-jerrys-grosse-reise',
    name: 'Tom & Jerry\'s "Große" Reise <Spezial>',
    alternativeTitles: ['Tom & Jerry', "L'aventure"],
    startYear: 2001,
    endYear: 2003,
    description: 'Entities everywhere: & \' " < > in title, alternative titles, description & episode titles.',
    imdbId: 'tt0000002',
    seasons: seasons([
      1,
      episodes(1, 2).map((episode) => ({ ...episode, titleDe: `Käse & "Mäuse" ${episode.number}`, titleEn: `Cheese & Mice's ${episode.number}` })),
    ]),
    doubleEscapedTitles: true,
    edgeCase: 'HTML entities in title, alternative titles, description and episode titles (the season table escapes them twice)',
  },
  {
    ...base,
    key: 'film-collection',
    name: 'Film Collection',
    startYear: 2015,
    endYear: 2020,
    imdbId: 'tt0000003',
    seasons: seasons([0, episodes(0, 2, { film: true }).map((film) => (film.number === 2 ? { ...film, type: 'ova' as const } : film))], [1, episodes(1, 2)]),
    edgeCase:
      'has films: season 0 at /filme with film-1 [Movie] and film-2 [OVA] (empty German title, rows without episodeNumber meta, titles escaped twice), plus season 1',
  },
  {
    ...base,
    key: 'still-running',
    name: 'Still Running',
    startYear: 2024,
    endYear: null,
    imdbId: null,
    fsk: null,
    seasons: seasons([1, episodes(1, 2)]),
    edgeCase: 'no end year, no IMDb id, no age rating',
  },
  {
    ...base,
    key: 'old-layout',
    name: 'Old Layout',
    startYear: 2008,
    endYear: 2010,
    legacyLayout: true,
    selfClosingMeta: true,
    seasons: seasons([0, episodes(0, 1, { film: true })], [1, episodes(1, 2)], [2, episodes(2, 1)]),
    edgeCase:
      'older series page: no season navigation, self-closing meta[itemprop=numberOfSeasons] content=3 (films counted) and self-closing episodeNumber metas',
  },
  {
    ...base,
    key: 'hidden-languages',
    name: 'Hidden Languages',
    startYear: 2020,
    endYear: 2021,
    seasons: seasons([1, episodes(1, 2, { languages: [1, 3, 2, 4] })]),
    edgeCase: 'all four languages in page order 1, 3, 2, 4; links of languages 3, 2, 4 are display:none',
  },
  {
    ...base,
    key: 'challenge-on-voe',
    name: 'Challenge On VOE',
    startYear: 2018,
    endYear: 2019,
    seasons: seasons([1, episodes(1, 2, { hosters: ['VOE', 'Vidoza'] })]),
    hosterBehaviour: { VOE: 'challenge' },
    edgeCase: 'only VOE and Vidoza; /redirect of every VOE link answers a captcha page (200): use Vidoza',
  },
  {
    ...base,
    key: 'broken-hoster',
    name: 'Broken Hoster',
    startYear: 2017,
    endYear: 2017,
    seasons: seasons([1, episodes(1, 1, { hosters: ['VOE', 'Vidmoly'] })]),
    hosterBehaviour: { VOE: 'broken' },
    edgeCase: 'VOE embed page has no payload (resolving it is a ParseError); Vidmoly works',
  },
  {
    ...base,
    key: 'hostile-title',
    name: '../../x',
    alternativeTitles: ['..\\..\\x', '/etc/passwd'],
    startYear: 2021,
    endYear: 2021,
    seasons: seasons([1, episodes(1, 1).map((episode) => ({ ...episode, titleDe: '../../../etc', titleEn: 'a/b\\c:d*e?f' }))]),
    edgeCase: 'title "../../x" and episode titles with path characters: returned as-is, key stays safe',
  },
];

/** The catalogue: the edge cases plus `seriesCount` generated series `generated-series-001`, ... */
export function buildCatalogue(seriesCount = 20): Catalogue {
  const generated: FixtureSeries[] = Array.from({ length: seriesCount }, (_, index) => {
    const n = index + 1;
    const word = (offset: number) => WORDS[(index * 7 + offset) % WORDS.length];
    const seasonCount = 1 + (index % 3);
    return {
      key: `generated-series-${String(n).padStart(3, '0')}`,
      name: `${word(0)} ${word(3)} ${n}`,
      alternativeTitles: [`${word(5)} no ${word(1)}`],
      startYear: 2000 + (index % 24),
      endYear: index % 4 === 0 ? null : 2001 + (index % 24),
      description: `Generated series number ${n}: ${word(2).toLowerCase()} and ${word(4).toLowerCase()}.`,
      genres: [GENRES[index % GENRES.length], GENRES[(index + 3) % GENRES.length]],
      imdbId: `tt${String(1000000 + n)}`,
      fsk: [0, 6, 12, 16, 18][index % 5],
      seasons: new Map(Array.from({ length: seasonCount }, (_, s) => [s + 1, episodes(s + 1, 2 + ((index + s) % 4))] as [number, FixtureEpisode[]])),
    };
  });
  const series = [...EDGE_CASES, ...generated];
  const byKey = new Map(series.map((entry) => [entry.key, entry]));

  const links = new Map<number, FixtureLink>();
  const byEpisode = new Map<string, FixtureLink[]>();
  let nextId = 1000;
  const linkFor = (entry: FixtureSeries, season: number, episode: number, lang: LangKey, hoster: FixtureHosterName): FixtureLink => {
    const link = { id: nextId++, key: entry.key, season, episode, lang, hoster, behaviour: entry.hosterBehaviour?.[hoster] ?? 'ok' };
    links.set(link.id, link);
    return link;
  };
  for (const entry of series) {
    for (const [seasonNumber, list] of [...entry.seasons].sort((a, b) => a[0] - b[0])) {
      for (const episode of list) {
        const episodeLinks: FixtureLink[] = [];
        for (const lang of episode.languages) {
          for (const hoster of episode.hosters) episodeLinks.push(linkFor(entry, seasonNumber, episode.number, lang, hoster));
        }
        byEpisode.set(`${entry.key}/${seasonNumber}/${episode.number}`, episodeLinks);
      }
    }
  }
  return {
    series,
    get: (key) => byKey.get(key),
    links,
    linksFor: (key, season, episode) => byEpisode.get(`${key}/${season}/${episode}`) ?? [],
    setLanguages(key, season, number, languages) {
      const entry = byKey.get(key);
      const list = entry?.seasons.get(season) as FixtureEpisode[] | undefined;
      const index = list?.findIndex((episode) => episode.number === number) ?? -1;
      if (!entry || !list || index < 0) throw new Error(`the fixture has no episode ${key} S${season}E${number}`);
      const episode = list[index];
      const slot = `${key}/${season}/${number}`;
      const previous = byEpisode.get(slot) ?? [];
      for (const link of previous) if (!languages.includes(link.lang)) links.delete(link.id);
      const next: FixtureLink[] = [];
      for (const lang of languages) {
        for (const hoster of episode.hosters)
          next.push(previous.find((link) => link.lang === lang && link.hoster === hoster) ?? linkFor(entry, season, number, lang, hoster));
      }
      byEpisode.set(slot, next);
      list[index] = { ...episode, languages: [...languages] };
    },
  };
}
