import { Migration } from '@mikro-orm/migrations';

/**
 * Exactly-once webhook sends with several processes: a per-hook counter that hands out sequence
 * numbers atomically, a unique (webhook, sequence) index, and a claim on each delivery that a
 * sender takes in the database before it sends.
 */
export class Migration20261127010000_webhook_delivery_claims extends Migration {
  async up(): Promise<void> {
    // Two processes could take the same number before: renumber those hooks in the order their
    // deliveries were recorded, so that the unique index can be built.
    this.addSql(
      'update `webhook_delivery` set `sequence` = (select `ranked`.`position` from (select `id`, row_number() over (partition by `webhook_id` order by `sequence`, `id`) as `position` from `webhook_delivery`) as `ranked` where `ranked`.`id` = `webhook_delivery`.`id`) where `webhook_id` in (select `webhook_id` from `webhook_delivery` group by `webhook_id`, `sequence` having count(*) > 1)',
    );
    this.addSql('drop index `webhook_delivery_webhook_id_sequence_index`');
    this.addSql('create unique index `webhook_delivery_webhook_id_sequence_unique` on `webhook_delivery` (`webhook_id`, `sequence`)');
    this.addSql('alter table `webhook_delivery` add column `claimed_by` text null');
    this.addSql('alter table `webhook_delivery` add column `claimed_until` datetime null');
    this.addSql('alter table `webhook` add column `last_sequence` integer not null default 0');
    this.addSql('update `webhook` set `last_sequence` = coalesce((select max(`sequence`) from `webhook_delivery` where `webhook_id` = `webhook`.`id`), 0)');
  }

  async down(): Promise<void> {
    this.addSql('alter table `webhook` drop column `last_sequence`');
    this.addSql('alter table `webhook_delivery` drop column `claimed_until`');
    this.addSql('alter table `webhook_delivery` drop column `claimed_by`');
    this.addSql('drop index `webhook_delivery_webhook_id_sequence_unique`');
    this.addSql('create index `webhook_delivery_webhook_id_sequence_index` on `webhook_delivery` (`webhook_id`, `sequence`)');
  }
}
