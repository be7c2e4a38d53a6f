import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../backend/adapters/clock.ts';
import type { DiskSpace } from '../../backend/adapters/disk-space.ts';
import { openDatabase, type Orm } from '../../backend/db/orm.ts';
import { inContext } from '../../backend/db/context.ts';
import { EventBus, type DomainEvent } from '../../backend/events/bus.ts';
import { TokenBucket } from '../../backend/downloads/token-bucket.ts';
import type { TransferRequest, TransferResult } from '../../backend/downloads/transfer.ts';
import { ProviderHealth, withProbe } from '../../backend/providers/provider-health.ts';
import type { EpisodeLinks, HosterLink, ResolvedMedia } from '../../backend/providers/provider.ts';
import { EpisodeDownloader } from '../../backend/modules/queue/episode-downloader.ts';
import { QueueService } from '../../backend/modules/queue/queue.service.ts';
import { QueueStateFile } from '../../backend/modules/queue/queue-state.ts';
import { Series } from '../../backend/modules/series/series.entity.ts';
import { createJobRunner, type JobRunner } from '../../jobs/runner.ts';
import { createJobStore } from '../../jobs/store/index.ts';
import { SettingsStore } from '../../config/store.ts';
import { settingsSchema } from '../../config/schema.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { silentLogger } from '../helpers/loggers.ts';

/** A transfer the test holds open, fails or lets finish; it honours the abort signal like the real one. */
interface HeldTransfer {
  readonly url: string;
  readonly signal: AbortSignal;
  settled: boolean;
  finish(): void;
  fail(error: Error): void;
}

/**
 * The queue with the outside faked: the provider and hoster pages (HTTP), the byte mover, the
 * disk's free space. The SQLite database, the job runner on its SQLite store, the settings
 * store, the event bus, the episode downloader and the queue's own parts are the real ones.
 */
describe('QueueService (unit, fake provider, transfer and disk)', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let orm: Orm;
  let settings: SettingsStore;
  let events: EventBus;
  let published: DomainEvent[];
  let jobs: JobRunner;
  let queue: QueueService;
  let free: number;
  const held: HeldTransfer[] = [];
  const logger = silentLogger();

  const link: HosterLink = { hoster: 'VOE', language: 'German Dub', linkId: '1', redirectUrl: 'https://provider.test/redirect/1' };
  const provider = {
    async getEpisodeLinks(key: string, season: number, episode: number): Promise<EpisodeLinks> {
      return {
        key,
        season,
        episode,
        titleDe: null,
        titleEn: null,
        type: 'episode',
        languages: ['German Dub'],
        links: [{ ...link, linkId: `${season}-${episode}` }],
      };
    },
    async resolveRedirect(entry: HosterLink) {
      return `https://voe.test/e/${entry.linkId}`;
    },
  };
  const hosters = {
    find: () => ({
      name: 'VOE',
      canHandle: () => true,
      resolve: async (embedUrl: string): Promise<ResolvedMedia> => ({ url: `${embedUrl}/video.mp4`, kind: 'mp4', headers: {} }),
    }),
  };
  const engine = {
    async transfer(request: TransferRequest): Promise<TransferResult> {
      // Like the real engine: the target is known (and the .part opened) before bytes flow.
      const path = await request.targetFor('mp4');
      request.onProgress?.({ bytes: 1, total: 5, percent: 20, speed: 1, etaSeconds: 4 });
      const signal = request.signal!;
      await new Promise<void>((resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        const entry: HeldTransfer = {
          url: request.media.url,
          signal,
          settled: false,
          finish: () => {
            entry.settled = true;
            resolve();
          },
          fail: (error) => {
            entry.settled = true;
            reject(error);
          },
        };
        held.push(entry);
      });
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, 'video');
      return { path, size: 5, kind: 'mp4', resumedFrom: 0 };
    },
  };

  beforeEach(async () => {
    temp = await makeTempDir();
    held.length = 0;
    free = 100 * 1024 ** 3;
    orm = await openDatabase({ file: join(temp.path, 'aniworld.db'), journal: 'wal', backupDir: join(temp.path, 'backups') });
    const em = orm.em.fork();
    em.create(Series, { key: 'demo', folder: 'Demo', name: 'Demo', site: 'aniworld.to', link: 'https://provider.test/anime/stream/demo' });
    await em.flush();
    settings = new SettingsStore({
      file: join(temp.path, 'config.json'),
      backupDir: join(temp.path, 'backups'),
      envSettings: {},
      initial: settingsSchema.parse({ downloads: { hosters: ['VOE'], languages: ['German Dub'], concurrency: 2, max_attempts: 3 } }),
      clock: systemClock,
    });
    events = new EventBus();
    published = [];
    events.subscribe((event) => published.push(event));
    const store = await createJobStore({ kind: 'sqlite', sqliteFile: join(temp.path, 'jobs.db'), dataDir: temp.path, env: {} });
    jobs = createJobRunner(store, { orm, settings, logger, processEveryMs: 100 });
    const media = join(temp.path, 'media');
    const recorded = {
      async episodeTarget(key: string, season: number, episode: number, _language: string | null, extension: string) {
        return join(media, key, `S${season}E${episode}.${extension}`);
      },
      async markEpisodeDownloaded() {},
    };
    const downloader = new EpisodeDownloader({ provider: () => provider, hosters: async () => hosters, series: recorded, engine, settings });
    const disk: DiskSpace = { freeBytes: async () => free };
    queue = new QueueService({
      orm,
      events,
      settings,
      logger,
      clock: systemClock,
      downloader,
      jobs,
      bucket: new TokenBucket({ bytesPerSecond: 0 }),
      series: { missingEpisodes: async () => [], upgradableEpisodes: async () => [] },
      state: new QueueStateFile(join(temp.path, 'queue-state.json')),
      providerHealth: withProbe(new ProviderHealth(), async () => {}),
      mediaRoot: () => media,
      disk,
      backoffMs: () => 10,
      outageWaitMs: () => 20,
    });
    await jobs.start({ queue });
    await queue.init();
  });
  afterEach(async () => {
    await queue.close();
    await jobs.stop();
    await orm.close(true);
    await temp.remove();
  });

  /** A command as a request makes it: on its own EntityManager fork. */
  const asRequest = <T>(work: () => Promise<T>) => inContext(orm, work);
  const item = (id: string) => asRequest(() => queue.item(id));
  const status = () => asRequest(() => queue.status());
  const pauseItem = (id: string) => asRequest(() => queue.pauseItem(id));
  const resumeItem = (id: string) => asRequest(() => queue.resumeItem(id));
  const add = async (...episodes: number[]) =>
    (await asRequest(() => queue.add({ serie_id: 'demo', episodes: episodes.map((episode) => ({ season: 1, episode })), priority: 0 }))).item_ids as string[];
  /** The episode's transfer that is running now (waits for it to start). */
  const running = (episode: number) => held.find((entry) => entry.url.includes(`/1-${episode}/`) && !entry.settled && !entry.signal.aborted);
  const transferOf = async (episode: number) => {
    await expect.poll(() => running(episode) !== undefined).toBe(true);
    return running(episode)!;
  };
  const statuses = async () => {
    const now = await status();
    return Object.fromEntries([...now.active_downloads, ...now.pending_queue].map((entry) => [entry.episode, entry.status]));
  };

  it('downloads an added episode and says so once', async () => {
    const [id] = await add(1);
    (await transferOf(1)).finish();
    await expect.poll(async () => (await item(id)).status).toBe('completed');
    expect(published.filter((event) => event.type === 'download_complete')).toHaveLength(1);
  });

  it('retries a transient failure as a new run of the same item', async () => {
    const [id] = await add(1);
    // A failure nobody foresaw (not the hoster being unwell, which would hold the queue).
    (await transferOf(1)).fail(new Error('the stream ended in the middle of a box'));
    await expect.poll(() => held.length).toBe(2);
    held[1].finish();
    await expect.poll(async () => (await item(id)).status).toBe('completed');
    expect((await item(id)).attempts).toBe(2);
  });

  it('pausing one of two running downloads leaves one downloading and one paused, nothing else started', async () => {
    const [first, second] = await add(1, 2);
    await transferOf(1);
    await transferOf(2);
    await pauseItem(first);
    expect((await item(first)).status).toBe('paused');
    expect(held.find((entry) => entry.url.includes('/1-1/'))!.signal.aborted).toBe(true);
    const now = await status();
    expect(now.active_downloads.map((entry) => entry.id)).toEqual([second]);
    expect(now.statistics.active_count).toBe(1);
    // The paused one does not come back by itself; resume gives it a run again.
    await resumeItem(first);
    (await transferOf(1)).finish();
    (await transferOf(2)).finish();
    await expect.poll(async () => [(await item(first)).status, (await item(second)).status]).toEqual(['completed', 'completed']);
  });

  it('holds the whole queue while the disk is full and goes on once there is room', async () => {
    const [id] = await add(1);
    free = 0;
    (await transferOf(1)).fail(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    await expect.poll(() => queue.health()).toMatchObject({ status: 'degraded', waiting: { reason: 'disk_full' } });
    expect(await statuses()).toEqual({ 1: 'pending' });
    free = 100 * 1024 ** 3;
    (await transferOf(1)).finish();
    await expect.poll(async () => (await item(id)).status).toBe('completed');
    expect(queue.health().status).toBe('ok');
  });
});
