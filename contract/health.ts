import { z } from 'zod';
import { timestamp } from './common.ts';

/**
 * One part of the health report. Each part reports its own facts (the provider its checks, the
 * watcher its mode, ...), so only `status` is fixed here.
 */
export const healthComponentSchema = z.looseObject({ status: z.string() });

/** `GET /health`, `GET /api/health` (no auth; 503 when down): the overall status and one entry per part. */
export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded', 'down']),
    version: z.string(),
    uptime_seconds: z.int().nonnegative(),
    db: healthComponentSchema,
  })
  .catchall(healthComponentSchema);

/** `GET /api/system/logs`: log lines as written (secrets masked), oldest first, with the level's name. */
export const logLinesSchema = z.strictObject({
  lines: z.array(z.looseObject({ level: z.string(), time: z.union([z.number(), z.string()]).optional(), msg: z.string().optional() })),
});

/** `GET /api/provider/checks`: checks no machine passed, waiting for a person. */
export const providerChecksSchema = z.strictObject({
  checks: z.array(z.strictObject({ site: z.string(), url: z.string(), reason: z.string(), since: timestamp })),
});
export type ProviderChecks = z.infer<typeof providerChecksSchema>;

/** `GET /api/docs`: the OpenAPI document itself. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

/** `GET /api/system/diagnostics`: a bundle for bug reports (secrets removed); its parts follow the app's state. */
export const diagnosticsSchema = z.looseObject({ generated_at: timestamp });

/** `POST /api/system/provider-test`: each step with its outcome, and the provider's health after it. */
export const providerTestResultSchema = z.strictObject({
  ok: z.boolean(),
  steps: z.array(
    z.strictObject({ step: z.enum(['dns', 'reach', 'search']), status: z.enum(['ok', 'warn', 'fail']), message: z.string(), ms: z.int().nonnegative() }),
  ),
  provider: healthComponentSchema,
});
