import { createContext } from '@lit/context';
import type { ApiClient } from './data/api-client.ts';
import type { LiveConnection } from './data/live.ts';

export interface Session {
  readonly configured: boolean;
  readonly authenticated: boolean;
  /** Ends the session on the server and in this browser, then shows the login page. */
  logout(): Promise<void>;
  /** Stores a fresh token after login. */
  signedIn(token: string, expiresAt: string, remember: boolean): void;
  /** Re-reads /api/auth/status (after setup). */
  refresh(): Promise<void>;
}

export const apiContext = createContext<ApiClient>(Symbol('aw-api'));
export const sessionContext = createContext<Session>(Symbol('aw-session'));
export const liveContext = createContext<LiveConnection>(Symbol('aw-live'));
