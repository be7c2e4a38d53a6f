import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend } from 'agenda';
import { JobStoreError } from './errors.ts';

const importMemoryServer = () => import('mongodb-memory-server-core');
type MemoryServerModule = Awaited<ReturnType<typeof importMemoryServer>>;

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
 *
 * mongodb-memory-server is a development dependency: the production install (the image) leaves it
 * out, and this store says so instead of failing on a missing module.
 */
export async function startEmbeddedMongo(options: { dataDir: string; env: NodeJS.ProcessEnv }): Promise<EmbeddedMongo> {
  const memoryServer = await loadMemoryServer();
  const binary = await locateMongod(memoryServer, options.env);
  const dbPath = join(options.dataDir, 'mongodb');
  await mkdir(dbPath, { recursive: true, mode: 0o700 });
  let server: Awaited<ReturnType<MemoryServerModule['MongoMemoryServer']['create']>>;
  try {
    server = await memoryServer.MongoMemoryServer.create({
      instance: { dbPath, storageEngine: 'wiredTiger', launchTimeout: 20_000 },
      binary: { systemBinary: binary },
    });
  } catch (error) {
    throw new JobStoreError(
      `JOBS_STORE=mongodb-memory could not start mongod (${binary}): ${(error as Error).message}. Check the binary, or use JOBS_STORE=sqlite.`,
    );
  }
  const uri = server.getUri('aniworld');
  return {
    backend: new MongoBackend({ address: uri, collection: 'agendaJobs' }),
    uri,
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
  };
}

async function loadMemoryServer(): Promise<MemoryServerModule> {
  try {
    return await importMemoryServer();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new JobStoreError(
      'JOBS_STORE=mongodb-memory is for development checkouts: this install (the production one, as in the Docker image) leaves mongodb-memory-server out. Use JOBS_STORE=mongodb with MONGODB_URL for a MongoDB server, or JOBS_STORE=sqlite (the default, needs nothing).',
    );
  }
}

async function locateMongod(memoryServer: MemoryServerModule, env: NodeJS.ProcessEnv): Promise<string> {
  const fix =
    'Set MONGOMS_SYSTEM_BINARY=/path/to/mongod (a MongoDB server binary installed on this machine), or use JOBS_STORE=sqlite (the default, needs nothing).';
  const system = env.MONGOMS_SYSTEM_BINARY;
  if (system) {
    if (!existsSync(system)) throw new JobStoreError(`JOBS_STORE=mongodb-memory: MONGOMS_SYSTEM_BINARY=${system} does not exist. ${fix}`);
    return system;
  }
  let found: string | undefined;
  try {
    found = await memoryServer.DryMongoBinary.locateBinary(await memoryServer.DryMongoBinary.generateOptions({ systemBinary: '' }));
  } catch {
    found = undefined;
  }
  if (!found) throw new JobStoreError(`JOBS_STORE=mongodb-memory needs a mongod binary and none was found; this process does not download one. ${fix}`);
  return found;
}
