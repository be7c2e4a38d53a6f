import { Migration } from '@mikro-orm/migrations';

/**
 * Byte counts (episode.size, download_item.downloaded_bytes / total_bytes) become bigint, as on
 * PostgreSQL, where int4 stopped at 2 GiB. SQLite stores 64-bit integers in either type, but it
 * cannot change a column's declared type, so both tables are rebuilt: copy every row into a new
 * table, drop the old one, rename, recreate the indexes. Nothing references these two tables, so
 * dropping them cascades nowhere, and it all runs in the migration's transaction: a failure
 * leaves the old tables as they were. Text columns need nothing here (SQLite has no varchar).
 */
export class Migration20261127000000_wide_columns extends Migration {
  async up(): Promise<void> {
    rebuildEpisode(this, 'bigint');
    rebuildDownloadItem(this, 'bigint');
  }

  async down(): Promise<void> {
    rebuildEpisode(this, 'integer');
    rebuildDownloadItem(this, 'integer');
  }
}

type Bytes = 'bigint' | 'integer';

function rebuildEpisode(migration: Migration, bytes: Bytes): void {
  migration.addSql(
    `create table \`episode__temp_alter\` (\`id\` integer not null primary key autoincrement, \`series_id\` integer not null, \`season\` integer not null, \`number\` integer not null, \`title_de\` text null, \`title_en\` text null, \`languages\` json not null default '[]', \`on_provider\` integer not null default false, \`downloaded\` integer not null default false, \`file_path\` text null, \`size\` ${bytes} null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`episode_series_id_foreign\` foreign key (\`series_id\`) references \`series\` (\`id\`) on delete cascade)`,
  );
  migration.addSql(
    'insert into `episode__temp_alter` select `id`, `series_id`, `season`, `number`, `title_de`, `title_en`, `languages`, `on_provider`, `downloaded`, `file_path`, `size`, `created_at`, `updated_at` from `episode`',
  );
  keepAutoincrement(migration, 'episode');
  migration.addSql('drop table `episode`');
  migration.addSql('alter table `episode__temp_alter` rename to `episode`');
  migration.addSql('create index `episode_series_id_index` on `episode` (`series_id`)');
  migration.addSql('create unique index `episode_series_id_season_number_unique` on `episode` (`series_id`, `season`, `number`)');
}

function rebuildDownloadItem(migration: Migration, bytes: Bytes): void {
  migration.addSql(
    `create table \`download_item__temp_alter\` (\`id\` text not null primary key, \`series_key\` text not null, \`series_folder\` text not null, \`series_name\` text not null, \`season\` integer not null, \`episode\` integer not null, \`language\` text null, \`status\` text not null default 'pending', \`priority\` integer not null default 0, \`position\` double not null default 0, \`progress\` double not null default 0, \`downloaded_bytes\` ${bytes} not null default 0, \`total_bytes\` ${bytes} null, \`speed\` double not null default 0, \`eta\` integer null, \`attempts\` integer not null default 0, \`last_error\` text null, \`hoster\` text null, \`language_used\` text null, \`file_path\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`started_at\` datetime null, \`completed_at\` datetime null)`,
  );
  migration.addSql(
    'insert into `download_item__temp_alter` select `id`, `series_key`, `series_folder`, `series_name`, `season`, `episode`, `language`, `status`, `priority`, `position`, `progress`, `downloaded_bytes`, `total_bytes`, `speed`, `eta`, `attempts`, `last_error`, `hoster`, `language_used`, `file_path`, `created_at`, `updated_at`, `started_at`, `completed_at` from `download_item`',
  );
  migration.addSql('drop table `download_item`');
  migration.addSql('alter table `download_item__temp_alter` rename to `download_item`');
  migration.addSql('create index `download_item_status_priority_position_index` on `download_item` (`status`, `priority`, `position`)');
  migration.addSql('create index `download_item_series_key_season_episode_index` on `download_item` (`series_key`, `season`, `episode`)');
}

/**
 * An AUTOINCREMENT table never hands out an id twice, even after its newest rows were deleted;
 * the copy would only know the highest id still present. The old high-water mark moves over.
 */
function keepAutoincrement(migration: Migration, table: string): void {
  const temp = `${table}__temp_alter`;
  migration.addSql(
    `insert into sqlite_sequence (name, seq) select '${temp}', 0 where exists (select 1 from sqlite_sequence where name = '${table}') and not exists (select 1 from sqlite_sequence where name = '${temp}')`,
  );
  migration.addSql(`update sqlite_sequence set seq = max(seq, (select seq from sqlite_sequence where name = '${table}')) where name = '${temp}'`);
}
