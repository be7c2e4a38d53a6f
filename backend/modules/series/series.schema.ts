import { z } from 'zod';
import { commaList } from '../../http/validate.ts';
import { LANGUAGES } from '../../providers/provider.ts';
import { BIDI_CONTROL } from '../../library/safe-path.ts';

/** A folder name a person gives: a bidirectional control would make it read differently than it is. */
const folderName = z
  .string()
  .refine(
    (value) => !new RegExp(BIDI_CONTROL.source).test(value),
    'contains a bidirectional control character (U+202A-U+202E, U+2066-U+2069 and the like) that makes the name read differently than it is; remove it (or rename the folder on disk)',
  );

export const searchSchema = z.strictObject({
  query: z.string().trim().min(1).max(200),
});

export const addSchema = z
  .strictObject({
    link: z.string().trim().min(1).max(2000).optional(),
    key: z.string().trim().min(1).max(200).optional(),
    monitored: z.boolean().optional(),
    folder: folderName.pipe(z.string().trim().min(1).max(255)).optional(),
  })
  .refine((input) => (input.link === undefined) !== (input.key === undefined), { message: 'give either link or key' });

export const updateSchema = z.strictObject({
  monitored: z.boolean().optional(),
  preferred_language: z.enum(LANGUAGES).nullable().optional(),
  upgrade_language: z.boolean().optional(),
});

export const deleteQuerySchema = z.object({
  delete_files: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((value) => value === 'true' || value === '1'),
});

export const importSchema = z.strictObject({
  folder: folderName.pipe(z.string().min(1).max(255)),
  key: z.string().trim().min(1).max(200),
  monitored: z.boolean().optional(),
});

export const importAllSchema = z.strictObject({
  monitored: z.boolean().optional(),
});

export const ignoreFolderSchema = z.strictObject({
  folder: folderName.pipe(z.string().min(1).max(255)),
});

export const ignoredFolderParams = z.object({ folder: z.string().min(1).max(255) });

/** Fields of a library summary that `?fields=` may name (GET /api/anime). */
export const SUMMARY_FIELD_NAMES = [
  'key',
  'name',
  'site',
  'folder',
  'link',
  'missing_episodes',
  'year',
  'end_year',
  'cover',
  'monitored',
  'preferred_language',
  'upgrade_language',
  'episode_count',
  'downloaded_count',
  'missing_count',
  'upgradable_count',
  'provider_checked_at',
  'scanned_at',
] as const;

/** Optional for very large libraries; without any of them the answer is the whole list, as always. */
export const listQuerySchema = z.object({
  fields: z
    .string()
    .max(1000)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const names = commaList(value);
      const unknown = names.filter((name) => !(SUMMARY_FIELD_NAMES as readonly string[]).includes(name));
      if (unknown.length > 0 || names.length === 0)
        ctx.addIssue({ code: 'custom', message: `unknown field ${unknown.join(', ') || '(none given)'}; known: ${SUMMARY_FIELD_NAMES.join(', ')}` });
      return names as (typeof SUMMARY_FIELD_NAMES)[number][];
    }),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const importQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const namingPreviewSchema = z.strictObject({
  episode_template: z.string().min(1).max(300).optional(),
  season_folder_template: z.string().min(1).max(100).optional(),
});

export const keyParamSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,199}$/, 'not a series key');

/** `/api/anime/:key`: a bad key is a 422 that names `key`. */
export const seriesParams = z.object({ key: keyParamSchema });

/** POST /api/rename: which series to organize (default: every series with something to rename). */
export const renameLibrarySchema = z.strictObject({
  keys: z.array(keyParamSchema).min(1).max(10_000).optional(),
});

export const BULK_ACTIONS = ['monitor', 'unmonitor', 'refresh', 'download_missing'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const bulkSchema = z.strictObject({
  action: z.enum(BULK_ACTIONS),
  // Checked per key by the bulk run: a malformed key is that key's failure, not the request's.
  keys: z.array(z.string().max(300)).min(1).max(1000),
});
