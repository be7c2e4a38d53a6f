import { en, type Messages } from './en.ts';
import { de } from './de.ts';

/**
 * The panel's language. A tiny typed catalogue instead of @lit/localize: two languages, no
 * extraction or code-generation step in the build, parameters typed per message, and the
 * compiler itself refuses a German catalogue that lacks a key (see de.ts).
 *
 * The language is chosen once before the first render (browser language, or the switch in
 * Settings stored in this browser) and changing it reloads the page, so every element renders
 * in one language without each of them subscribing to a change.
 */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof Messages;
type Params<K extends MessageKey> = Messages[K] extends (params: infer P) => string ? [params: P] : [];

const CATALOGUES: Record<Locale, Messages> = { en, de };
const STORAGE_KEY = 'aniworld.locale';

let active: Locale = 'en';

/** A stored choice wins; otherwise the first browser language we have, English as the fallback. */
export function pickLocale(stored: string | null | undefined, languages: readonly string[]): Locale {
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale;
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if ((LOCALES as readonly string[]).includes(base)) return base as Locale;
  }
  return 'en';
}

/** Called once at start-up (main.ts), before anything renders. */
export function startLocale(): Locale {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be off (private mode); the browser language decides then.
  }
  return setLocale(pickLocale(stored, navigator.languages?.length ? navigator.languages : [navigator.language]));
}

export function setLocale(locale: Locale): Locale {
  active = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  return locale;
}

/** The switch in Settings: "auto" follows the browser again. */
export function storedLocaleChoice(): Locale | 'auto' {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return stored && (LOCALES as readonly string[]).includes(stored) ? (stored as Locale) : 'auto';
  } catch {
    return 'auto';
  }
}

export function chooseLocale(choice: Locale | 'auto'): void {
  try {
    if (choice === 'auto') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Not stored: the choice holds until the page reloads.
  }
}

export function locale(): Locale {
  return active;
}

/** The message in the panel's language. */
export function t<K extends MessageKey>(key: K, ...params: Params<K>): string {
  const message = CATALOGUES[active][key] as string | ((params: unknown) => string);
  return typeof message === 'function' ? message(params[0]) : message;
}

/** A message for a server code (`error.<code>`, `health.<code>`...), or the server's own text for a code we do not know. */
export function tCode(prefix: string, code: string | undefined, fallback: string, params: Record<string, string> = {}): string {
  const key = `${prefix}.${code}` as MessageKey;
  const message = code ? (CATALOGUES[active][key] as string | ((params: unknown) => string) | undefined) : undefined;
  if (message === undefined) return fallback;
  return typeof message === 'function' ? message(params) : message;
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(active, options).format(value);
}

/** "one item" / "3 items" through the language's plural rules. */
export function pluralOf(count: number, forms: { one: string; other: string }): string {
  return new Intl.PluralRules(active).select(count) === 'one' ? forms.one : forms.other;
}
