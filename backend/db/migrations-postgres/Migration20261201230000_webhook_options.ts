import { Migration } from '@mikro-orm/migrations';

/** Same as the SQLite migration of this name: per-kind settings of a notification target. */
export class Migration20261201230000_webhook_options extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "webhook" add "options" jsonb not null default '{}'`);
  }

  async down(): Promise<void> {
    this.addSql(`alter table "webhook" drop column "options"`);
  }
}
