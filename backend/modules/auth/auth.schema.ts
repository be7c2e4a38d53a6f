import { z } from 'zod';

/** At least 8 characters with upper case, lower case, a digit and a symbol. */
export const passwordPolicy = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(256, 'must be at most 256 characters')
  .refine((value) => /[a-z]/.test(value), 'must contain a lower-case letter')
  .refine((value) => /[A-Z]/.test(value), 'must contain an upper-case letter')
  .refine((value) => /\d/.test(value), 'must contain a digit')
  .refine((value) => /[^A-Za-z0-9]/.test(value), 'must contain a symbol');

export const setupSchema = z.object({
  master_password: passwordPolicy,
  anime_directory: z.string().trim().min(1).max(4096).optional(),
});

export const loginSchema = z.object({
  password: z.string().min(1, 'is required').max(256),
  remember: z.boolean().optional().default(false),
});

export const changePasswordSchema = z.object({
  current_password: z.string().min(1, 'is required').max(256),
  new_password: passwordPolicy,
});

export type SetupInput = z.infer<typeof setupSchema>;
export type LoginInput = z.infer<typeof loginSchema>;
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
