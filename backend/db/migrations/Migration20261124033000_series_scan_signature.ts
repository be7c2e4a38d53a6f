import { Migration } from '@mikro-orm/migrations';

/** Lets a rescan skip series whose folder still holds the same episode files. */
export class Migration20261124033000_series_scan_signature extends Migration {
  async up(): Promise<void> {
    this.addSql('alter table `series` add column `scan_signature` text null');
  }

  async down(): Promise<void> {
    this.addSql('alter table `series` drop column `scan_signature`');
  }
}
