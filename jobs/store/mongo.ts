import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoBackend } from '@agendajs/mongo-backend';
import { DryMongoBinary, MongoMemoryServer } from 'mongodb-memory-server-core';
import type { AgendaBackend } from 'agenda';
import { JobStoreError } from './errors.ts';

export { JobStoreError };

/** JOBS_STORE=mongodb: Agenda's official MongoDB backend on MONGODB_URL. */
export function createMongoBackend(url: string | undefined): AgendaBackend {
  if (!url) throw new JobStoreError('JOBS_STORE=mongodb needs MONGODB_URL (for example mongodb://mongo:27017/aniworld). Or use JOBS_STORE=sqlite, the default, which needs nothing.');
  return new MongoBackend({ address: url, collection: 'agendaJobs' });
}

export interface EmbeddedMongo {
  readonly backend: AgendaBackend;
  readonly uri: string;
  stop(): Promise<void>;
}

/**
 * JOBS_STORE=mongodb-memory: an embedded mongod with its data under the data dir, so jobs survive
 * restarts. We only use a mongod that is already on disk (MONGOMS_SYSTEM_BINARY or a copy that
 * mongodb-memory-server downloaded earlier): a NAS without internet must fail at once with a way
 * out, not hang on a download.
 */
export async function startEmbeddedMongo(options: { dataDir: string; env: NodeJS.ProcessEnv }): Promise<EmbeddedMongo> {
  const binary = await locateMongod(options.env);
  const dbPath = join(options.dataDir, 'mongodb');
  await mkdir(dbPath, { recursive: true, mode: 0o700 });
  let server: MongoMemoryServer;
  try {
    server = await MongoMemoryServer.create({
      instance: { dbPath, storageEngine: 'wiredTiger', launchTimeout: 20_000 },
      binary: { systemBinary: binary },
    });
  } catch (error) {
    throw new JobStoreError(`JOBS_STORE=mongodb-memory could not start mongod (${binary}): ${(error as Error).message}. Check the binary, or use JOBS_STORE=sqlite.`);
  }
  const uri = server.getUri('aniworld');
  return {
    backend: new MongoBackend({ address: uri, collection: 'agendaJobs' }),
    uri,
    stop: async () => { await server.stop({ doCleanup: false }); },
  };
}

async function locateMongod(env: NodeJS.ProcessEnv): Promise<string> {
  const fix = 'Set MONGOMS_SYSTEM_BINARY=/path/to/mongod (a MongoDB server binary installed on this machine), or use JOBS_STORE=sqlite (the default, needs nothing).';
  const system = env.MONGOMS_SYSTEM_BINARY;
  if (system) {
    if (!existsSync(system)) throw new JobStoreError(`JOBS_STORE=mongodb-memory: MONGOMS_SYSTEM_BINARY=${system} does not exist. ${fix}`);
    return system;
  }
  let found: string | undefined;
  try {
    found = await DryMongoBinary.locateBinary(await DryMongoBinary.generateOptions({ systemBinary: '' }));
  } catch {
    found = undefined;
  }
  if (!found) throw new JobStoreError(`JOBS_STORE=mongodb-memory needs a mongod binary and none was found; this process does not download one. ${fix}`);
  return found;
}
