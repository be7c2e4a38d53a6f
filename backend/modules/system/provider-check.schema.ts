import { z } from 'zod';

/** What a person solving a provider check sends: which frame they saw last, and their clicks and keys. */

export const checkFrameQuerySchema = z.object({ after: z.coerce.number().int().min(0).default(0) }).strict();

export const checkInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('click'), x: z.number().min(0).max(10_000), y: z.number().min(0).max(10_000) }).strict(),
  // Key names as the browser knows them (Enter, Backspace, a, Shift+Tab).
  z.object({ type: z.literal('key'), key: z.string().regex(/^[\w+ -]{1,32}$/, 'is not a key name') }).strict(),
  z.object({ type: z.literal('text'), text: z.string().min(1).max(200) }).strict(),
]);

/** `/api/provider/checks/:site`: the host name a check is waiting on (as siteOf gives it). */
export const checkParams = z.object({ site: z.string().regex(/^[a-z0-9.:[\]-]{1,253}$/, 'is not a site (a host name such as aniworld.to)') });
