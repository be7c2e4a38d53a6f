import { RequestContext } from '@mikro-orm/core';
import type { Orm } from './orm.ts';

/**
 * Runs background work (a job, a watcher event, a CLI command) on its own EntityManager fork,
 * exactly as an HTTP request does. Services keep using `orm.em`, which resolves to the fork.
 */
export function inContext<T>(orm: Orm, work: () => Promise<T>): Promise<T> {
  return RequestContext.create(orm.em, work);
}
