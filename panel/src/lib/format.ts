import { formatNumber, locale, t } from '../i18n/locale.ts';
/** Human-readable numbers for sizes, speeds and durations in the panel's language; unit-tested in both. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

export function formatBytes(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < 1024) return `${decimal(Math.round(bytes), 0)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // 1023.96 KB would round to "1024.0 KB": move up a unit instead.
  if (Number(value.toFixed(digits)) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${decimal(value, value >= 100 ? 0 : digits)} ${UNITS[unit]}`;
}

/** Fixed decimals with the language's decimal mark, no grouping (sizes stay short). */
function decimal(value: number, digits: number): string {
  return formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
}

export function formatSpeed(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '–';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Seconds left as "45 s", "3 min 05 s", "2 h 07 min"; unknown or infinite as "–". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours === 0) return `${minutes} min ${String(rest).padStart(2, '0')} s`;
  if (hours < 48) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} ${t('unit.day')} ${hours % 24} h`;
}

/** 0..1 or 0..100 (the server sends percent) -> a clamped percentage. */
export function toPercent(progress: number | null | undefined): number {
  if (progress === null || progress === undefined || !Number.isFinite(progress)) return 0;
  return Math.min(100, Math.max(0, progress));
}

export function formatPercent(progress: number | null | undefined): string {
  const value = toPercent(progress);
  return `${value >= 10 || value === 0 ? Math.floor(value) : decimal(value, 1)}%`;
}

/** "just now", "5 min ago", "in 3 h"; dates further away as a short date. */
export function formatRelative(date: string | number | Date | null | undefined, now: number = Date.now()): string {
  if (date === null || date === undefined || date === '') return '–';
  const time = new Date(date).getTime();
  if (!Number.isFinite(time)) return '–';
  const diff = Math.round((time - now) / 1000);
  const abs = Math.abs(diff);
  const wrap = (text: string) => (diff >= 0 ? t('time.in', { span: text }) : t('time.ago', { span: text }));
  if (abs < 45) return diff >= 0 && abs > 5 ? t('time.moment') : t('time.justNow');
  if (abs < 3600) return wrap(`${Math.round(abs / 60)} min`);
  if (abs < 86_400) return wrap(`${Math.round(abs / 3600)} h`);
  if (abs < 7 * 86_400) return wrap(`${Math.round(abs / 86_400)} ${t('unit.day')}`);
  return new Date(time).toLocaleDateString(locale(), { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(date: string | number | Date | null | undefined): string {
  if (date === null || date === undefined || date === '') return '–';
  const value = new Date(date);
  if (!Number.isFinite(value.getTime())) return '–';
  return value.toLocaleString(locale(), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days} ${t('unit.day')} ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${Math.floor(seconds)} s`;
}

/** "S01E05"; season 0 holds films and specials. */
export function episodeCode(season: number, episode: number): string {
  return `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`;
}

export function seasonLabel(season: number): string {
  return season === 0 ? t('series.specials') : t('series.season', { number: season });
}
