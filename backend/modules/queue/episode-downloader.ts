import type { Settings } from '../../../config/schema.ts';
import type { EpisodeLinks, Hoster, HosterLink, Provider } from '../../providers/provider.ts';
import { ChallengeError, ParseError, ProviderNotFoundError, ProviderUnavailableError } from '../../providers/errors.ts';
import { classify, isAbort, isNetworkFailure, TransferError, type FailureKind } from '../../downloads/errors.ts';
import { partFilesFor, type TransferEngine, type TransferResult } from '../../downloads/transfer.ts';
import type { TransferProgress } from '../../downloads/progress.ts';
import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { freeBytes, isDiskFull } from '../../adapters/disk-space.ts';

/** What the downloader needs from the series service: where a file goes and recording it once there. */
export interface DownloadTarget {
  episodeTarget(key: string, season: number, episode: number, language: string | null, extension: string): Promise<string>;
  /** Records the file and its language; `replace` (an upgrade) deletes the episode's previous file and answers its path. */
  markEpisodeDownloaded(
    key: string,
    season: number,
    episode: number,
    absolutePath: string,
    size: number,
    file: { language: string | null; replace?: boolean },
  ): Promise<{ previous: string | null } | void>;
  /** The language the series wants (tried before the configured order), or null. */
  wantedLanguage?(key: string): Promise<string | null>;
}

/** Finds the resolver for a provider's hoster link: by the name the provider shows, else by the embed URL. */
export interface HosterLookup {
  find(name: string, embedUrl: string): Hoster | undefined;
}

export interface EpisodeRequest {
  readonly key: string;
  readonly season: number;
  readonly episode: number;
  /** A language the user asked for; null follows settings.downloads.languages. */
  readonly language: string | null;
  /** Hoster and language whose bytes are in the .part from an earlier attempt (tried first, so the .part stays valid). */
  readonly previous: { readonly hoster: string | null; readonly language: string | null; readonly target: string | null };
  /** An upgrade: the new file replaces the episode's file on disk once it is complete. */
  readonly upgrade?: boolean;
}

export interface DownloadHooks {
  readonly signal: AbortSignal;
  onProgress(progress: TransferProgress): void;
  /** Called before bytes flow: the source and the file they go to. */
  onSource(source: { hoster: string; language: string; target: string }): Promise<void> | void;
}

export interface DownloadOutcome extends TransferResult {
  readonly hoster: string;
  readonly language: string;
  /** An upgrade: the file it replaced (absolute; the same path when the new file took its name). */
  readonly replaced?: string | null;
}

/**
 * How the queue treats a failed attempt: `permanent` fails the item (gone, nothing in the wanted
 * language); `transient` retries it a few times; `unwell` (the provider, or every hoster, does not
 * answer or answers with a check) and `disk-full` hold the whole queue until that is over, and
 * never fail the item.
 */
export type AttemptFailureKind = FailureKind | 'unwell' | 'disk-full';

/** Below this much free space after a failed write, the disk counts as full. */
const FULL_DISK_BYTES = 1024 * 1024;

/** Every way of getting the episode failed; `message` is written for a person. */
export class DownloadFailure extends Error {
  readonly kind: AttemptFailureKind;
  constructor(kind: AttemptFailureKind, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'DownloadFailure';
    this.kind = kind;
  }
}

export interface EpisodeDownloaderDeps {
  readonly provider: () => Pick<Provider, 'getEpisodeLinks' | 'resolveRedirect'>;
  /** The hoster resolvers, loaded by the first download (they bring the HTML parser). */
  readonly hosters: () => Promise<HosterLookup>;
  readonly series: DownloadTarget;
  /** Moves the bytes (HTTP, curl, ffmpeg); the downloader only says from where to which file. */
  readonly engine: Pick<TransferEngine, 'transfer'>;
  readonly settings: { current(): Readonly<Settings> };
}

/**
 * One attempt at one episode: the provider's links, languages in preference order, hosters in
 * the configured order, redirect, hoster resolve, transfer, then the library records the file.
 * A hoster that fails is noted and the next one tried; the notes become the failure message.
 */
export class EpisodeDownloader {
  readonly #deps: EpisodeDownloaderDeps;

  constructor(deps: EpisodeDownloaderDeps) {
    this.#deps = deps;
  }

  async download(request: EpisodeRequest, hooks: DownloadHooks): Promise<DownloadOutcome> {
    const label = episodeLabel(request.season, request.episode);
    const links = await this.#links(request, label, hooks.signal);
    const settings = this.#deps.settings.current().downloads;
    const languages = request.language ? [request.language] : await this.#languageOrder(request.key, settings.languages);
    const candidates = orderCandidates(links.links, languages, settings.hosters, request.previous);
    const wanted = languages.join(' or ');
    if (candidates.length === 0) {
      const offered = links.languages.length > 0 ? ` (the provider has ${links.languages.join(', ')})` : '';
      const configured = links.links.some((link) => languages.includes(link.language)) ? ` on the configured hosters (${settings.hosters.join(', ')})` : '';
      throw new DownloadFailure('permanent', `No hoster offers ${wanted} for ${label}${configured}${offered}`);
    }

    const notes: string[] = [];
    let transientSeen = false;
    let unwellSeen = false;
    for (const link of candidates) {
      let outcome: DownloadOutcome;
      const attempt: { target?: string } = {};
      try {
        outcome = await this.#tryLink(request, link, hooks, attempt);
      } catch (error) {
        if (isAbort(error) || hooks.signal.aborted) throw error;
        // Another hoster would fill the same disk (and drop this .part): the queue waits for space.
        if (attempt.target && (await diskIsFull(error, attempt.target))) {
          throw new DownloadFailure('disk-full', `the media folder has no room left for ${label} (${(error as Error).message}); its .part is kept`, {
            cause: error,
          });
        }
        const kind = failureKind(error);
        if (kind === 'transient') transientSeen = true;
        if (isUnwell(error)) unwellSeen = true;
        const note = describeHosterFailure(link, error);
        // The same hoster often fails the same way in every language: say it once.
        if (!notes.includes(note)) notes.push(note);
        continue;
      }
      // Outside the hoster loop: the file is in place, another hoster must not fetch it again.
      try {
        const recorded = await this.#deps.series.markEpisodeDownloaded(request.key, request.season, request.episode, outcome.path, outcome.size, {
          language: outcome.language,
          replace: request.upgrade ?? false,
        });
        return request.upgrade ? { ...outcome, replaced: recorded?.previous ?? null } : outcome;
      } catch (error) {
        throw new DownloadFailure(
          'permanent',
          `${label} was saved to ${outcome.path}, but the library could not record it (${(error as Error).message}); the next scan will`,
          { cause: error },
        );
      }
    }
    // A hoster that did not answer (or asked for a check) may answer later: that is an outage to
    // wait out, not a reason to fail the episode, even when other hosters refused for good.
    if (unwellSeen) throw new DownloadFailure('unwell', `${capitalize(notes.join(', '))} (${label})`);
    throw new DownloadFailure(transientSeen ? 'transient' : 'permanent', `No hoster offers ${wanted} for ${label}: ${notes.join(', ')}`);
  }

  /** The configured languages, the series' wanted one first. */
  async #languageOrder(key: string, configured: readonly string[]): Promise<string[]> {
    const wanted = await this.#deps.series.wantedLanguage?.(key);
    return wanted ? [wanted, ...configured.filter((language) => language !== wanted)] : [...configured];
  }

  async #links(request: EpisodeRequest, label: string, signal: AbortSignal): Promise<EpisodeLinks> {
    try {
      return await this.#deps.provider().getEpisodeLinks(request.key, request.season, request.episode, signal);
    } catch (error) {
      if (isAbort(error) || signal.aborted) throw error;
      if (error instanceof ProviderNotFoundError)
        throw new DownloadFailure('permanent', `${label} of "${request.key}" is no longer on the provider`, { cause: error });
      if (error instanceof ParseError)
        throw new DownloadFailure('permanent', `The provider's page for ${label} could not be read: ${error.message}`, { cause: error });
      const what = error instanceof ChallengeError ? 'answered with a captcha' : `did not answer (${(error as Error).message})`;
      throw new DownloadFailure(isUnwell(error) ? 'unwell' : 'transient', `The provider ${what} for ${label}`, { cause: error });
    }
  }

  async #tryLink(request: EpisodeRequest, link: HosterLink, hooks: DownloadHooks, attempt: { target?: string }): Promise<DownloadOutcome> {
    const embedUrl = await this.#deps.provider().resolveRedirect(link, hooks.signal);
    const hoster = (await this.#deps.hosters()).find(link.hoster, embedUrl);
    if (!hoster) throw new UnsupportedHoster(link.hoster);
    const media = await hoster.resolve(embedUrl, hooks.signal);
    const { series } = this.#deps;
    const result = await this.#deps.engine.transfer({
      media,
      signal: hooks.signal,
      onProgress: (progress) => hooks.onProgress(progress),
      targetFor: async (ext) => {
        const target = await series.episodeTarget(request.key, request.season, request.episode, link.language, ext);
        const previous = request.previous;
        // A .part written from another source would be spliced with this one's bytes: start clean.
        if (previous.target && (previous.hoster !== link.hoster || previous.language !== link.language || previous.target !== target)) {
          await Promise.all(partFilesFor(previous.target).map((file) => unlink(file).catch(() => {})));
        }
        await hooks.onSource({ hoster: link.hoster, language: link.language, target });
        attempt.target = target;
        return target;
      },
    });
    return { ...result, hoster: link.hoster, language: link.language };
  }
}

class UnsupportedHoster extends Error {
  constructor(hoster: string) {
    super(`${hoster} is not supported`);
  }
}

/** Languages first (preference order), then hosters in the configured order; the source of an existing .part goes first. */
export function orderCandidates(
  links: readonly HosterLink[],
  languages: readonly string[],
  hosters: readonly string[],
  previous?: EpisodeRequest['previous'],
): HosterLink[] {
  const hosterRank = (name: string) => hosters.findIndex((hoster) => hoster.toLowerCase() === name.toLowerCase());
  const ordered = links
    .filter((link) => languages.includes(link.language) && hosterRank(link.hoster) >= 0)
    .sort((a, b) => languages.indexOf(a.language) - languages.indexOf(b.language) || hosterRank(a.hoster) - hosterRank(b.hoster));
  const resumable = previous?.hoster ? ordered.findIndex((link) => link.hoster === previous.hoster && link.language === previous.language) : -1;
  if (resumable > 0) ordered.unshift(...ordered.splice(resumable, 1));
  return ordered;
}

export function episodeLabel(season: number, episode: number): string {
  if (season === 0) return `film ${episode}`;
  return `S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}`;
}

function failureKind(error: unknown): FailureKind {
  if (error instanceof UnsupportedHoster || error instanceof ChallengeError || error instanceof ParseError || error instanceof ProviderNotFoundError)
    return 'permanent';
  if (error instanceof ProviderUnavailableError) return 'transient';
  return classify(error);
}

/**
 * The provider or a hoster is unwell rather than the episode: it did not answer (network,
 * timeout, 5xx, a transfer that broke off) or answered with an anti-bot check.
 */
function isUnwell(error: unknown): boolean {
  if (error instanceof ChallengeError || error instanceof ProviderUnavailableError) return true;
  if (error instanceof TransferError) return error.kind === 'transient';
  return isNetworkFailure(error);
}

async function diskIsFull(error: unknown, target: string): Promise<boolean> {
  if (isDiskFull(error)) return true;
  // curl says only "write error": ask the disk.
  return (await freeBytes(dirname(target)).catch(() => Infinity)) < FULL_DISK_BYTES;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "VOE asked for a captcha", "Doodstream asked for a Turnstile check", "Vidoza is broken (HTTP 500)". */
export function describeHosterFailure(link: HosterLink, error: unknown): string {
  const name = link.hoster;
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof UnsupportedHoster) return message;
  if (error instanceof ChallengeError) return challengeCause(name, message);
  if (error instanceof ProviderNotFoundError) return `${name} says the video is gone`;
  if (error instanceof ParseError) return `${name}'s page could not be read`;
  const status = error instanceof TransferError ? error.status : /\b(?:HTTP|status)\s*(\d{3})\b/i.exec(message)?.[1];
  if (status && Number(status) >= 500) return `${name} is broken (HTTP ${status})`;
  if (status) return `${name} refused the download (HTTP ${status})`;
  if (error instanceof TransferError) return `${name}: ${message}`;
  return `${name} failed (${message})`;
}

/**
 * Who asked for which check, as the provider code words it first ("VOE asked for a captcha (...)",
 * "the provider asked for a captcha instead of sending us to VOE (...)"); the details stay in the log.
 */
function challengeCause(hoster: string, message: string): string {
  const cause = /^(.*? asked for a (?:captcha|Turnstile check)(?: instead of sending us to \S+)?)/.exec(message)?.[1];
  return cause && (cause.startsWith(hoster) || cause.startsWith('the provider')) ? cause : `${hoster} asked for a captcha`;
}
