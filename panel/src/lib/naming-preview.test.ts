import { describe, expect, it } from 'vitest';
import { previewEpisodePath, previewFolderName, renderTemplate, sanitizeSegment } from './naming-preview.ts';

const example = { seriesTitle: "Frieren: Beyond Journey's End", season: 1, episode: 7, episodeTitle: 'Like a Fairy Tale', language: 'German Dub', year: 2023 };

describe('renderTemplate', () => {
  it('fills the Sonarr-style tokens with padding', () => {
    expect(renderTemplate('{Series Title} - S{season:00}E{episode:00} - {Episode Title}', example).text).toBe(
      "Frieren: Beyond Journey's End - S01E07 - Like a Fairy Tale",
    );
    expect(renderTemplate('{episode:000} [{Language}] ({Year})', example).text).toBe('007 [German Dub] (2023)');
    expect(renderTemplate('E{episode}', example).text).toBe('E7');
  });

  it('reports unknown tokens instead of dropping them', () => {
    const result = renderTemplate('{Series Title} {Quality}', example);
    expect(result.unknownTokens).toEqual(['{Quality}']);
    expect(result.text).toContain('{Quality}');
  });
});

describe('previewEpisodePath', () => {
  it('builds folder/season/file with the extension and safe names', () => {
    const preview = previewEpisodePath({
      folder: previewFolderName(example.seriesTitle, example.year),
      seasonTemplate: 'Season {season:00}',
      episodeTemplate: '{Series Title} - S{season:00}E{episode:00} - {Episode Title}',
      example,
    });
    expect(preview.path).toBe("Frieren Beyond Journey's End (2023)/Season 01/Frieren Beyond Journey's End - S01E07 - Like a Fairy Tale.mp4");
    expect(preview.unknownTokens).toEqual([]);
  });
});

describe('sanitizeSegment', () => {
  it('removes characters file systems and SMB shares refuse', () => {
    expect(sanitizeSegment('Re:Zero <Part 2>?')).toBe('Re Zero Part 2');
    expect(sanitizeSegment('a/b\\c')).toBe('a b c');
    expect(sanitizeSegment('Trailing dots...')).toBe('Trailing dots');
  });

  it('names a folder "Title (Year)"', () => {
    expect(previewFolderName('Demo Academy', 2019)).toBe('Demo Academy (2019)');
    expect(previewFolderName('No Year', null)).toBe('No Year');
  });
});
