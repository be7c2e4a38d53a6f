import { z } from 'zod';
import { timestamp } from './common.ts';

/**
 * `GET /api/config` is the settings (their one schema is `config/schema.ts`, output side) plus
 * these fields; the backend joins the two for its OpenAPI entry.
 */
export const configViewFields = {
  /** Keys the environment pins (a change through the API does not apply to them). */
  overridden_by_env: z.array(z.string()),
};

export const configValidationSchema = z.strictObject({
  valid: z.boolean(),
  errors: z.array(z.strictObject({ path: z.string(), message: z.string() })),
});

export const configBackupSchema = z.strictObject({ name: z.string(), created_at: timestamp, size: z.int().nonnegative() });
export type ConfigBackup = z.infer<typeof configBackupSchema>;
