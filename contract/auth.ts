import { z } from 'zod';
import { optionalTimestamp, timestamp } from './common.ts';

/** `GET /api/auth/status` (no auth). `media_folder` only once authenticated. */
export const authStatusSchema = z.strictObject({
  configured: z.boolean(),
  authenticated: z.boolean(),
  media_folder: z.strictObject({ path: z.string(), set_by_env: z.boolean() }).optional(),
});
export type AuthStatus = z.infer<typeof authStatusSchema>;

export const setupResultSchema = z.strictObject({ configured: z.literal(true), anime_directory: z.string() });
export const loginResultSchema = z.strictObject({ access_token: z.string(), token_type: z.literal('bearer'), expires_at: timestamp });
export type LoginResult = z.infer<typeof loginResultSchema>;
/** Logout and password change. */
export const successSchema = z.strictObject({ success: z.literal(true) });
/** The key itself is shown once, here. */
export const apiKeyCreatedSchema = z.strictObject({ api_key: z.string(), prefix: z.string(), created_at: timestamp });
export const apiKeyInfoSchema = z.strictObject({ exists: z.boolean(), prefix: z.string().nullable(), created_at: optionalTimestamp });
export type ApiKeyCreated = z.infer<typeof apiKeyCreatedSchema>;
export type ApiKeyInfo = z.infer<typeof apiKeyInfoSchema>;
