import type { Language } from '../providers/provider.ts';

/**
 * The language of an episode file, read from its name (files other tools wrote, or ours with
 * `{Language}` in the template). Case does not matter; `.`, `_`, `-` and spaces separate words.
 *
 * 1. A word that says audio or subtitles counts wherever it stands; the first one wins:
 *    `German Dub`, `GerDub`, `Ger-Dub`, `German.Dubbed`, `DE-Dub`, `German DL` (scene: German audio
 *    plus the original) -> German Dub; `German Sub`, `GerSub`, `Ger-Sub`, `GerSubs`,
 *    `German.Subbed`, `DE-Sub`, `OmU` (original with German subtitles) -> German Sub;
 *    `English Sub`, `EngSub`, `Eng-Sub`, `English Subbed`, `OmeU` -> English Sub;
 *    `English Dub`, `EngDub`, `English Dubbed` -> English Dub.
 * 2. A bare language name stands for the audio (German Dub, English Dub), but only after the
 *    episode marker (`S01E01`, `Film 2`: before it is the series title) and only as a part of its
 *    own: in brackets (`(German)`, `[Deutsch]`, also the site's tags `[Ger]`, `[Eng]`), as a whole
 *    ` - ` part (`... - S01E01 - German.mp4`), or as a dotted word of a scene name without spaces
 *    (`Show.S01E01.GERMAN.720p...`). "The German Spy" as an episode title says nothing.
 * 3. Anything else (no language, `Japanese`, `Dual Audio`, a bare `Sub`/`Dub`) is unknown: null.
 */
export function languageFromFileName(name: string): Language | null {
  // Scans read every new file's name: most say nothing of a language, and this rules them out in one pass.
  if (!MAYBE.test(name)) return null;
  const stem = name.replace(/\.[a-z0-9]{1,5}$/i, '').toLowerCase();
  const explicit = EXPLICIT.exec(stem);
  if (explicit?.groups) return EXPLICIT_LANGUAGE[Object.keys(EXPLICIT_LANGUAGE).find((group) => explicit.groups![group] !== undefined)!];
  const marker = EPISODE_MARKER.exec(stem);
  const tail = marker ? stem.slice(marker.index + marker[0].length) : stem;
  const bracketed = BRACKETED.exec(tail);
  if (bracketed) return BARE[bracketed[1]];
  const part = DASH_PART.exec(tail);
  if (part) return BARE[part[1]];
  if (!/\s/.test(stem)) {
    const dotted = DOTTED.exec(tail);
    if (dotted) return BARE[dotted[1]];
  }
  return null;
}

const SEP = '[ ._-]?';
/** Every rule below needs one of these. */
const MAYBE = /dub|sub|omu|omeu|ger|deutsch|eng/i;

/** One pass finds the first language word; the group that matched names the language (ties go to the earlier group). */
const EXPLICIT = new RegExp(
  '(?:^|[^a-z0-9])(?:' +
    `(?<germanDub>(?:german|ger|deutsch)${SEP}dub(?:bed)?|de[ ._-]dub(?:bed)?|german[ ._-]dl)` +
    `|(?<germanSub>(?:german|ger|deutsch)${SEP}sub(?:s|bed)?|de[ ._-]subs?|omu)` +
    `|(?<englishSub>(?:english|eng)${SEP}sub(?:s|bed)?|en[ ._-]subs?|omeu)` +
    `|(?<englishDub>(?:english|eng)${SEP}dub(?:bed)?|en[ ._-]dub(?:bed)?)` +
    ')(?![a-z0-9])',
);
const EXPLICIT_LANGUAGE: Record<string, Language> = { germanDub: 'German Dub', germanSub: 'German Sub', englishSub: 'English Sub', englishDub: 'English Dub' };

const BARE: Record<string, Language> = { german: 'German Dub', deutsch: 'German Dub', ger: 'German Dub', english: 'English Dub', eng: 'English Dub' };
const EPISODE_MARKER = /s\d{1,2}e\d{2,3}(?!\d)|(?<![a-z0-9])(?:film|movie)[ ._-]?\d{1,3}(?!\d)/;
const BRACKETED = /[([{]\s*(german|deutsch|ger|english|eng)\s*[)\]}]/;
const DASH_PART = /(?:^|\s-\s)(german|deutsch|english)(?=\s-\s|\s*$)/;
const DOTTED = /(?:^|[._])(german|deutsch|english)(?=[._-]|$)/;
