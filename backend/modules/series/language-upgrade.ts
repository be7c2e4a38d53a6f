import type { Settings } from '../../../config/schema.ts';
import type { IEpisode } from './episode.entity.ts';
import type { ISeries } from './series.entity.ts';

/**
 * Language upgrades, Sonarr's quality cutoff for languages: the cutoff is the series' wanted
 * language, else the first of downloads.languages. A file in any other known language is
 * "upgradable" once the provider offers the cutoff for its episode. A file whose language is
 * unknown is left alone: an imported library whose names say nothing would otherwise be
 * downloaded again whole.
 */
export interface UpgradePolicy {
  /** downloads.upgrade_language, the series' own switch, and the series monitored. */
  readonly on: boolean;
  readonly cutoff: string;
}

type UpgradeSettings = Pick<Settings['downloads'], 'upgrade_language' | 'languages'>;

export function upgradePolicy(series: Pick<ISeries, 'monitored' | 'upgradeLanguage' | 'preferredLanguage'>, downloads: UpgradeSettings): UpgradePolicy {
  return {
    on: downloads.upgrade_language && series.upgradeLanguage !== false && series.monitored,
    cutoff: series.preferredLanguage ?? downloads.languages[0],
  };
}

export function isUpgradable(episode: Pick<IEpisode, 'downloaded' | 'language' | 'languages'>, policy: UpgradePolicy): boolean {
  return policy.on && episode.downloaded && episode.language != null && episode.language !== policy.cutoff && episode.languages.includes(policy.cutoff);
}
