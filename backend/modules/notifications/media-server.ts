import { posix, win32 } from 'node:path';
import type { MediaServerKind, WebhookOptions } from './webhook.entity.ts';
import type { WebhookPayload } from './webhook-formats.ts';
import { explain, type SendResult } from './webhook-transport.ts';

export interface MediaServerTarget {
  readonly url: string;
  readonly kind: MediaServerKind;
  readonly secret?: string | null;
  readonly options?: WebhookOptions;
}

/** A changed path as the media server sees it, and what happened to it. */
export interface MediaChange {
  readonly path: string;
  readonly type: 'Created' | 'Modified' | 'Deleted';
}

/**
 * Stable codes for what a check or a refresh found; the panel words them in the user's language,
 * `message` is the English text for logs and the API.
 */
export type MediaServerCode = 'ok' | 'nothing_to_refresh' | 'token_rejected' | 'unreachable' | 'http_error' | 'not_a_media_server' | 'no_library_for_path';

export interface MediaServerResult extends SendResult {
  readonly code: MediaServerCode;
  readonly params: Record<string, string>;
}

const PLEX_JSON = { Accept: 'application/json' };

/**
 * Tells Jellyfin, Emby or Plex about changed files so they show up at once instead of at the
 * next scheduled scan. Paths are mapped from our media folder to the folder the server sees.
 */
export class MediaServerClient {
  readonly #mediaRoot: () => string;
  readonly #timeoutMs: number;

  constructor(options: { mediaRoot: () => string; timeoutMs: number }) {
    this.#mediaRoot = options.mediaRoot;
    this.#timeoutMs = options.timeoutMs;
  }

  /** The paths an event changed; an empty list with `whole` means "the library changed somewhere". */
  changesFor(payload: WebhookPayload, target: MediaServerTarget): { changes: MediaChange[]; whole: boolean } {
    const data = payload.data;
    const root = this.#mediaRoot();
    const local = (path: string) => (posix.isAbsolute(path) ? path : posix.join(root, path));
    const map = (path: string) => mapPath(local(path), root, target.options?.server_path);
    switch (payload.event) {
      case 'download_complete':
        return typeof data.file_path === 'string' ? { changes: [{ path: map(data.file_path), type: 'Created' }], whole: false } : { changes: [], whole: false };
      case 'series_removed':
        return typeof data.folder === 'string' ? { changes: [{ path: map(data.folder), type: 'Deleted' }], whole: false } : { changes: [], whole: false };
      case 'scan_complete':
        if (data.scope === 'series')
          return data.changed && typeof data.folder === 'string'
            ? { changes: [{ path: map(data.folder), type: 'Modified' }], whole: false }
            : { changes: [], whole: false };
        return { changes: [], whole: Number(data.changed) > 0 };
      default:
        return { changes: [], whole: false };
    }
  }

  /** One refresh for one event (the outbox retries failures like any other delivery). */
  async refresh(target: MediaServerTarget, payload: WebhookPayload): Promise<MediaServerResult> {
    if (payload.event === 'test') return this.check(target);
    const started = performance.now();
    const { changes, whole } = this.changesFor(payload, target);
    if (changes.length === 0 && !whole) return result(started, 'nothing_to_refresh', `Nothing for ${target.kind} to refresh after ${payload.event}`, {}, true);
    return target.kind === 'plex' ? this.#refreshPlex(target, changes, started) : this.#refreshJellyfin(target, changes, started);
  }

  /**
   * Jellyfin and Emby: report the changed paths (the server scans just those); a server that does
   * not take the report, or a change without paths, gets a full library refresh.
   */
  async #refreshJellyfin(target: MediaServerTarget, changes: MediaChange[], started: number): Promise<MediaServerResult> {
    const headers = { 'X-Emby-Token': target.secret ?? '', 'Content-Type': 'application/json' };
    if (changes.length > 0) {
      const body = JSON.stringify({ Updates: changes.map((change) => ({ Path: change.path, UpdateType: change.type })) });
      const reply = await this.#send(endpoint(target.url, '/Library/Media/Updated'), { method: 'POST', headers, body });
      if (!reply.response) return failure(started, reply.error, target.url);
      if (reply.response.ok)
        return result(
          started,
          'ok',
          `${label(target.kind)} was told about ${changes.map((change) => change.path).join(', ')}`,
          { paths: changes.map((change) => change.path).join(', ') },
          true,
          reply.response.status,
        );
      if (reply.response.status === 401 || reply.response.status === 403) return rejected(started, target, reply.response.status);
      // 404/405: a server without the media-updated endpoint; fall through to the full refresh.
    }
    const reply = await this.#send(endpoint(target.url, '/Library/Refresh'), { method: 'POST', headers });
    if (!reply.response) return failure(started, reply.error, target.url);
    if (reply.response.status === 401 || reply.response.status === 403) return rejected(started, target, reply.response.status);
    if (!reply.response.ok)
      return result(
        started,
        'http_error',
        `${label(target.kind)} answered HTTP ${reply.response.status} to the library refresh`,
        { status: String(reply.response.status) },
        false,
        reply.response.status,
      );
    return result(started, 'ok', `${label(target.kind)} is refreshing the whole library`, { paths: '' }, true, reply.response.status);
  }

  /** Plex: find the library section whose folder holds each path and scan just that folder. */
  async #refreshPlex(target: MediaServerTarget, changes: MediaChange[], started: number): Promise<MediaServerResult> {
    const sections = await this.#plexSections(target);
    if ('result' in sections) return sections.result(started);
    const ourFolder = mapPath(this.#mediaRoot(), this.#mediaRoot(), target.options?.server_path);
    // A changed file: its folder; a removed one: the folder it was in; no paths: every section holding our folder.
    const wanted =
      changes.length > 0
        ? changes.map((change) => ({
            folder: change.type === 'Modified' ? change.path : parentOf(change.path),
            section: sectionFor(sections.list, change.path),
          }))
        : sections.list
            .filter((section) => section.locations.some((location) => isInside(location, ourFolder) || isInside(ourFolder, location)))
            .map((section) => ({ folder: undefined, section }));
    const missing = wanted.findIndex((entry) => !entry.section);
    if (missing >= 0 || wanted.length === 0) return noLibrary(started, missing >= 0 ? changes[missing].path : ourFolder, sections.list);
    const done = new Set<string>();
    for (const { folder, section } of wanted) {
      const query = new URLSearchParams(folder ? { path: folder } : {});
      const url = endpoint(target.url, `/library/sections/${encodeURIComponent(section!.key)}/refresh${query.size ? `?${query}` : ''}`);
      if (done.has(url)) continue;
      done.add(url);
      const reply = await this.#send(url, { method: 'GET', headers: { ...PLEX_JSON, 'X-Plex-Token': target.secret ?? '' } });
      if (!reply.response) return failure(started, reply.error, target.url);
      if (!reply.response.ok)
        return result(
          started,
          'http_error',
          `Plex answered HTTP ${reply.response.status} to the refresh of "${section!.title}"`,
          { status: String(reply.response.status) },
          false,
          reply.response.status,
        );
    }
    const paths = wanted.map((entry) => entry.folder ?? entry.section!.title).join(', ');
    return result(started, 'ok', `Plex is scanning ${paths}`, { paths }, true, 200);
  }

  /** What the Test button does: is the server there, is the token right, does a library hold our folder? */
  async check(target: MediaServerTarget): Promise<MediaServerResult> {
    const started = performance.now();
    const ourFolder = mapPath(this.#mediaRoot(), this.#mediaRoot(), target.options?.server_path);
    if (target.kind === 'plex') {
      const sections = await this.#plexSections(target);
      if ('result' in sections) return sections.result(started);
      const section = sectionFor(sections.list, ourFolder) ?? sections.list.find((entry) => entry.locations.some((location) => isInside(location, ourFolder)));
      if (!section) return noLibrary(started, ourFolder, sections.list);
      return result(
        started,
        'ok',
        `Plex accepted the token; library "${section.title}" holds ${ourFolder}`,
        { server: 'Plex', library: section.title, path: ourFolder },
        true,
        200,
      );
    }
    const headers = { 'X-Emby-Token': target.secret ?? '', Accept: 'application/json' };
    const info = await this.#send(endpoint(target.url, '/System/Info'), { method: 'GET', headers });
    if (!info.response) return failure(started, info.error, target.url);
    if (info.response.status === 401 || info.response.status === 403) return rejected(started, target, info.response.status);
    if (!info.response.ok)
      return result(
        started,
        'http_error',
        `${label(target.kind)} answered HTTP ${info.response.status} to /System/Info`,
        { status: String(info.response.status) },
        false,
        info.response.status,
      );
    const system = (await readJson(info.response)) as { ServerName?: string; Version?: string } | undefined;
    if (!system?.Version)
      return result(
        started,
        'not_a_media_server',
        `${new URL(target.url).host} does not answer like ${label(target.kind)} (no version in /System/Info)`,
        { host: new URL(target.url).host },
        false,
        info.response.status,
      );
    const server = `${system.ServerName ?? label(target.kind)} (${label(target.kind)} ${system.Version})`;
    const folders = await this.#send(endpoint(target.url, '/Library/VirtualFolders'), { method: 'GET', headers });
    const list = folders.response?.ok ? (((await readJson(folders.response)) as { Name?: string; Locations?: string[] }[] | undefined) ?? []) : [];
    const library = list.find((folder) => (folder.Locations ?? []).some((location) => isInside(ourFolder, location) || isInside(location, ourFolder)));
    if (list.length > 0 && !library) {
      return result(
        started,
        'no_library_for_path',
        `${server} accepted the token, but no library holds ${ourFolder}; set "Path on the server" to where it sees your media folder (libraries: ${list.map((folder) => `${folder.Name} ${(folder.Locations ?? []).join(', ')}`).join('; ')})`,
        { path: ourFolder, libraries: list.map((folder) => `${folder.Name} (${(folder.Locations ?? []).join(', ')})`).join('; ') },
        false,
        200,
      );
    }
    return result(
      started,
      'ok',
      `${server} accepted the token${library ? `; library "${library.Name}" holds ${ourFolder}` : ''}`,
      { server, library: library?.Name ?? '', path: ourFolder },
      true,
      info.response.status,
    );
  }

  async #plexSections(target: MediaServerTarget): Promise<{ list: PlexSection[] } | { result: (started: number) => MediaServerResult }> {
    const reply = await this.#send(endpoint(target.url, '/library/sections'), {
      method: 'GET',
      headers: { ...PLEX_JSON, 'X-Plex-Token': target.secret ?? '' },
    });
    if (!reply.response) return { result: (started) => failure(started, reply.error, target.url) };
    const status = reply.response.status;
    if (status === 401 || status === 403) return { result: (started) => rejected(started, target, status) };
    if (!reply.response.ok)
      return {
        result: (started) => result(started, 'http_error', `Plex answered HTTP ${status} to /library/sections`, { status: String(status) }, false, status),
      };
    const body = (await readJson(reply.response)) as
      { MediaContainer?: { Directory?: { key: string; title: string; Location?: { path: string }[] }[] } } | undefined;
    if (!body?.MediaContainer)
      return {
        result: (started) =>
          result(
            started,
            'not_a_media_server',
            `${new URL(target.url).host} does not answer like Plex (no MediaContainer in /library/sections)`,
            { host: new URL(target.url).host },
            false,
            status,
          ),
      };
    return {
      list: (body.MediaContainer.Directory ?? []).map((directory) => ({
        key: String(directory.key),
        title: directory.title,
        locations: (directory.Location ?? []).map((location) => location.path),
      })),
    };
  }

  async #send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<{ response?: Response; error?: string }> {
    try {
      return { response: await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.#timeoutMs) }) };
    } catch (error) {
      return { error: explain(error, url, this.#timeoutMs) };
    }
  }
}

interface PlexSection {
  readonly key: string;
  readonly title: string;
  readonly locations: string[];
}

/** Our path under the media root -> the same file as the server sees it (Windows servers get backslashes). */
export function mapPath(path: string, mediaRoot: string, serverPath: string | undefined): string {
  if (!serverPath) return path;
  const relative = posix.relative(mediaRoot, path);
  if (relative.startsWith('..') || posix.isAbsolute(relative)) return path;
  const windows = /^[A-Za-z]:[\\/]|^\\\\/.test(serverPath) || serverPath.includes('\\');
  if (windows) return relative ? win32.join(serverPath, ...relative.split('/')) : serverPath;
  return relative ? posix.join(serverPath, relative) : serverPath.replace(/(.)\/+$/, '$1');
}

/** The deepest section folder that holds the path. */
function sectionFor(sections: PlexSection[], path: string): PlexSection | undefined {
  let best: { section: PlexSection; length: number } | undefined;
  for (const section of sections) {
    for (const location of section.locations) {
      if (isInside(path, location) && (!best || location.length > best.length)) best = { section, length: location.length };
    }
  }
  return best?.section;
}

function isInside(path: string, folder: string): boolean {
  const norm = (value: string) => value.replace(/\\/g, '/').replace(/\/+$/, '');
  const child = norm(path);
  const parent = norm(folder);
  return child === parent || child.startsWith(`${parent}/`);
}

function parentOf(path: string): string {
  return path.includes('\\') && !path.includes('/') ? win32.dirname(path) : posix.dirname(path);
}

function endpoint(base: string, path: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path.split('?')[0]}`;
  const query = path.split('?')[1];
  if (query) url.search = query;
  return url.toString();
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function label(kind: MediaServerKind): string {
  return kind === 'jellyfin' ? 'Jellyfin' : kind === 'emby' ? 'Emby' : 'Plex';
}

function result(
  started: number,
  code: MediaServerCode,
  message: string,
  params: Record<string, string>,
  ok: boolean,
  status: number | null = null,
): MediaServerResult {
  return { ok, status_code: status, latency_ms: Math.round(performance.now() - started), response_excerpt: message, error: ok ? null : message, code, params };
}

function failure(started: number, error: string | undefined, url: string): MediaServerResult {
  return result(started, 'unreachable', error ?? `No answer from ${new URL(url).host}`, { host: new URL(url).host }, false);
}

function rejected(started: number, target: MediaServerTarget, status: number): MediaServerResult {
  const where = target.kind === 'plex' ? 'Plex refused the token' : `${label(target.kind)} refused the API key`;
  const hint = target.kind === 'plex' ? 'use the X-Plex-Token of an account that owns the server' : 'create one under Dashboard → API Keys';
  return result(started, 'token_rejected', `${where} (HTTP ${status}): ${hint}`, { status: String(status) }, false, status);
}

function noLibrary(started: number, path: string, sections: PlexSection[]): MediaServerResult {
  const libraries = sections.map((section) => `${section.title} (${section.locations.join(', ')})`).join('; ');
  return {
    ...result(
      started,
      'no_library_for_path',
      `Plex accepted the token, but no library holds ${path}; set "Path on the server" to where Plex sees your media folder${libraries ? ` (libraries: ${libraries})` : ''}`,
      { path, libraries },
      false,
      200,
    ),
    permanent: true,
  };
}
