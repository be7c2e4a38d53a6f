import type { Language } from '../provider.ts';

/** The episode page's `data-lang-key` values. */
export const LANGUAGE_BY_KEY: Readonly<Record<string, Language>> = {
  1: 'German Dub',
  2: 'English Sub',
  3: 'German Sub',
  4: 'English Dub',
};

/** The season table's flag images, by file name. */
const LANGUAGE_BY_FLAG: Readonly<Record<string, Language>> = {
  'german.svg': 'German Dub',
  'japanese-german.svg': 'German Sub',
  'japanese-english.svg': 'English Sub',
  'english.svg': 'English Dub',
};

export function languageFromFlag(src: string | undefined): Language | undefined {
  const file = (src ?? '').split(/[?#]/)[0].split('/').pop()?.toLowerCase() ?? '';
  return LANGUAGE_BY_FLAG[file];
}
