import type { ParameterizedContext } from 'koa';
import Router from '@koa/router';
import type { Logger } from '../adapters/logger.ts';
import type { Principal } from '../modules/auth/auth.service.ts';

/** What middleware puts on `ctx.state` for the handlers after it. */
export interface AppState {
  requestId: string;
  logger: Logger;
  principal?: Principal;
}

export type AppContext = ParameterizedContext<AppState>;

/** Every feature router is made with this so handlers see the typed state. */
export function createRouter(prefix?: string): Router<AppState> {
  return new Router<AppState>(prefix ? { prefix } : {});
}
