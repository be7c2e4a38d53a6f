import { describe, expect, it } from 'vitest';
import { filterLibrary, missingList, type AnimeSummary, type LibraryFilter } from './library.ts';

function series(key: string, name: string, extra: Partial<AnimeSummary> = {}): AnimeSummary {
  return {
    key, name, site: 'aniworld.to', folder: name, link: `https://aniworld.to/anime/stream/${key}`, missing_episodes: {},
    year: null, end_year: null, cover: null, monitored: true, preferred_language: null, episode_count: 10, downloaded_count: 10,
    missing_count: 0, upgrade_language: true, upgradable_count: 0, provider_checked_at: null, scanned_at: null, ...extra,
  };
}

const library = [
  series('one-piece', 'One Piece', { year: 1999, missing_count: 40 }),
  series('frieren', 'Frieren', { year: 2023, missing_count: 2 }),
  series('demo-academy', 'Demo Academy', { year: 2019, monitored: false }),
  series('attack-on-titan', 'attack on titan', { year: 2013 }),
];
const all: LibraryFilter = { search: '', missingOnly: false, monitored: 'all', sort: 'name' };
const keys = (filter: Partial<LibraryFilter>) => filterLibrary(library, { ...all, ...filter }).map((item) => item.key);

describe('filterLibrary', () => {
  it('sorts by name without regard to case', () => {
    expect(keys({})).toEqual(['attack-on-titan', 'demo-academy', 'frieren', 'one-piece']);
  });

  it('sorts by missing count and by year', () => {
    expect(keys({ sort: 'missing' })).toEqual(['one-piece', 'frieren', 'attack-on-titan', 'demo-academy']);
    expect(keys({ sort: 'year' })).toEqual(['frieren', 'demo-academy', 'attack-on-titan', 'one-piece']);
  });

  it('filters by missing, monitoring and quick search', () => {
    expect(keys({ missingOnly: true })).toEqual(['frieren', 'one-piece']);
    expect(keys({ monitored: 'unmonitored' })).toEqual(['demo-academy']);
    expect(keys({ monitored: 'monitored', search: 'ON' })).toEqual(['attack-on-titan', 'one-piece']);
    expect(keys({ search: '  frie ' })).toEqual(['frieren']);
  });

  it('does not reorder the caller\'s array', () => {
    filterLibrary(library, { ...all, sort: 'missing' });
    expect(library[0].key).toBe('one-piece');
  });
});

describe('missingList', () => {
  it('flattens and orders the missing map', () => {
    expect(missingList({ '2': [3, 1], '1': [5] })).toEqual([{ season: 1, episode: 5 }, { season: 2, episode: 1 }, { season: 2, episode: 3 }]);
  });
});
