import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../backend/adapters/http-client.ts';
import { createProviderRegistry } from '../../backend/providers/registry.ts';
import { ProviderNotFoundError } from '../../backend/providers/errors.ts';
import { settingsSchema, type Settings } from '../../config/schema.ts';
import { startFixtureSite } from '../../scripts/fixture-site/server.ts';

describe('provider registry', () => {
  it('lists aniworld, finds providers by id and by pasted link, and follows settings.provider.url live', async () => {
    const site = await startFixtureSite({ seriesCount: 1 });
    try {
      let current: Settings = settingsSchema.parse({ provider: { url: 'http://127.0.0.1:9' } });
      const settings = { current: () => current };
      const registry = createProviderRegistry(settings, new HttpClient({ limits: () => current.provider, retries: 0 }));
      expect(registry.all.map((provider) => provider.id)).toEqual(['aniworld']);
      expect(registry.get('aniworld')).toBe(registry.default);
      expect(() => registry.get('s.to')).toThrow(ProviderNotFoundError);

      current = settingsSchema.parse({ provider: { url: site.url, requests_per_second: 50 } });
      expect(registry.default.baseUrl).toBe(site.url);
      expect(registry.fromLink(`${site.url}/anime/stream/demo-academy`)).toEqual({ provider: registry.default, key: 'demo-academy' });
      expect(registry.fromLink('http://127.0.0.1:9/anime/stream/demo-academy')).toBeUndefined();
      expect((await registry.default.getSeries('demo-academy')).name).toBe('Demo Academy');
    } finally {
      await site.close();
    }
  });
});
