import { z } from 'zod';
import { LANGUAGES } from '../../providers/provider.ts';

export const searchSchema = z.strictObject({
  query: z.string().trim().min(1).max(200),
});

export const addSchema = z.strictObject({
  link: z.string().trim().min(1).max(2000).optional(),
  key: z.string().trim().min(1).max(200).optional(),
  monitored: z.boolean().optional(),
  folder: z.string().trim().min(1).max(255).optional(),
}).refine((input) => (input.link === undefined) !== (input.key === undefined), { message: 'give either link or key' });

export const updateSchema = z.strictObject({
  monitored: z.boolean().optional(),
  preferred_language: z.enum(LANGUAGES).nullable().optional(),
});

export const deleteQuerySchema = z.object({
  delete_files: z.enum(['true', 'false', '1', '0']).optional().transform((value) => value === 'true' || value === '1'),
});

export const importSchema = z.strictObject({
  folder: z.string().min(1).max(255),
  key: z.string().trim().min(1).max(200),
  monitored: z.boolean().optional(),
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
