/**
 * When the import may link a folder without asking: "Import all" takes only these matches.
 *
 * - `linked`: the folder names its series itself (`.aniworld.json` or a legacy `key` file).
 * - `exact_title`: exactly one suggestion whose normalised title (or key) equals the folder's
 *   normalised name without year and brackets ("Demo Academy (2019) [1080p]" = "Demo Academy").
 * - `single_result`: the search found exactly one series, and one of the two normalised names
 *   contains the other ("Frieren" finds only "Frieren - Beyond Journey's End").
 *
 * A year in the folder name ("(2019)") must equal the suggestion's start year when the provider
 * gives one: "Dragon Ball (1986)" is not the 2009 series of the same name.
 */
export type MatchReason = 'linked' | 'exact_title' | 'single_result';

export interface ConfidentMatch {
  readonly key: string;
  readonly reason: MatchReason;
}

interface Candidate {
  readonly key: string;
  readonly name: string;
  readonly year: number | null;
}

/** Lower case, no diacritics, `&` as "and", only letters and digits separated by single spaces. */
export function normaliseTitle(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The year a folder name gives in parentheses, e.g. "Show (2019)" or "Show (2019-2021)". */
export function folderYear(folder: string): number | null {
  const match = /\(((?:19|20)\d{2})(?:\s*-\s*(?:(?:19|20)?\d{0,4}))?\)/.exec(folder);
  return match ? Number(match[1]) : null;
}

export function confidentMatch(input: { folder: string; query: string; linkedKey: string | null; suggestions: readonly Candidate[] }): ConfidentMatch | null {
  if (input.linkedKey) return { key: input.linkedKey, reason: 'linked' };
  const wanted = normaliseTitle(input.query);
  if (!wanted) return null;
  const year = folderYear(input.folder);
  const unique = [...new Map(input.suggestions.map((suggestion) => [suggestion.key, suggestion])).values()];
  const fits = unique.filter((suggestion) => year === null || suggestion.year === null || suggestion.year === year);
  const exact = fits.filter((suggestion) => normaliseTitle(suggestion.name) === wanted || normaliseTitle(suggestion.key) === wanted);
  if (exact.length === 1) return { key: exact[0].key, reason: 'exact_title' };
  if (exact.length > 1) return null;
  if (unique.length === 1 && fits.length === 1) {
    const name = normaliseTitle(fits[0].name);
    if (name.includes(wanted) || wanted.includes(name)) return { key: fits[0].key, reason: 'single_result' };
  }
  return null;
}
