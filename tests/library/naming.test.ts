import { describe, expect, it } from 'vitest';
import {
  episodeFileName,
  episodeTitleFor,
  previewNaming,
  renderTemplate,
  seasonFolderName,
  seriesFolderName,
  TemplateError,
  unknownTokens,
} from '../../backend/library/naming.ts';

const values = { seriesTitle: 'Frieren', year: 2023, season: 1, episode: 7, episodeTitle: 'Like a Fairy Tale', language: 'German Dub' };

describe('naming templates', () => {
  it('renders the default templates', () => {
    expect(episodeFileName('{Series Title} - S{season:00}E{episode:00} - {Episode Title}', values, 'mp4')).toBe('Frieren - S01E07 - Like a Fairy Tale.mp4');
    expect(seasonFolderName('Season {season:00}', values)).toBe('Season 01');
    expect(seasonFolderName('Season {season:00}', { ...values, season: 0 })).toBe('Season 00');
  });

  it('pads, ignores token case and fills language and year', () => {
    expect(renderTemplate('{series title} ({YEAR}) S{Season:00}E{episode:000} [{Language}] {season}x{episode}', values)).toBe(
      'Frieren (2023) S01E007 [German Dub] 1x7',
    );
  });

  it('drops separators and brackets an empty token leaves behind', () => {
    expect(renderTemplate('{Series Title} - S{season:00}E{episode:00} - {Episode Title}', { ...values, episodeTitle: null })).toBe('Frieren - S01E07');
    expect(renderTemplate('{Series Title} ({Year}) - {Episode Title} - S{season:00}E{episode:00}', { ...values, year: null, episodeTitle: '' })).toBe(
      'Frieren - S01E07',
    );
  });

  it('sanitises what a token brings in', () => {
    expect(episodeFileName('{Series Title} - {Episode Title}', { ...values, seriesTitle: 'Re:Zero', episodeTitle: '../../etc/passwd' }, 'mkv')).toBe(
      'Re-Zero - ..-..-etc-passwd.mkv',
    );
    const long = episodeFileName('{Episode Title}', { ...values, episodeTitle: 'ä'.repeat(300) }, 'mp4');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    expect(long.endsWith('.mp4')).toBe(true);
  });

  it('names series folders with the year', () => {
    expect(seriesFolderName("Frieren: Beyond Journey's End", 2023)).toBe("Frieren - Beyond Journey's End (2023)");
    expect(seriesFolderName('CON', null)).toBe('_CON');
  });

  it('reports unknown tokens and previews examples', () => {
    expect(unknownTokens('{Series Title} {Quality}')).toEqual(['{Quality}']);
    expect(() => previewNaming({ episode_template: '{Nope}', season_folder_template: 'Season {season:00}' })).toThrow(TemplateError);
    const preview = previewNaming({
      episode_template: '{Series Title} - S{season:00}E{episode:00} - {Episode Title}',
      season_folder_template: 'Season {season:00}',
    });
    expect(preview[0].path).toBe("Frieren - Beyond Journey's End (2023)/Season 01/Frieren - Beyond Journey's End - S01E01 - The Journey's End.mp4");
    expect(preview[1].path).toBe('Re-Zero - Starting Life in Another World (2016)/Season 02/Re-Zero - Starting Life in Another World - S02E13.mp4');
  });

  it('picks the episode title by language', () => {
    expect(episodeTitleFor('German Dub', 'Deutsch', 'English')).toBe('Deutsch');
    expect(episodeTitleFor('English Sub', 'Deutsch', 'English')).toBe('English');
    expect(episodeTitleFor('English Sub', 'Deutsch', null)).toBe('Deutsch');
    expect(episodeTitleFor(null, '', ' ')).toBeNull();
  });
});
