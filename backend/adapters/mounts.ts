import { readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';

export interface MountInfo {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

export interface PathStorage {
  readonly path: string;
  readonly mount_point: string | null;
  readonly fs_type: string | null;
  readonly network: boolean;
}

/** Filesystems where SQLite locking, WAL shared memory and inotify cannot be trusted. */
const NETWORK_TYPES = new Set([
  'nfs',
  'nfs4',
  'cifs',
  'smb',
  'smb2',
  'smb3',
  'smbfs',
  '9p',
  'afs',
  'ceph',
  'glusterfs',
  'lustre',
  'gpfs',
  'ncpfs',
  'davfs',
  'virtiofs',
  'sshfs',
]);

export function isNetworkFilesystem(fsType: string): boolean {
  return NETWORK_TYPES.has(fsType) || fsType.startsWith('fuse');
}

/** Parses /proc/self/mountinfo (see proc(5)); the mount point is field 5, the type follows " - ". */
export function parseMountInfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator === -1) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    if (before.length < 5 || after.length < 2) continue;
    mounts.push({ mountPoint: unescapeMountField(before[4]), fsType: after[0], source: unescapeMountField(after[1]) });
  }
  return mounts;
}

/** The mount that holds `path`: the longest mount point that is a prefix of it (later mounts win ties). */
export function mountFor(path: string, mounts: readonly MountInfo[]): MountInfo | undefined {
  const target = resolve(path);
  let best: MountInfo | undefined;
  for (const mount of mounts) {
    const point = mount.mountPoint;
    const contains = point === '/' || target === point || target.startsWith(point.endsWith(sep) ? point : `${point}${sep}`);
    if (contains && (!best || point.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/** What the data and media folders live on; null fields where /proc is not there (not Linux). */
export function describeStorage(paths: readonly string[], mountInfoFile = '/proc/self/mountinfo'): PathStorage[] {
  let mounts: MountInfo[] = [];
  try {
    mounts = parseMountInfo(readFileSync(mountInfoFile, 'utf8'));
  } catch {
    /* not Linux: nothing to say */
  }
  return paths.map((path) => {
    const mount = mountFor(path, mounts);
    return { path, mount_point: mount?.mountPoint ?? null, fs_type: mount?.fsType ?? null, network: mount ? isNetworkFilesystem(mount.fsType) : false };
  });
}

function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
