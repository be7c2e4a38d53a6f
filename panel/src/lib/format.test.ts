import { describe, expect, it } from 'vitest';
import { episodeCode, formatBytes, formatDuration, formatEta, formatPercent, formatRelative, formatSpeed, seasonLabel, toPercent } from './format.ts';

describe('formatBytes', () => {
  it('uses binary units with one decimal below 100', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(350 * 1024 * 1024)).toBe('350 MB');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3 GB');
  });

  it('moves up a unit instead of showing 1024.0', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.0 MB');
  });

  it('shows a dash for unknown sizes', () => {
    expect(formatBytes(null)).toBe('–');
    expect(formatBytes(undefined)).toBe('–');
    expect(formatBytes(Number.NaN)).toBe('–');
    expect(formatBytes(-5)).toBe('–');
  });
});

describe('formatSpeed', () => {
  it('appends /s and hides a stalled transfer', () => {
    expect(formatSpeed(2.5 * 1024 * 1024)).toBe('2.5 MB/s');
    expect(formatSpeed(512)).toBe('512 B/s');
    expect(formatSpeed(0)).toBe('–');
    expect(formatSpeed(null)).toBe('–');
  });
});

describe('formatEta', () => {
  it('picks the two most useful units', () => {
    expect(formatEta(0)).toBe('0 s');
    expect(formatEta(45.4)).toBe('45 s');
    expect(formatEta(185)).toBe('3 min 05 s');
    expect(formatEta(2 * 3600 + 7 * 60 + 30)).toBe('2 h 07 min');
    expect(formatEta(3 * 86_400 + 5 * 3600)).toBe('3 d 5 h');
  });

  it('shows a dash when the end is unknown', () => {
    expect(formatEta(null)).toBe('–');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('–');
    expect(formatEta(-1)).toBe('–');
  });
});

describe('percent', () => {
  it('clamps and rounds for display', () => {
    expect(toPercent(140)).toBe(100);
    expect(toPercent(-3)).toBe(0);
    expect(toPercent(undefined)).toBe(0);
    expect(formatPercent(3.456)).toBe('3.5%');
    expect(formatPercent(57.9)).toBe('57%');
    expect(formatPercent(100)).toBe('100%');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  it('describes past and future times', () => {
    expect(formatRelative('2026-11-24T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-11-24T11:55:00Z', now)).toBe('5 min ago');
    expect(formatRelative('2026-11-24T15:00:00Z', now)).toBe('in 3 h');
    expect(formatRelative('2026-11-22T12:00:00Z', now)).toBe('2 d ago');
    expect(formatRelative(null, now)).toBe('–');
    expect(formatRelative('not a date', now)).toBe('–');
  });
});

describe('episode labels', () => {
  it('pads season and episode', () => {
    expect(episodeCode(1, 5)).toBe('S01E05');
    expect(episodeCode(12, 103)).toBe('S12E103');
    expect(seasonLabel(0)).toBe('Films & specials');
    expect(seasonLabel(2)).toBe('Season 2');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
  });
});
