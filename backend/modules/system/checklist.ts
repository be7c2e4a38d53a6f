import { settingsSchema, type Settings } from '../../../config/schema.ts';
import type { ProviderHealthReport } from '../../providers/provider-health.ts';
import type { MediaFolderState } from './storage.ts';
import type { Checklist, ChecklistItem } from '../../../contract/index.ts';

export interface ChecklistDeps {
  readonly settings: { current(): Readonly<Settings>; overriddenKeys(): string[] };
  readonly provider: () => ProviderHealthReport;
  readonly mediaFolder: () => Promise<MediaFolderState>;
  /** How many notification targets (webhooks, media servers, chat services) are set up. */
  readonly connections: () => Promise<number>;
}

const DEFAULT_LANGUAGES = settingsSchema.parse({}).downloads.languages;

/**
 * The first-run checklist on the library page: the provider answers (the last request reached
 * the site, e.g. through "Test provider"), the media folder takes files, the language order was
 * chosen (changed, pinned by the environment, or confirmed as it is) and one connection (a
 * notification target) exists.
 */
export class ChecklistService {
  readonly #deps: ChecklistDeps;

  constructor(deps: ChecklistDeps) {
    this.#deps = deps;
  }

  async current(): Promise<Checklist> {
    const settings = this.#deps.settings.current();
    const provider = this.#deps.provider();
    const [media, connections] = await Promise.all([this.#deps.mediaFolder(), this.#deps.connections()]);
    const languages = settings.downloads.languages;
    const chosen =
      settings.onboarding.languages_confirmed ||
      this.#deps.settings.overriddenKeys().includes('downloads.languages') ||
      languages.join('\n') !== DEFAULT_LANGUAGES.join('\n');
    const items: ChecklistItem[] = [
      {
        id: 'provider',
        done: provider.status === 'ok' && provider.checked_at !== null,
        detail: provider.last_error ?? (provider.checked_at === null ? null : provider.status),
      },
      { id: 'media', done: media.writable && !media.problem, detail: media.problem ?? null },
      { id: 'languages', done: chosen, detail: languages.join(', ') },
      { id: 'connection', done: connections > 0, detail: connections > 0 ? String(connections) : null },
    ];
    return { dismissed: settings.onboarding.checklist_dismissed, complete: items.every((item) => item.done), items };
  }
}
