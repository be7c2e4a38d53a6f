import { z } from 'zod';
import { ValidationError } from '../errors.ts';

/** Parses request input with a schema; handlers read only what comes out of here. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'Request body'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
  const summary = details.map((detail) => `${detail.path}: ${detail.message}`).join('; ');
  throw new ValidationError(`${what} is not valid: ${summary}`, details);
}

/** The shape of every id we hand out (UUIDs today): checked before it reaches a query. */
export const entityId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not an id (1 to 64 letters, digits, "-" or "_")');

/** A comma-separated query value (`?type=a,b`) as its distinct, trimmed, non-empty names, in order. */
export function commaList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    ),
  ];
}
