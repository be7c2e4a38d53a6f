import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend } from 'agenda';
import { JobStoreError } from './errors.ts';

export { JobStoreError };

/** JOBS_STORE=mongodb: Agenda's official MongoDB backend on MONGODB_URL. */
export function createMongoBackend(url: string | undefined): AgendaBackend {
  if (!url)
    throw new JobStoreError(
      'JOBS_STORE=mongodb needs MONGODB_URL (for example mongodb://mongo:27017/aniworld). Or use JOBS_STORE=sqlite, the default, which needs nothing.',
    );
  return new MongoBackend({ address: url, collection: 'agendaJobs' });
}
