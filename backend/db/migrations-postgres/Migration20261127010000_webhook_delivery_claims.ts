import { Migration } from '@mikro-orm/migrations';

/** Same as the SQLite migration of this name: per-hook counter, unique (webhook, sequence), delivery claims. */
export class Migration20261127010000_webhook_delivery_claims extends Migration {
  async up(): Promise<void> {
    // Two processes could take the same number before: renumber those hooks in the order their
    // deliveries were recorded, so that the unique constraint can be built.
    this.addSql(
      `update "webhook_delivery" set "sequence" = "ranked"."position" from (select "id", row_number() over (partition by "webhook_id" order by "sequence", "id") as "position" from "webhook_delivery") as "ranked" where "ranked"."id" = "webhook_delivery"."id" and "webhook_delivery"."webhook_id" in (select "webhook_id" from "webhook_delivery" group by "webhook_id", "sequence" having count(*) > 1)`,
    );
    this.addSql(`drop index "webhook_delivery_webhook_id_sequence_index"`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_sequence_unique" unique ("webhook_id", "sequence")`);
    this.addSql(`alter table "webhook_delivery" add "claimed_by" varchar(255) null, add "claimed_until" timestamptz null`);
    this.addSql(`alter table "webhook" add "last_sequence" int not null default 0`);
    this.addSql(`update "webhook" set "last_sequence" = coalesce((select max("sequence") from "webhook_delivery" where "webhook_id" = "webhook"."id"), 0)`);
  }

  async down(): Promise<void> {
    this.addSql(`alter table "webhook" drop column "last_sequence"`);
    this.addSql(`alter table "webhook_delivery" drop column "claimed_by", drop column "claimed_until"`);
    this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_webhook_id_sequence_unique"`);
    this.addSql(`create index "webhook_delivery_webhook_id_sequence_index" on "webhook_delivery" ("webhook_id", "sequence")`);
  }
}
