import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { de } from './de.ts';
import { pickLocale, setLocale, t, tCode } from './locale.ts';
import { WEBHOOK_EVENTS, WEBHOOK_KINDS } from '../data/webhooks.ts';
import { LANGUAGES } from '../data/config.ts';
import { formatBytes, formatEta, formatRelative, seasonLabel } from '../lib/format.ts';

const SRC = join(import.meta.dirname, '..');
type Message = string | ((params: Record<string, unknown>) => string);

/** Calls a message with a parameter object that records which parameters it reads. */
function paramsRead(message: Message): { text: string; read: string[] } {
  if (typeof message === 'string') return { text: message, read: [] };
  const read = new Set<string>();
  const params = new Proxy(
    {},
    {
      get: (_target, name) => {
        read.add(String(name));
        return 3;
      },
    },
  );
  return { text: message(params), read: [...read].sort() };
}

describe('the German and English catalogues', () => {
  it('have the same keys', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('read the same parameters in every message, and every message is filled in', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const english = paramsRead(en[key] as Message);
      const german = paramsRead(de[key] as Message);
      expect(german.read, key).toEqual(english.read);
      expect(german.text.trim(), key).not.toBe('');
      expect(german.text, key).not.toMatch(/undefined|\[object/);
    }
  });

  it('translate everything but names and words German uses as they are', () => {
    const same = new Set([
      'nav.system',
      'live.idle',
      'live.open',
      'common.optional',
      'form.name',
      'form.url',
      'kind.discord',
      'kind.ntfy',
      'kind.gotify',
      'kind.telegram',
      'kind.pushover',
      'kind.jellyfin',
      'kind.emby',
      'kind.plex',
      'library.colStatus',
      'system.status',
      'system.version',
      'system.colDetails',
      'queue.normal',
      'status.ok',
      'system.componentsOk',
      'settings.downloads',
      'event.test',
      'time.in',
      'providerTest.step.dns',
      'activity.group.scans',
      'activity.group.downloads',
      'activity.colDetails',
      'activity.text.check',
    ]);
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter(
      (key) => !same.has(key) && paramsRead(en[key] as Message).text === paramsRead(de[key] as Message).text,
    );
    expect(untranslated).toEqual([]);
  });

  it('have a word for every kind, event and provider language the panel shows', () => {
    setLocale('de');
    try {
      for (const kind of WEBHOOK_KINDS) expect(Object.keys(en)).toContain(`kind.${kind}`);
      for (const event of WEBHOOK_EVENTS) expect(Object.keys(en)).toContain(`event.${event}`);
      for (const language of LANGUAGES) expect(tCode('lang', language.replace(/\s+/g, '_'), 'missing')).not.toBe('missing');
      for (const state of ['idle', 'connecting', 'open', 'reconnecting', 'unauthorized']) expect(Object.keys(en)).toContain(`live.${state}`);
      for (const tab of ['completed', 'failed', 'cancelled']) expect(Object.keys(en)).toContain(`queue.tab.${tab}`);
      for (const code of ['ok', 'nothing_to_refresh', 'token_rejected', 'unreachable', 'http_error', 'not_a_media_server', 'no_library_for_path'])
        expect(tCode('media', code, 'missing')).not.toBe('missing');
    } finally {
      setLocale('en');
    }
  });
});

describe('choosing and using the language', () => {
  it('takes a stored choice first, then the first browser language it has, then English', () => {
    expect(pickLocale('de', ['en-US'])).toBe('de');
    expect(pickLocale(null, ['fr-FR', 'de-AT', 'en'])).toBe('de');
    expect(pickLocale(undefined, ['en-GB'])).toBe('en');
    expect(pickLocale('xx', ['ja'])).toBe('en');
  });

  it('formats numbers, dates and words for the locale', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    setLocale('de');
    try {
      expect(t('nav.queue')).toBe('Warteschlange');
      expect(formatBytes(1536)).toBe('1,5 KB');
      expect(formatEta(3 * 86_400 + 5 * 3600)).toBe('3 T 5 h');
      expect(formatRelative('2026-11-24T11:55:00Z', now)).toBe('vor 5 min');
      expect(formatRelative('2026-10-01T12:00:00Z', now)).toBe('1. Okt. 2026');
      expect(seasonLabel(2)).toBe('Staffel 2');
      expect(t('series.queued', { count: 1 })).toBe('1 Folge zur Warteschlange hinzugefügt.');
    } finally {
      setLocale('en');
    }
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatRelative('2026-10-01T12:00:00Z', now)).toBe('Oct 1, 2026');
  });
});

/** The static parts of every html`` template in a source file (the text between `${…}`). */
export function htmlTemplateText(source: string): string[] {
  const found: string[] = [];
  const skipString = (at: number, quote: string): number => {
    let i = at + 1;
    while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
    return i + 1;
  };
  // Scans a JS expression inside ${…} up to its closing brace; returns the index after it.
  const skipExpression = (at: number): number => {
    let depth = 1;
    let i = at;
    while (i < source.length && depth > 0) {
      const char = source[i];
      if (char === "'" || char === '"') i = skipString(i, char);
      else if (char === '`') i = readTemplate(i + 1, source.slice(Math.max(0, i - 4), i) === 'html');
      else {
        if (char === '{') depth += 1;
        if (char === '}') depth -= 1;
        i += 1;
      }
    }
    return i;
  };
  // Reads a template literal from just after its backtick; records its static text when it is html``.
  function readTemplate(at: number, isHtml: boolean): number {
    let i = at;
    let text = '';
    while (i < source.length && source[i] !== '`') {
      if (source[i] === '\\') {
        text += source.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (source[i] === '$' && source[i + 1] === '{') {
        text += '\u0000';
        i = skipExpression(i + 2);
        continue;
      }
      text += source[i];
      i += 1;
    }
    if (isHtml) found.push(text);
    return i + 1;
  }
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (source.startsWith('//', i)) i = source.indexOf('\n', i) + 1 || source.length;
    else if (source.startsWith('/*', i)) i = source.indexOf('*/', i) + 2;
    else if (char === "'" || char === '"') i = skipString(i, char);
    else if (char === '`') i = readTemplate(i + 1, source.slice(Math.max(0, i - 4), i) === 'html');
    else i += 1;
  }
  return found;
}

/** Words in templates that are not user language: names, protocols, units and code. */
const NOT_WORDS = /^(AniWorld|English|Deutsch|POST|PUT|HTTP|ms|FSK|X-Api-Key|S\d+E\d+)$/;

function untranslatedIn(text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(/\b(aria-label|placeholder|title|heading|label|check-label|confirm-label|alt)="([^"\u0000]*)"/g)) {
    // Example paths and addresses are not language.
    if (/[A-Za-z]{2,}/.test(match[2]) && !/^(\/|https?:\/\/)/.test(match[2])) problems.push(`${match[1]}="${match[2]}"`);
  }
  const outsideTags = text.replace(/<[^>]*>/g, '\u0000').replace(/&[a-z]+;/g, ' ');
  for (const piece of outsideTags.split('\u0000')) {
    const words = piece.match(/[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß'-]+/g)?.filter((word) => !NOT_WORDS.test(word)) ?? [];
    if (words.length > 0) problems.push(piece.trim());
  }
  return problems;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('panel sources', () => {
  it('finds literal text in a template (the check below would catch a new English string)', () => {
    expect(untranslatedIn(htmlTemplateText('const x = html`<p>Hello there</p><b title="Tip">${t(\'a\')}</b>`;').join(''))).toEqual([
      'title="Tip"',
      'Hello there',
    ]);
    expect(untranslatedIn(htmlTemplateText("const x = html`<p>${t('a')} · ${html`<i>${n}</i>`}</p>`;").join(''))).toEqual([]);
  });

  it('have no text in a template that does not come from the catalogue', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(SRC)) {
      for (const text of htmlTemplateText(readFileSync(file, 'utf8'))) {
        for (const problem of untranslatedIn(text)) problems.push(`${relative(SRC, file)}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('build messages, toasts and dialogs from the catalogue, not from English literals', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(
        /(new ToastEvent\(|heading: |message: |confirmLabel: |checkLabel: |this\.\w*[eE]rror = |this\.\w*Text = |this\.\w*Note = )(['"`])([A-Z][a-z][^'"`]*)/g,
      ))
        problems.push(`${relative(SRC, file)}: ${match[3]}`);
    }
    expect(problems).toEqual([]);
  });
});
