import { tCode } from '../i18n/locale.ts';

/** A provider language ("German Dub") as the user reads it; unknown names stay as they are. */
export function languageLabel(language: string): string {
  return tCode('lang', language.replace(/\s+/g, '_'), language);
}
