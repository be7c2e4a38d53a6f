import { Migration } from '@mikro-orm/migrations';

/** The activity log: what happened (series, scans, downloads, renames, provider checks, settings), pruned by age. */
export class Migration20261202011000_activity extends Migration {
  async up(): Promise<void> {
    this.addSql(
      "create table `activity` (`id` integer not null primary key autoincrement, `type` text not null, `series_key` text null, `folder` text null, `data` json not null default '{}', `created_at` datetime not null)",
    );
    this.addSql('create index `activity_created_at_index` on `activity` (`created_at`)');
    this.addSql('create index `activity_type_created_at_index` on `activity` (`type`, `created_at`)');
  }

  async down(): Promise<void> {
    this.addSql('drop table if exists `activity`');
  }
}
