import { Migration } from '@mikro-orm/migrations';

/** Same as the SQLite migration of this name: the language of each file, per-series upgrades, the language an upgrade replaces. */
export class Migration20261202020000_file_language extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "episode" add "language" varchar(255) null`);
    this.addSql(`alter table "series" add "upgrade_language" boolean not null default true`);
    this.addSql(`alter table "download_item" add "upgrade_from" varchar(255) null`);
    this.addSql(
      `update "episode" set "language" = (select d."language_used" from "download_item" d join "series" s on s."key" = d."series_key" where s."id" = "episode"."series_id" and d."season" = "episode"."season" and d."episode" = "episode"."number" and d."status" = 'completed' and d."language_used" is not null and d."file_path" like '%' || "episode"."file_path" order by d."completed_at" desc limit 1) where "downloaded" = true and "file_path" is not null`,
    );
    this.addSql(`update "series" set "scan_signature" = null`);
  }

  async down(): Promise<void> {
    this.addSql(`alter table "download_item" drop column "upgrade_from"`);
    this.addSql(`alter table "series" drop column "upgrade_language"`);
    this.addSql(`alter table "episode" drop column "language"`);
  }
}
