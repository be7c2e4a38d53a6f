import type { AgendaBackend } from 'agenda';
import { SqliteBackend } from './SqliteBackend.ts';

// The MongoDB and PostgreSQL drivers are imported only when chosen: the default process never loads them.
export type JobStoreKind = 'sqlite' | 'mongodb' | 'mongodb-memory' | 'postgres';

export interface JobStore {
  readonly kind: JobStoreKind;
  readonly backend: AgendaBackend;
  /** Shuts the store for good: the embedded mongod; a SQLite store refuses any later use instead of reopening. */
  close(): Promise<void>;
}

/** Picks the Agenda backend from JOBS_STORE (config.runtime.jobs_store). */
export async function createJobStore(options: {
  kind: JobStoreKind;
  sqliteFile: string;
  mongodbUrl?: string;
  postgresUrl?: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
}): Promise<JobStore> {
  switch (options.kind) {
    case 'sqlite': {
      const backend = new SqliteBackend({ path: options.sqliteFile });
      return { kind: 'sqlite', backend, close: () => backend.close() };
    }
    case 'mongodb': {
      const { createMongoBackend } = await import('./mongo.ts');
      return { kind: 'mongodb', backend: createMongoBackend(options.mongodbUrl), close: async () => {} };
    }
    case 'postgres': {
      const { createPostgresBackend } = await import('./postgres.ts');
      return { kind: 'postgres', backend: createPostgresBackend(options.postgresUrl), close: async () => {} };
    }
    case 'mongodb-memory': {
      const { startEmbeddedMongo } = await import('./mongo-memory.ts');
      const embedded = await startEmbeddedMongo({ dataDir: options.dataDir, env: options.env });
      return { kind: 'mongodb-memory', backend: embedded.backend, close: embedded.stop };
    }
  }
}
