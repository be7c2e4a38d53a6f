import { PostgresBackend } from '@agendajs/postgres-backend';
import type { AgendaBackend } from 'agenda';
import { JobStoreError } from './errors.ts';

/**
 * JOBS_STORE=postgres: Agenda's official PostgreSQL backend, on its own tables (agenda_jobs) in the
 * database ANIWORLD_DATABASE_URL points at. Its LISTEN/NOTIFY channel wakes idle workers at once.
 */
export function createPostgresBackend(url: string | undefined): AgendaBackend {
  if (!url) throw new JobStoreError('JOBS_STORE=postgres needs ANIWORLD_DATABASE_URL (for example postgresql://aniworld:secret@postgres:5432/aniworld). Or use JOBS_STORE=sqlite, the default, which needs nothing.');
  return new PostgresBackend({ poolConfig: { connectionString: url, max: 5 } });
}
