// Fills a fresh data dir with a library of `series` x 24 episodes (half downloaded, half missing)
// the way a long-running install has it, straight into SQLite: scanning 48,000 files first would
// only make the bench slower, and the list endpoint reads the database, not the disk.
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { openDatabase } from '../../backend/db/orm.ts';

export const EPISODES_PER_SERIES = 24;

export async function seedLibrary(dataDir: string, series: number): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'aniworld.db');
  const orm = await openDatabase({ file, journal: 'wal', backupDir: join(dataDir, 'backups') });
  await orm.close(true);
  const db = new Database(file);
  const now = new Date().toISOString();
  const addSeries = db.prepare(
    'insert into series (key, folder, name, site, link, year, end_year, cover, genres, monitored, season_count, provider_checked_at, scanned_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?)',
  );
  const addEpisode = db.prepare(
    'insert into episode (series_id, season, number, title_de, title_en, languages, on_provider, downloaded, file_path, created_at, updated_at) values (?, 1, ?, ?, ?, ?, 1, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let index = 0; index < series; index++) {
      const key = `bench-series-${index}`;
      const name = `Bench Series ${String(index).padStart(4, '0')}`;
      const { lastInsertRowid } = addSeries.run(
        key,
        name,
        name,
        'aniworld.to',
        `https://aniworld.to/anime/stream/${key}`,
        2000 + (index % 25),
        index % 3 ? null : 2024,
        `https://aniworld.to/public/img/cover/${key}-150x225.png`,
        '["Action","Drama"]',
        now,
        now,
        now,
        now,
      );
      for (let episode = 1; episode <= EPISODES_PER_SERIES; episode++) {
        const downloaded = episode <= EPISODES_PER_SERIES / 2 ? 1 : 0;
        addEpisode.run(
          lastInsertRowid,
          episode,
          `Folge ${episode}`,
          `Episode ${episode}`,
          '["de","en-sub"]',
          downloaded,
          downloaded ? `Season 01/${name} - S01E${String(episode).padStart(2, '0')}.mkv` : null,
          now,
          now,
        );
      }
    }
  })();
  db.close();
}
