import { Migration } from '@mikro-orm/migrations';

/**
 * The language of the file on disk (episode), whether a series takes language upgrades, and the
 * language a queued upgrade replaces. Files downloaded before get the language their download
 * used; the scan signatures are dropped so that the next scan reads the others from their names.
 */
export class Migration20261202020000_file_language extends Migration {
  async up(): Promise<void> {
    this.addSql('alter table `episode` add column `language` text null');
    this.addSql('alter table `series` add column `upgrade_language` integer not null default true');
    this.addSql('alter table `download_item` add column `upgrade_from` text null');
    this.addSql(
      "update `episode` set `language` = (select d.`language_used` from `download_item` d join `series` s on s.`key` = d.`series_key` where s.`id` = `episode`.`series_id` and d.`season` = `episode`.`season` and d.`episode` = `episode`.`number` and d.`status` = 'completed' and d.`language_used` is not null and d.`file_path` like '%' || `episode`.`file_path` order by d.`completed_at` desc limit 1) where `downloaded` = 1 and `file_path` is not null",
    );
    this.addSql('update `series` set `scan_signature` = null');
  }

  async down(): Promise<void> {
    this.addSql('alter table `download_item` drop column `upgrade_from`');
    this.addSql('alter table `series` drop column `upgrade_language`');
    this.addSql('alter table `episode` drop column `language`');
  }
}
