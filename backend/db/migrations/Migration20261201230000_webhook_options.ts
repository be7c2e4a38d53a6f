import { Migration } from '@mikro-orm/migrations';

/** Per-kind settings of a notification target (Telegram chat, Pushover user, a media server's path for our folder). */
export class Migration20261201230000_webhook_options extends Migration {
  async up(): Promise<void> {
    this.addSql("alter table `webhook` add column `options` json not null default '{}'");
  }

  async down(): Promise<void> {
    this.addSql('alter table `webhook` drop column `options`');
  }
}
