import { Migration } from '@mikro-orm/migrations';

/** Same as the SQLite migration of this name: the directory stamp of each series folder. */
export class Migration20261202030000_series_scan_stamp extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "series" add "scan_stamp" text null`);
  }

  async down(): Promise<void> {
    this.addSql(`alter table "series" drop column "scan_stamp"`);
  }
}
