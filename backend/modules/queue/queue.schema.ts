import { z } from 'zod';
import { LANGUAGES } from '../../../config/schema.ts';
import { entityId } from '../../http/validate.ts';

const seriesKey = z.string().regex(/^[a-z0-9-]{1,200}$/, 'must be a series key (lower-case letters, digits and dashes)');
const itemId = entityId;
const number = z.number().int().min(0).max(100_000);

export const addSchema = z.object({
  serie_id: seriesKey,
  serie_folder: z.string().max(500).optional(),
  serie_name: z.string().max(500).optional(),
  episodes: z
    .array(z.object({ season: number, episode: number.min(1) }))
    .min(1)
    .max(5000),
  priority: z
    .union([z.number().int().min(-100).max(100), z.enum(['low', 'normal', 'high'])])
    .optional()
    .default(0),
  language: z.enum(LANGUAGES).nullable().optional(),
});

export const addMissingSchema = z.object({
  key: seriesKey,
  seasons: z.array(number).max(500).optional(),
  priority: z.number().int().min(-100).max(100).optional().default(0),
  language: z.enum(LANGUAGES).nullable().optional(),
});

/** Queues language upgrades of a series: the given episodes, or every one that is upgradable. */
export const addUpgradesSchema = z.object({
  key: seriesKey,
  episodes: z
    .array(z.object({ season: number, episode: number.min(1) }))
    .min(1)
    .max(5000)
    .optional(),
  priority: z.number().int().min(-100).max(100).optional().default(0),
});

export const retrySchema = z.object({ item_ids: z.array(itemId).max(5000).optional() });
export const reorderSchema = z.object({ item_ids: z.array(itemId).min(1).max(5000) });
export const patchSchema = z.object({ priority: z.number().int().min(-100).max(100) });
export const itemParams = z.object({ item_id: itemId });

export type AddInput = z.infer<typeof addSchema>;
export type AddMissingInput = z.infer<typeof addMissingSchema>;
export type AddUpgradesInput = z.infer<typeof addUpgradesSchema>;

/** The original API spoke in words; numbers sort. */
export function priorityValue(priority: AddInput['priority']): number {
  if (priority === 'high') return 10;
  if (priority === 'low') return -10;
  if (priority === 'normal') return 0;
  return priority;
}
