import { describe, expect, it } from 'vitest';
import { DEFAULT_PATH, matchRoute, redirectFor, routes, safeNext, seriesPath } from './routes.ts';

describe('matchRoute', () => {
  it('finds static routes and ignores a trailing slash', () => {
    expect(matchRoute('/library')?.route.tag).toBe('aw-library-page');
    expect(matchRoute('/library/')?.route.tag).toBe('aw-library-page');
    expect(matchRoute('/library/import')?.route.tag).toBe('aw-import-page');
    expect(matchRoute('/queue?x=1')?.query.get('x')).toBe('1');
  });

  it('extracts and decodes parameters', () => {
    const match = matchRoute(seriesPath('demo-academy'));
    expect(match?.route.tag).toBe('aw-series-page');
    expect(match?.params).toEqual({ key: 'demo-academy' });
    expect(matchRoute('/series/a%20b')?.params.key).toBe('a b');
  });

  it('does not match unknown or malformed paths', () => {
    expect(matchRoute('/nope')).toBeUndefined();
    expect(matchRoute('/series')).toBeUndefined();
    expect(matchRoute('/series/%E0%A4%A')).toBeUndefined();
  });

  it('gives every route a lazy loader and a prefixed element name', () => {
    for (const route of routes) {
      expect(route.tag).toMatch(/^aw-[a-z-]+$/);
      expect(typeof route.load).toBe('function');
    }
  });
});

describe('redirectFor', () => {
  const fresh = { configured: false, authenticated: false };
  const loggedOut = { configured: true, authenticated: false };
  const loggedIn = { configured: true, authenticated: true };

  it('sends everything to setup until a password exists', () => {
    expect(redirectFor('/library', fresh)).toBe('/setup');
    expect(redirectFor('/login', fresh)).toBe('/setup');
    expect(redirectFor('/setup', fresh)).toBeUndefined();
  });

  it('sends a logged-out user to login and remembers where they were going', () => {
    expect(redirectFor('/queue', loggedOut)).toBe('/login?next=%2Fqueue');
    expect(redirectFor('/', loggedOut)).toBe('/login');
    expect(redirectFor('/setup', loggedOut)).toBe('/login');
    expect(redirectFor('/login', loggedOut)).toBeUndefined();
  });

  it('keeps a logged-in user away from setup, login and unknown paths', () => {
    expect(redirectFor('/login', loggedIn)).toBe(DEFAULT_PATH);
    expect(redirectFor('/setup', loggedIn)).toBe(DEFAULT_PATH);
    expect(redirectFor('/', loggedIn)).toBe(DEFAULT_PATH);
    expect(redirectFor('/nope', loggedIn)).toBe(DEFAULT_PATH);
    expect(redirectFor('/settings', loggedIn)).toBeUndefined();
  });
});

describe('safeNext', () => {
  it('only allows paths inside the panel', () => {
    expect(safeNext('/queue')).toBe('/queue');
    expect(safeNext('//evil.example/')).toBe(DEFAULT_PATH);
    expect(safeNext('https://evil.example/')).toBe(DEFAULT_PATH);
    expect(safeNext('/api/config')).toBe(DEFAULT_PATH);
    expect(safeNext(null)).toBe(DEFAULT_PATH);
  });
});
