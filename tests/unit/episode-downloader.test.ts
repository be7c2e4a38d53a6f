import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsSchema, type Settings } from '../../config/schema.ts';
import { DownloadFailure, EpisodeDownloader, type DownloadTarget } from '../../backend/modules/queue/episode-downloader.ts';
import { ChallengeError, ProviderNotFoundError, ProviderUnavailableError } from '../../backend/providers/errors.ts';
import { transient, TransferError } from '../../backend/downloads/errors.ts';
import type { TransferRequest, TransferResult } from '../../backend/downloads/transfer.ts';
import type { EpisodeLinks, Hoster, HosterLink, Language, ResolvedMedia } from '../../backend/providers/provider.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * The episode downloader with fakes of what is outside it: the provider's pages and the hosters
 * (HTTP), the byte mover (HTTP, curl, ffmpeg: it writes the file the downloader names), and the
 * library's record of the file. No network, no child process.
 */
describe('EpisodeDownloader (unit, fake provider, hosters and transfer)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let links: HosterLink[];
  let providerFailure: Error | undefined;
  /** Per hoster: what its resolve does (the media it hands out, or an error). */
  let hosterAnswers: Map<string, ResolvedMedia | Error>;
  /** Per media URL: what the transfer does. */
  let transferFailures: Map<string, Error>;
  const transfers: string[] = [];
  const recorded: { key: string; season: number; episode: number; path: string; size: number; language: string | null }[] = [];
  let settings: Settings;

  beforeEach(async () => {
    temp = await makeTempDir();
    links = [];
    providerFailure = undefined;
    hosterAnswers = new Map();
    transferFailures = new Map();
    transfers.length = 0;
    recorded.length = 0;
    settings = settingsSchema.parse({ downloads: { languages: ['German Dub', 'German Sub'], hosters: ['VOE', 'Vidoza', 'Doodstream'] } });
  });
  afterEach(async () => {
    await temp.remove();
  });

  const link = (hoster: string, language: Language): HosterLink => ({
    hoster,
    language,
    linkId: `${hoster}-${language}`,
    redirectUrl: `https://provider.test/redirect/${hoster}/${encodeURIComponent(language)}`,
  });
  const media = (hoster: string): ResolvedMedia => ({ url: `https://${hoster.toLowerCase()}.test/video.mp4`, kind: 'mp4', headers: {} });

  function downloader(): EpisodeDownloader {
    const provider = {
      async getEpisodeLinks(key: string, season: number, episode: number): Promise<EpisodeLinks> {
        if (providerFailure) throw providerFailure;
        return { key, season, episode, titleDe: null, titleEn: null, type: 'episode', languages: [...new Set(links.map((entry) => entry.language))], links };
      },
      async resolveRedirect(entry: HosterLink) {
        return `https://${entry.hoster.toLowerCase()}.test/e/${entry.linkId}`;
      },
    };
    const hosters = {
      find(name: string): Hoster | undefined {
        if (!hosterAnswers.has(name)) return undefined;
        return {
          name,
          canHandle: () => true,
          async resolve() {
            const answer = hosterAnswers.get(name)!;
            if (answer instanceof Error) throw answer;
            return answer;
          },
        };
      },
    };
    const engine = {
      async transfer(request: TransferRequest): Promise<TransferResult> {
        transfers.push(request.media.url);
        const failure = transferFailures.get(request.media.url);
        if (failure) throw failure;
        const path = await request.targetFor('mp4');
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, request.media.url);
        request.onProgress?.({ bytes: request.media.url.length, total: request.media.url.length, percent: 100, speed: 0, etaSeconds: 0 });
        return { path, size: request.media.url.length, kind: 'mp4', resumedFrom: 0 };
      },
    };
    const series: DownloadTarget = {
      async episodeTarget(key, season, episode, language, extension) {
        return join(temp.path, key, `S${season}E${episode}.${language}.${extension}`);
      },
      async markEpisodeDownloaded(key, season, episode, path, size, file) {
        recorded.push({ key, season, episode, path, size, language: file.language });
      },
    };
    return new EpisodeDownloader({ provider: () => provider, hosters: async () => hosters, series, engine, settings: { current: () => settings } });
  }

  const request = { key: 'demo', season: 1, episode: 2, language: null, previous: { hoster: null, language: null, target: null } };
  const hooks = () => ({ signal: new AbortController().signal, onProgress: () => {}, onSource: () => {} });
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the download to fail');
      },
      (error: unknown) => error as DownloadFailure,
    );

  it('takes the first configured language, then the first configured hoster, and records the file', async () => {
    links = [link('Vidoza', 'German Sub'), link('Vidoza', 'German Dub'), link('VOE', 'German Dub'), link('Streamtape', 'German Dub')];
    for (const name of ['VOE', 'Vidoza']) hosterAnswers.set(name, media(name));
    const outcome = await downloader().download(request, hooks());
    expect(outcome).toMatchObject({ hoster: 'VOE', language: 'German Dub', path: join(temp.path, 'demo', 'S1E2.German Dub.mp4') });
    expect(transfers).toEqual(['https://voe.test/video.mp4']);
    expect(recorded).toEqual([{ key: 'demo', season: 1, episode: 2, path: outcome.path, size: outcome.size, language: 'German Dub' }]);
  });

  it('goes on to the next hoster when one fails, and names what happened', async () => {
    links = [link('VOE', 'German Dub'), link('Vidoza', 'German Dub')];
    hosterAnswers.set('VOE', media('VOE'));
    hosterAnswers.set('Vidoza', media('Vidoza'));
    transferFailures.set('https://voe.test/video.mp4', new TransferError('permanent', 'The video download is gone (HTTP 404)', { status: 404 }));
    const outcome = await downloader().download(request, hooks());
    expect(outcome.hoster).toBe('Vidoza');
    expect(transfers).toEqual(['https://voe.test/video.mp4', 'https://vidoza.test/video.mp4']);
  });

  it('fails for good when no hoster has the wanted language, naming what the provider has', async () => {
    links = [link('VOE', 'Japanese Sub' as Language)];
    hosterAnswers.set('VOE', media('VOE'));
    const failure = await failureOf(downloader().download(request, hooks()));
    expect(failure).toBeInstanceOf(DownloadFailure);
    expect(failure.kind).toBe('permanent');
    expect(failure.message).toBe('No hoster offers German Dub or German Sub for S01E02 (the provider has Japanese Sub)');
    expect(transfers).toEqual([]);
  });

  it('holds the queue (unwell) when the hosters do not answer or ask for a check, even if another refused for good', async () => {
    links = [link('VOE', 'German Dub'), link('Vidoza', 'German Dub'), link('Doodstream', 'German Dub')];
    hosterAnswers.set('VOE', new ChallengeError('VOE asked for a captcha (turnstile)'));
    hosterAnswers.set('Vidoza', media('Vidoza'));
    hosterAnswers.set('Doodstream', media('Doodstream'));
    transferFailures.set('https://vidoza.test/video.mp4', transient('The video download failed (HTTP 503)', { status: 503 }));
    transferFailures.set('https://doodstream.test/video.mp4', new TransferError('permanent', 'The video download was refused (HTTP 403)', { status: 403 }));
    const failure = await failureOf(downloader().download(request, hooks()));
    expect(failure.kind).toBe('unwell');
    expect(failure.message).toBe('VOE asked for a captcha, Vidoza is broken (HTTP 503), Doodstream refused the download (HTTP 403) (S01E02)');
    expect(recorded).toEqual([]);
  });

  it('tells a series gone from the provider (permanent) from a provider that does not answer (unwell)', async () => {
    providerFailure = new ProviderNotFoundError('no such page');
    expect(await failureOf(downloader().download(request, hooks()))).toMatchObject({
      kind: 'permanent',
      message: 'S01E02 of "demo" is no longer on the provider',
    });
    providerFailure = new ProviderUnavailableError('connect ECONNREFUSED');
    expect(await failureOf(downloader().download(request, hooks()))).toMatchObject({
      kind: 'unwell',
      message: 'The provider did not answer (connect ECONNREFUSED) for S01E02',
    });
  });

  it('tries the source of an existing .part first and drops a .part from another source', async () => {
    links = [link('VOE', 'German Dub'), link('Vidoza', 'German Dub')];
    hosterAnswers.set('VOE', media('VOE'));
    hosterAnswers.set('Vidoza', media('Vidoza'));
    const earlier = join(temp.path, 'demo', 'S1E2.German Dub.mp4');
    // Vidoza wrote the .part last time: it goes first, so the .part stays valid.
    const resumed = await downloader().download({ ...request, previous: { hoster: 'Vidoza', language: 'German Dub', target: earlier } }, hooks());
    expect(resumed.hoster).toBe('Vidoza');
    // A .part from a hoster that no longer has the episode is not spliced with another's bytes.
    links = [link('VOE', 'German Dub')];
    await mkdir(dirname(earlier), { recursive: true });
    await writeFile(`${earlier}.part`, 'bytes from Vidoza');
    const fresh = await downloader().download({ ...request, previous: { hoster: 'Vidoza', language: 'German Dub', target: earlier } }, hooks());
    expect(fresh.hoster).toBe('VOE');
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${earlier}.part`)).toBe(false);
  });

  it('lets an abort through as it is, without trying further hosters', async () => {
    links = [link('VOE', 'German Dub'), link('Vidoza', 'German Dub')];
    hosterAnswers.set('VOE', media('VOE'));
    hosterAnswers.set('Vidoza', media('Vidoza'));
    const controller = new AbortController();
    const stop = new DOMException('Download pause', 'AbortError');
    transferFailures.set('https://voe.test/video.mp4', stop);
    controller.abort(stop);
    const failure = await failureOf(downloader().download(request, { ...hooks(), signal: controller.signal }));
    expect(failure).toBe(stop);
    expect(transfers).toEqual(['https://voe.test/video.mp4']);
  });
});
