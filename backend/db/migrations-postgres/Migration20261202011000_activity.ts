import { Migration } from '@mikro-orm/migrations';

/** Same as the SQLite migration of this name: the activity log. */
export class Migration20261202011000_activity extends Migration {
  async up(): Promise<void> {
    this.addSql(
      `create table "activity" ("id" serial primary key, "type" varchar(255) not null, "series_key" varchar(255) null, "folder" text null, "data" jsonb not null default '{}', "created_at" timestamptz not null)`,
    );
    this.addSql(`create index "activity_created_at_index" on "activity" ("created_at")`);
    this.addSql(`create index "activity_type_created_at_index" on "activity" ("type", "created_at")`);
  }

  async down(): Promise<void> {
    this.addSql('drop table if exists "activity" cascade');
  }
}
