import { describe, expect, it } from 'vitest';
import { envNameFor, getPath, setPath, settingsPatch } from './settings-diff.ts';

const original = {
  anime_directory: '/media',
  downloads: { concurrency: 2, languages: ['German Dub', 'German Sub'], speed_limit_bytes_per_second: 0 },
  library: { watch: true, watch_polling: false },
};

describe('settingsPatch', () => {
  it('is empty when nothing changed', () => {
    expect(settingsPatch(original, structuredClone(original))).toEqual({});
  });

  it('keeps only changed leaves, nested, with arrays as leaves', () => {
    let draft = setPath(original, 'downloads.concurrency', 4);
    draft = setPath(draft, 'downloads.languages', ['German Sub', 'German Dub']);
    expect(settingsPatch(original, draft)).toEqual({ downloads: { concurrency: 4, languages: ['German Sub', 'German Dub'] } });
    expect(original.downloads.concurrency).toBe(2);
  });

  it('leaves out keys the environment pins', () => {
    const draft = setPath(setPath(original, 'anime_directory', '/elsewhere'), 'library.watch_polling', true);
    expect(settingsPatch(original, draft, ['anime_directory'])).toEqual({ library: { watch_polling: true } });
  });
});

describe('paths', () => {
  it('reads and writes dotted paths without mutating', () => {
    expect(getPath(original, 'downloads.concurrency')).toBe(2);
    expect(getPath(original, 'nope.deeper')).toBeUndefined();
    const next = setPath(original, 'library.watch', false);
    expect(next.library.watch).toBe(false);
    expect(next.downloads).toBe(original.downloads);
  });

  it('names the environment variable behind a locked key', () => {
    expect(envNameFor('anime_directory')).toBe('ANIWORLD_MEDIA_DIR');
    expect(envNameFor('downloads.concurrency')).toBe('ANIWORLD_DOWNLOAD_CONCURRENCY');
    expect(envNameFor('logging.level')).toBe('LOG_LEVEL');
  });
});
