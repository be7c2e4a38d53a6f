import type { HttpClient } from '../adapters/http-client.ts';
import type { Settings } from '../../config/schema.ts';
import type { Provider } from './provider.ts';
import { ProviderNotFoundError } from './errors.ts';
import { AniWorldProvider } from './aniworld/aniworld.provider.ts';

export interface SettingsSource {
  current(): Readonly<Settings>;
}

export interface ProviderRegistry {
  /** The provider used when a series does not name one. */
  readonly default: Provider;
  readonly all: readonly Provider[];
  get(id: string): Provider;
  /** The provider and key for a pasted series link, when some provider recognises it. */
  fromLink(link: string): { provider: Provider; key: string } | undefined;
}

/** The explicit provider list: add a provider by adding its folder and one line here. */
export function createProviderRegistry(settings: SettingsSource, http: HttpClient): ProviderRegistry {
  const providers: Provider[] = [new AniWorldProvider({ http, settings: () => settings.current().provider })];
  return {
    default: providers[0],
    all: providers,
    get(id) {
      const provider = providers.find((candidate) => candidate.id === id);
      if (!provider) throw new ProviderNotFoundError(`no provider "${id}"`);
      return provider;
    },
    fromLink(link) {
      for (const provider of providers) {
        const key = provider.keyFromLink(link);
        if (key) return { provider, key };
      }
      return undefined;
    },
  };
}
