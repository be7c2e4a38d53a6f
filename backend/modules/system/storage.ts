import { constants } from 'node:fs';
import { access, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeStorage, type PathStorage } from '../../adapters/mounts.ts';
import type { ComponentState } from './health.service.ts';

export interface StorageReport {
  readonly data_dir: PathStorage;
  readonly media_dir: PathStorage;
  readonly warnings: string[];
}

/**
 * Where the data and media folders live and what that means: SQLite in WAL mode needs shared
 * memory and POSIX locks that NFS/SMB/FUSE do not give reliably; inotify misses changes made
 * on another machine.
 */
export function inspectStorage(options: {
  dataDir: string;
  mediaDir: string;
  journal: string;
  watch: boolean;
  watchPolling: boolean;
  mountInfoFile?: string;
}): StorageReport {
  const [data, media] = describeStorage([options.dataDir, options.mediaDir], options.mountInfoFile);
  const warnings: string[] = [];
  if (data.network) {
    warnings.push(
      options.journal === 'wal'
        ? `The data folder ${data.path} is on ${data.fs_type}, a network or FUSE filesystem: SQLite in WAL mode can corrupt the database there. Move /config to a local disk (Unraid: the cache or an array disk via /mnt/cache or /mnt/diskN), or set ANIWORLD_SQLITE_JOURNAL=delete.`
        : `The data folder ${data.path} is on ${data.fs_type}, a network or FUSE filesystem: the database works with journal mode "${options.journal}" but is slower and only safe with a single AniWorld process. A local disk is better.`,
    );
  }
  if (media.network && options.watch && !options.watchPolling) {
    warnings.push(
      `The media folder ${media.path} is on ${media.fs_type}: file-change events may not arrive. Set ANIWORLD_WATCH_POLLING=true (the scheduled rescan catches what is missed meanwhile).`,
    );
  }
  return { data_dir: data, media_dir: media, warnings };
}

/** Below this much free space the media folder counts as full: the next episode would not fit. */
export const MIN_FREE_MEDIA_BYTES = 512 * 1024 ** 2;

export interface MediaFolderState {
  readonly writable: boolean;
  readonly free_bytes: number | null;
  /** What is wrong, with the folder and the fix; absent when nothing is. */
  readonly problem?: string;
}

function whoAmI(): string {
  return `${process.getuid?.() ?? '?'}:${process.getgid?.() ?? '?'}`;
}

/** Can downloads land in the media folder: there, a folder, writable for us, and not full. No file is written to find out. */
export async function inspectMediaFolder(path: string, minFreeBytes = MIN_FREE_MEDIA_BYTES): Promise<MediaFolderState> {
  // A folder not made yet is made by the first download: what counts is the nearest one that exists.
  let existing = path;
  for (;;) {
    const info = await stat(existing).catch(() => undefined);
    if (info) {
      if (!info.isDirectory())
        return {
          writable: false,
          free_bytes: null,
          problem: `The media folder ${path} cannot be created: ${existing} is a file, not a folder. Move the file away or point ANIWORLD_MEDIA_DIR at a folder.`,
        };
      break;
    }
    if (dirname(existing) === existing) break;
    existing = dirname(existing);
  }
  try {
    await access(existing, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      writable: false,
      free_bytes: null,
      problem:
        code === 'EROFS'
          ? `The media folder ${path} is on a read-only filesystem: downloads cannot be saved. Mount it read-write (Docker: remove ":ro" from the volume).`
          : `The media folder ${path} is not writable for uid:gid ${whoAmI()}: downloads cannot be saved. Fix: chown -R ${whoAmI()} ${path}, or set PUID/PGID to its owner.`,
    };
  }
  const info = await statfs(existing);
  const free = Number(info.bavail) * Number(info.bsize);
  if (free < minFreeBytes) {
    return {
      writable: true,
      free_bytes: free,
      problem: `The media folder ${path} is full (${Math.floor(free / 1024 ** 2)} MiB free): downloads stop until space is freed.`,
    };
  }
  return { writable: true, free_bytes: free };
}

/** Health component: degraded when the database is at real risk (WAL on a network share) or downloads cannot be saved. */
export function storageHealth(report: StorageReport, journal: string, media?: MediaFolderState): ComponentState {
  const atRisk = report.data_dir.network && journal === 'wal';
  return {
    status: atRisk || media?.problem ? 'degraded' : 'ok',
    data_fs: report.data_dir.fs_type,
    data_network: report.data_dir.network,
    media_fs: report.media_dir.fs_type,
    media_network: report.media_dir.network,
    ...(media ? { media_writable: media.writable, media_free_bytes: media.free_bytes } : {}),
    warnings: media?.problem ? [...report.warnings, media.problem] : report.warnings,
  };
}
