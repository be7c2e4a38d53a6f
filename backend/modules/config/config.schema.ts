import { z } from 'zod';
import { BACKUP_PATTERN } from '../../../config/store.ts';

/** `/api/config/backups/:name`: anything but a backup's name is a 422 that names `name`. */
export const configBackupParams = z.object({ name: z.string().regex(BACKUP_PATTERN, 'a config backup is named like config-20261124T031500000Z-manual.json') });
