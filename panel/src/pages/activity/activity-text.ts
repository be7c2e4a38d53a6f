import type { ActivityItem } from '../../data/activity.ts';
import { t } from '../../i18n/locale.ts';
import { episodeCode, formatBytes, formatDuration } from '../../lib/format.ts';
import { languageLabel } from '../../lib/language-label.ts';

/** How one activity entry reads: its title, its details and the colour of its badge. */
export function activityTitle(item: ActivityItem): string {
  return t(`activity.type.${item.type}`);
}

export function activityTone(item: ActivityItem): string {
  if (item.type.endsWith('_failed') || item.type === 'health_issue') return 'danger';
  if (item.type === 'download_complete' || item.type === 'episode_upgraded' || item.type === 'series_added' || item.type === 'series_imported') return 'ok';
  if (item.type === 'provider_check') return 'warn';
  return 'info';
}

export function activityText(item: ActivityItem): string {
  const data = item.data;
  const text = (name: string) => (typeof data[name] === 'string' ? String(data[name]) : '');
  const count = (name: string) => (typeof data[name] === 'number' ? Number(data[name]) : 0);
  const code = typeof data.season === 'number' && typeof data.episode === 'number' ? episodeCode(data.season, data.episode) : '';
  const language = (name: string) => (text(name) ? languageLabel(text(name)) : '');
  switch (item.type) {
    case 'series_added':
      return t('activity.text.seriesAdded', { folder: item.folder ?? '' });
    case 'series_imported':
      return t('activity.text.seriesImported', { folder: item.folder ?? '' });
    case 'series_removed':
      return data.files_deleted === true ? t('activity.text.removedWithFiles') : t('activity.text.removedKeptFiles');
    case 'series_refreshed':
      return t('activity.text.refreshed', { count: count('new_episodes') });
    case 'scan_complete':
      return t('activity.text.scan', {
        series: count('series'),
        added: count('episodes_added'),
        removed: count('episodes_removed'),
        duration: formatDuration(count('duration_ms') / 1000),
      });
    case 'scan_failed':
      return text('error');
    case 'download_started':
      return [code, language('language')].filter(Boolean).join(' · ');
    case 'download_complete':
      return [code, language('language'), text('hoster'), typeof data.size === 'number' ? formatBytes(data.size) : ''].filter(Boolean).join(' · ');
    case 'download_failed':
      return [code, text('error')].filter(Boolean).join(' · ');
    case 'episode_upgraded':
      return t('activity.text.upgraded', { code, from: language('from_language'), to: language('to_language') });
    case 'episodes_renamed':
      return t('activity.text.renamed', { episodes: count('renamed'), files: count('files'), clashes: count('clashes') });
    case 'provider_check':
      return t('activity.text.check', {
        site: text('site'),
        state: t(`activity.check.${text('state') === 'passed' ? 'passed' : text('state') === 'gave_up' ? 'gave_up' : 'waiting'}`),
      });
    case 'health_issue':
      return [text('component'), text('message')].filter(Boolean).join(': ');
    case 'settings_changed':
      return t('activity.text.settings', { keys: Array.isArray(data.keys) ? data.keys.join(', ') : '' });
    default:
      return '';
  }
}
