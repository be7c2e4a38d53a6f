import { Migration } from '@mikro-orm/migrations';

/** The directory stamp of a series folder as the last scan read it, so a rescan can skip an unchanged folder without reading it. */
export class Migration20261202030000_series_scan_stamp extends Migration {
  async up(): Promise<void> {
    this.addSql('alter table `series` add column `scan_stamp` text null');
  }

  async down(): Promise<void> {
    this.addSql('alter table `series` drop column `scan_stamp`');
  }
}
