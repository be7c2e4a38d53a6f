import { Migration } from '@mikro-orm/migrations';

/** Folders the import is told to ignore: no longer suggested until the user takes it back. */
export class Migration20261202010000_ignored_folders extends Migration {
  async up(): Promise<void> {
    this.addSql('create table `ignored_folder` (`folder` text not null primary key, `created_at` datetime not null)');
  }

  async down(): Promise<void> {
    this.addSql('drop table `ignored_folder`');
  }
}
