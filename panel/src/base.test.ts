import { describe, expect, it } from 'vitest';
import { fromUrl, toUrl } from './base.ts';

describe('base path', () => {
  it('adds and removes the prefix', () => {
    expect(toUrl('/library', '/')).toBe('/library');
    expect(toUrl('/api/anime', '/aniworld/')).toBe('/aniworld/api/anime');
    expect(toUrl('/', '/aniworld/')).toBe('/aniworld/');
    expect(fromUrl('/aniworld/series/x', '/aniworld/')).toBe('/series/x');
    expect(fromUrl('/aniworld', '/aniworld/')).toBe('/');
    expect(fromUrl('/library', '/')).toBe('/library');
    expect(fromUrl('/elsewhere', '/aniworld/')).toBe('/elsewhere');
  });
});
