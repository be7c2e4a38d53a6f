import { Migration } from '@mikro-orm/migrations';

/**
 * Byte counts become bigint (int4 stopped at 2 GiB: a long film did not fit) and paths, URLs,
 * names, titles and user agents become text (varchar(255) refused a deep path or a long URL).
 * One ALTER TABLE per table, so each table is rewritten at most once; varchar -> text is free.
 */
export class Migration20261127000000_wide_columns extends Migration {
  async up(): Promise<void> {
    this.addSql(
      `alter table "download_item" alter column "series_folder" type text, alter column "series_name" type text, alter column "downloaded_bytes" type bigint, alter column "total_bytes" type bigint, alter column "file_path" type text`,
    );
    this.addSql(
      `alter table "series" alter column "folder" type text, alter column "name" type text, alter column "site" type text, alter column "link" type text, alter column "cover" type text`,
    );
    this.addSql(
      `alter table "episode" alter column "title_de" type text, alter column "title_en" type text, alter column "file_path" type text, alter column "size" type bigint`,
    );
    this.addSql(`alter table "user_session" alter column "user_agent" type text`);
    this.addSql(`alter table "webhook" alter column "url" type text, alter column "secret" type text`);
  }

  /** Back to the old widths: fails (int4 out of range) rather than cut a value that no longer fits. */
  async down(): Promise<void> {
    this.addSql(
      `alter table "download_item" alter column "series_folder" type varchar(255), alter column "series_name" type varchar(255), alter column "downloaded_bytes" type int4, alter column "total_bytes" type int4, alter column "file_path" type varchar(255)`,
    );
    this.addSql(
      `alter table "series" alter column "folder" type varchar(255), alter column "name" type varchar(255), alter column "site" type varchar(255), alter column "link" type varchar(255), alter column "cover" type varchar(255)`,
    );
    this.addSql(
      `alter table "episode" alter column "title_de" type varchar(255), alter column "title_en" type varchar(255), alter column "file_path" type varchar(255), alter column "size" type int4`,
    );
    this.addSql(`alter table "user_session" alter column "user_agent" type varchar(255)`);
    this.addSql(`alter table "webhook" alter column "url" type varchar(255), alter column "secret" type varchar(255)`);
  }
}
