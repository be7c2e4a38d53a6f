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
export function inspectStorage(options: { dataDir: string; mediaDir: string; journal: string; watch: boolean; watchPolling: boolean; mountInfoFile?: string }): StorageReport {
  const [data, media] = describeStorage([options.dataDir, options.mediaDir], options.mountInfoFile);
  const warnings: string[] = [];
  if (data.network) {
    warnings.push(options.journal === 'wal'
      ? `The data folder ${data.path} is on ${data.fs_type}, a network or FUSE filesystem: SQLite in WAL mode can corrupt the database there. Move /config to a local disk (Unraid: the cache or an array disk via /mnt/cache or /mnt/diskN), or set ANIWORLD_SQLITE_JOURNAL=delete.`
      : `The data folder ${data.path} is on ${data.fs_type}, a network or FUSE filesystem: the database works with journal mode "${options.journal}" but is slower and only safe with a single AniWorld process. A local disk is better.`);
  }
  if (media.network && options.watch && !options.watchPolling) {
    warnings.push(`The media folder ${media.path} is on ${media.fs_type}: file-change events may not arrive. Set ANIWORLD_WATCH_POLLING=true (the scheduled rescan catches what is missed meanwhile).`);
  }
  return { data_dir: data, media_dir: media, warnings };
}

/** Health component: degraded only when the database is at real risk (WAL on a network share). */
export function storageHealth(report: StorageReport, journal: string): ComponentState {
  const atRisk = report.data_dir.network && journal === 'wal';
  return {
    status: atRisk ? 'degraded' : 'ok',
    data_fs: report.data_dir.fs_type,
    data_network: report.data_dir.network,
    media_fs: report.media_dir.fs_type,
    media_network: report.media_dir.network,
    warnings: report.warnings,
  };
}
