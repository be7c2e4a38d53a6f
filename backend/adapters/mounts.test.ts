import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStorage, isNetworkFilesystem, mountFor, parseMountInfo } from './mounts.ts';
import { makeTempDir } from '../../tests/helpers/temp-dir.ts';

const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '30 22 0:40 / /config rw,relatime - nfs4 nas:/export/appdata rw,vers=4.2',
  '31 22 0:41 / /media rw,relatime - cifs //nas/anime rw,vers=3.0',
  '32 22 0:42 / /mnt/my\\040share rw - fuse.shfs shfs rw',
  '33 22 0:43 / /mnt/local rw - xfs /dev/md1 rw',
  '34 31 0:44 / /media/sub rw - btrfs /dev/sdb rw',
].join('\n');

describe('mount detection', () => {
  it('parses mountinfo, including escaped spaces and optional fields', () => {
    const mounts = parseMountInfo(MOUNTINFO);
    expect(mounts).toHaveLength(6);
    expect(mounts[0]).toEqual({ mountPoint: '/', fsType: 'ext4', source: '/dev/sda1' });
    expect(mounts[3].mountPoint).toBe('/mnt/my share');
  });

  it('finds the mount holding a path by the longest matching mount point', () => {
    const mounts = parseMountInfo(MOUNTINFO);
    expect(mountFor('/config/aniworld.db', mounts)?.fsType).toBe('nfs4');
    expect(mountFor('/configs', mounts)?.fsType).toBe('ext4');
    expect(mountFor('/media/sub/show', mounts)?.fsType).toBe('btrfs');
    expect(mountFor('/mnt/my share/x', mounts)?.fsType).toBe('fuse.shfs');
  });

  it('treats NFS, SMB, 9p and FUSE as network filesystems', () => {
    for (const type of ['nfs', 'nfs4', 'cifs', 'smb3', '9p', 'fuse.shfs', 'fuse.sshfs', 'fuseblk']) expect(isNetworkFilesystem(type), type).toBe(true);
    for (const type of ['ext4', 'xfs', 'btrfs', 'zfs', 'overlay', 'tmpfs']) expect(isNetworkFilesystem(type), type).toBe(false);
  });

  it('describes paths from a mountinfo file and copes without one', async () => {
    const temp = await makeTempDir();
    try {
      const file = join(temp.path, 'mountinfo');
      writeFileSync(file, MOUNTINFO);
      const [config, media, local] = describeStorage(['/config', '/media/show', '/mnt/local/x'], file);
      expect(config).toEqual({ path: '/config', mount_point: '/config', fs_type: 'nfs4', network: true });
      expect(media.network).toBe(true);
      expect(local.network).toBe(false);
      expect(describeStorage(['/x'], join(temp.path, 'missing'))[0]).toEqual({ path: '/x', mount_point: null, fs_type: null, network: false });
    } finally {
      await temp.remove();
    }
  });
});
