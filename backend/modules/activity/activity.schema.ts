import { z } from 'zod';
import { commaList } from '../../http/validate.ts';
import { ACTIVITY_TYPES, type ActivityType } from './activity-events.ts';

/** GET /api/activity: newest first; `type` is one type or several, comma-separated. */
export const activityQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  type: z
    .string()
    .max(500)
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const names = commaList(value);
      const unknown = names.filter((name) => !(ACTIVITY_TYPES as readonly string[]).includes(name));
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown type ${unknown.join(', ')}; known: ${ACTIVITY_TYPES.join(', ')}` });
      return names as ActivityType[];
    }),
});
