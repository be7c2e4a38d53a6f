import { z } from 'zod';

/** What a client may send. Anything else is answered with an `error` message. */
export const clientMessageSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('auth'), token: z.string().min(1).max(4096).optional(), api_key: z.string().min(1).max(4096).optional() }),
  z.object({ action: z.literal('join'), room: z.string().max(64) }),
  z.object({ action: z.literal('leave'), room: z.string().max(64) }),
  // Browsers cannot send ping frames; this lets the panel check the line itself.
  z.object({ action: z.literal('ping') }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Close codes the panel acts on. */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_GOING_AWAY = 1001;

/** Every message on the wire: `{type, timestamp, data}`. */
export function frame(type: string, timestamp: string, data: unknown): Buffer {
  return Buffer.from(JSON.stringify({ type, timestamp, data }));
}
