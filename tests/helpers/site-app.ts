import { startFixtureSite, type FixtureSite } from '../../scripts/fixture-site/server.ts';
import { startTestApp, type TestApp } from './test-app.ts';

/**
 * The real app against a fixture provider site of `seriesCount` series, signed in. The local site
 * needs no pacing (the provider client paces 2 requests/s by default). `app.dispose()` removes
 * the app's temp folder; close the site too.
 */
export async function startAppWithSite(
  seriesCount: number,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<{ site: FixtureSite; app: TestApp; token: string }> {
  const site = await startFixtureSite({ seriesCount });
  const app = await startTestApp({ config: { provider: { requests_per_second: 50 } }, env: { ANIWORLD_PROVIDER_URL: site.url, ...options.env } });
  return { site, app, token: await app.login() };
}
