import { z } from 'zod';

/** A moment as `Date.toISOString()` writes it. */
export const timestamp = z.iso.datetime();
export const optionalTimestamp = timestamp.nullable();

/** The provider's slug of a series: the series identifier everywhere on the wire. */
export const seriesKey = z.string().min(1);

/** `{error: {code, message, details?}}`: every error answer. */
export const errorSchema = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof errorSchema>;
