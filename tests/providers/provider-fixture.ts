import { HttpClient } from '../../backend/adapters/http-client.ts';
import { AniWorldProvider } from '../../backend/providers/aniworld/aniworld.provider.ts';
import { startFixtureSite, type FixtureSite, type FixtureSiteOptions } from '../../scripts/fixture-site/server.ts';

/** The fixture site plus an aniworld provider pointed at it, with fast retries and no rate wait. */
export async function startProviderFixture(
  options: FixtureSiteOptions & { cacheTtlSeconds?: number } = {},
): Promise<{ site: FixtureSite; http: HttpClient; provider: AniWorldProvider }> {
  const site = await startFixtureSite({ seriesCount: 5, ...options });
  const http = new HttpClient({ limits: () => ({ requests_per_second: 50, timeout_ms: 5000 }), backoffMs: 1, retries: 2 });
  const provider = new AniWorldProvider({ http, settings: () => ({ url: site.url, cache_ttl_seconds: options.cacheTtlSeconds ?? 0 }) });
  return { site, http, provider };
}
