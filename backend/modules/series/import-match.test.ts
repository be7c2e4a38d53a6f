import { describe, expect, it } from 'vitest';
import { confidentMatch, folderYear, normaliseTitle } from './import-match.ts';
import { folderSearchQuery } from './series-import.ts';

const match = (folder: string, suggestions: { key: string; name: string; year?: number | null }[], linkedKey: string | null = null) =>
  confidentMatch({ folder, query: folderSearchQuery(folder), linkedKey, suggestions: suggestions.map((suggestion) => ({ year: null, ...suggestion })) });

describe('confident import matches', () => {
  it('normalises titles the way people write folder names', () => {
    expect(normaliseTitle('Tom & Jerry\'s "Große" Reise')).toBe('tom and jerry s große reise');
    expect(normaliseTitle('Pokémon: The Series')).toBe('pokemon the series');
    expect(normaliseTitle('Re:Zero - Starting Life')).toBe('re zero starting life');
    expect(folderYear('Demo Academy (2019) [1080p]')).toBe(2019);
    expect(folderYear('Demo (2019 - 2022)')).toBe(2019);
    expect(folderYear('Demo Academy')).toBeNull();
  });

  it('takes a linked folder, one exact title, or a single fitting result', () => {
    expect(match('Whatever', [], 'demo-academy')).toEqual({ key: 'demo-academy', reason: 'linked' });
    expect(
      match('Demo Academy (2019) [1080p]', [
        { key: 'demo-academy-2', name: 'Demo Academy 2' },
        { key: 'demo-academy', name: 'Demo Academy', year: 2019 },
      ]),
    ).toEqual({ key: 'demo-academy', reason: 'exact_title' });
    expect(
      match('demo.academy', [
        { key: 'demo-academy', name: 'Demo-Academy!' },
        { key: 'x', name: 'Other' },
      ]),
    ).toEqual({ key: 'demo-academy', reason: 'exact_title' });
    expect(match('Frieren', [{ key: 'frieren-beyond-journeys-end', name: "Frieren - Beyond Journey's End" }])).toEqual({
      key: 'frieren-beyond-journeys-end',
      reason: 'single_result',
    });
  });

  it('refuses what a person should decide', () => {
    // Several results, none exact.
    expect(
      match('Blade Academy', [
        { key: 'blade-academy-1', name: 'Blade Academy 1' },
        { key: 'blade-academy-2', name: 'Blade Academy 2' },
      ]),
    ).toBeNull();
    // Two exact titles (remakes): which one is the folder's?
    expect(
      match('Dragon Ball', [
        { key: 'dragon-ball', name: 'Dragon Ball', year: 1986 },
        { key: 'dragon-ball-2009', name: 'Dragon Ball', year: 2009 },
      ]),
    ).toBeNull();
    // The folder's year picks between them.
    expect(
      match('Dragon Ball (1986)', [
        { key: 'dragon-ball', name: 'Dragon Ball', year: 1986 },
        { key: 'dragon-ball-2009', name: 'Dragon Ball', year: 2009 },
      ]),
    ).toEqual({ key: 'dragon-ball', reason: 'exact_title' });
    // A single result of another year or an unrelated name.
    expect(match('Dragon Ball (1986)', [{ key: 'dragon-ball-2009', name: 'Dragon Ball', year: 2009 }])).toBeNull();
    expect(match('Blade', [{ key: 'moon-river', name: 'Moon River' }])).toBeNull();
    expect(match('Blade', [])).toBeNull();
  });
});
