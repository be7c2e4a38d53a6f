import { describeResolution } from '../../adapters/doh-resolver.ts';
import type { HttpClient } from '../../adapters/http-client.ts';
import type { SettingsStore } from '../../../config/store.ts';
import type { Provider } from '../../providers/provider.ts';
import type { ProviderHealth, ProviderHealthReport } from '../../providers/provider-health.ts';
import { ChallengeError } from '../../providers/errors.ts';

/**
 * "Test provider" on the System page: one search, step by step, so a user sees where it breaks:
 * the name (system resolver or DNS over HTTPS), a plain request to the start page (does the site
 * answer, with its real page or a check?), then the search itself through the whole client
 * (solving the check when there is one), and the provider health after it.
 */

export interface ProviderTestStep {
  readonly step: 'dns' | 'reach' | 'search';
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  readonly ms: number;
}

export interface ProviderTestResult {
  readonly ok: boolean;
  readonly steps: readonly ProviderTestStep[];
  readonly provider: ProviderHealthReport;
}

export class ProviderTest {
  readonly #options: { provider: () => Provider; http: HttpClient; health: ProviderHealth; settings: SettingsStore };

  constructor(options: { provider: () => Provider; http: HttpClient; health: ProviderHealth; settings: SettingsStore }) {
    this.#options = options;
  }

  async run(query: string): Promise<ProviderTestResult> {
    const settings = this.#options.settings.current().provider;
    const base = settings.url.replace(/\/+$/, '');
    const steps: ProviderTestStep[] = [];
    const timed = async (step: ProviderTestStep['step'], work: () => Promise<Omit<ProviderTestStep, 'step' | 'ms'>>) => {
      const started = performance.now();
      const outcome = await work();
      steps.push({ step, ...outcome, ms: Math.round(performance.now() - started) });
      return outcome;
    };

    const dns = await timed('dns', async () => {
      const result = await describeResolution(new URL(base).hostname, settings);
      return { status: result.ok ? 'ok' : 'fail', message: result.message };
    });
    if (dns.status !== 'fail') {
      await timed('reach', async () => {
        try {
          const response = await this.#options.http.request(`${base}/`, { solve: false });
          return { status: 'ok', message: `${new URL(base).host} answered HTTP ${response.status} with its own page` };
        } catch (error) {
          if (error instanceof ChallengeError) {
            const solver = this.#options.health.current().solver;
            return {
              status: 'warn',
              message: `${(error as Error).message}; ${solver === 'none' ? 'no solver is set up (install Chromium or set provider.flaresolverr_url)' : `the ${solver === 'embedded' ? 'embedded browser' : 'FlareSolverr service'} solves it for the search`}`,
            };
          }
          return { status: 'fail', message: (error as Error).message };
        }
      });
      await timed('search', async () => {
        try {
          const results = await this.#options.provider().search(query);
          return {
            status: 'ok',
            message: `${results.length} result${results.length === 1 ? '' : 's'} for "${query}"${results[0] ? ` (first: ${results[0].name})` : ''}`,
          };
        } catch (error) {
          return { status: 'fail', message: (error as Error).message };
        }
      });
    }
    return {
      ok: steps.every((step) => step.status !== 'fail') && steps.some((step) => step.step === 'search'),
      steps,
      provider: this.#options.health.current(),
    };
  }
}
