import { Migration } from '@mikro-orm/migrations';

/** Same as the SQLite migration of this name: folders the import is told to ignore. */
export class Migration20261202010000_ignored_folders extends Migration {
  async up(): Promise<void> {
    this.addSql(`create table "ignored_folder" ("folder" text not null, "created_at" timestamptz not null, primary key ("folder"))`);
  }

  async down(): Promise<void> {
    this.addSql(`drop table "ignored_folder"`);
  }
}
