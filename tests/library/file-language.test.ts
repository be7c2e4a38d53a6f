import { describe, expect, it } from 'vitest';
import { languageFromFileName } from '../../backend/library/file-language.ts';

// Names as other tools (and people) write them, and the language each one stands for.
const NAMED: readonly (readonly [string, string])[] = [
  ['Naruto - S01E01 - (German Dub).mp4', 'German Dub'],
  ['Naruto - S01E01 - (German Sub).mp4', 'German Sub'],
  ['Naruto - S01E01 - (English Sub).mp4', 'English Sub'],
  ['Naruto - S01E01 - (English Dub).mp4', 'English Dub'],
  ['Naruto S01E01 GerSub.mkv', 'German Sub'],
  ['Naruto S01E01 GerSubs.mkv', 'German Sub'],
  ['Naruto.S01E01.GerDub.1080p.mkv', 'German Dub'],
  ['Naruto - S01E01 - Ger-Sub.mp4', 'German Sub'],
  ['Naruto - S01E01 - Ger-Dub.mp4', 'German Dub'],
  ['Naruto - S01E001 [EngSub].mkv', 'English Sub'],
  ['Naruto - S01E01 - Eng-Sub.mkv', 'English Sub'],
  ['Naruto - S01E01 - EngDub.mkv', 'English Dub'],
  ['Naruto - S01E01 - DE-Sub.mp4', 'German Sub'],
  ['Naruto - S01E01 - English Dubbed.mkv', 'English Dub'],
  ['Naruto.S01E01.German.DL.1080p.WEB.x264-GRP.mkv', 'German Dub'],
  ['Naruto.S01E01.GERMAN.DUBBED.720p.WEB.h264-GRP.mkv', 'German Dub'],
  ['Naruto.S01E01.GERMAN.720p.HDTV.x264-GRP.mkv', 'German Dub'],
  ['Naruto.S01E01.German.Subbed.720p.WEB.x264-GRP.mkv', 'German Sub'],
  ['Naruto.S01E01.Japanese.German.Subbed.1080p.mkv', 'German Sub'],
  ['Naruto.S01E01.ENGLISH.1080p.WEB.mkv', 'English Dub'],
  ['Naruto - S01E01 - Deutsch.mp4', 'German Dub'],
  ['Naruto S01E01 (Deutsch).mkv', 'German Dub'],
  ['Naruto - S01E01 - German.mp4', 'German Dub'],
  ['Naruto - S01E01 - [Ger].mp4', 'German Dub'],
  ['[SubGroup] Naruto - S01E01 [OmU][1080p].mkv', 'German Sub'],
  ['Naruto - S01E01 - Die Prüfung - German Sub.mp4', 'German Sub'],
  ['Naruto Shippuden (2007) [imdbid-tt0988824] S01E01 GerSub.mkv', 'German Sub'],
  ['One Piece - Film 3 - (German Dub).mkv', 'German Dub'],
  ['one_piece_s01e01_gersub.mp4', 'German Sub'],
];

// Names that say nothing about the language (or only something ambiguous).
const UNKNOWN: readonly string[] = [
  'Naruto - S01E01 - Die Prüfung.mp4',
  'Naruto S01E001.mkv',
  'Naruto.S01E01.1080p.WEB.x264.mkv',
  'The English Game - S01E01 - Pilot.mp4',
  'German Stories - S01E01.mp4',
  'Naruto - S01E01 - The German Spy.mp4',
  'Naruto - S01E01 - Subway.mp4',
  'Naruto - S01E01 - Japanese.mp4',
  'Naruto S01E01 Dual Audio.mkv',
  'Naruto - S01E01 - Sub.mp4',
  'Gersubstantial S01E01.mkv',
  'Omuletul S01E01.mkv',
];

describe('language from a file name', () => {
  it.each(NAMED)('%s -> %s', (name, language) => {
    expect(languageFromFileName(name)).toBe(language);
  });

  it.each(UNKNOWN)('%s -> unknown', (name) => {
    expect(languageFromFileName(name)).toBeNull();
  });

  it('reads the names the naming template writes with {Language}', () => {
    for (const language of ['German Dub', 'German Sub', 'English Sub', 'English Dub']) {
      expect(languageFromFileName(`Demo Academy - S01E01 - Folge 1 - ${language}.mp4`)).toBe(language);
    }
  });

  it('takes the first language word when a name has two', () => {
    expect(languageFromFileName('Naruto - S01E01 - GerDub + EngSub.mkv')).toBe('German Dub');
    expect(languageFromFileName('Naruto - S01E01 - EngSub (German Dub).mkv')).toBe('English Sub');
  });
});
