import { Migration } from '@mikro-orm/migrations';

/** The PostgreSQL schema as of the SQLite migrations up to series_scan_signature (same entities). */
export class Migration20261124000000_initial extends Migration {
  async up(): Promise<void> {
    this.addSql(
      `create table "credential" ("id" int not null, "password_hash" varchar(255) not null, "api_key_hash" varchar(255) null, "api_key_prefix" varchar(255) null, "api_key_created_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"))`,
    );
    this.addSql(
      `create table "download_item" ("id" varchar(255) not null, "series_key" varchar(255) not null, "series_folder" varchar(255) not null, "series_name" varchar(255) not null, "season" int not null, "episode" int not null, "language" varchar(255) null, "status" varchar(255) not null default 'pending', "priority" int not null default 0, "position" double precision not null default 0, "progress" double precision not null default 0, "downloaded_bytes" int not null default 0, "total_bytes" int null, "speed" double precision not null default 0, "eta" int null, "attempts" int not null default 0, "last_error" text null, "hoster" varchar(255) null, "language_used" varchar(255) null, "file_path" varchar(255) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "started_at" timestamptz null, "completed_at" timestamptz null, primary key ("id"))`,
    );
    this.addSql(`create index "download_item_status_priority_position_index" on "download_item" ("status", "priority", "position")`);
    this.addSql(`create index "download_item_series_key_season_episode_index" on "download_item" ("series_key", "season", "episode")`);
    this.addSql(
      `create table "login_attempt" ("client_address" varchar(255) not null, "failures" int not null default 0, "locked_until" timestamptz null, "last_failure_at" timestamptz null, primary key ("client_address"))`,
    );
    this.addSql(
      `create table "series" ("id" serial primary key, "key" varchar(255) not null, "folder" varchar(255) not null, "name" varchar(255) not null, "site" varchar(255) not null, "link" varchar(255) not null, "year" int null, "end_year" int null, "description" text null, "cover" varchar(255) null, "genres" jsonb not null default '[]', "imdb_id" varchar(255) null, "age_rating" int null, "season_count" int not null default 0, "has_films" boolean not null default false, "monitored" boolean not null default true, "preferred_language" varchar(255) null, "provider_checked_at" timestamptz null, "scanned_at" timestamptz null, "scan_signature" varchar(255) null, "created_at" timestamptz not null, "updated_at" timestamptz not null)`,
    );
    this.addSql(`alter table "series" add constraint "series_key_unique" unique ("key")`);
    this.addSql(`create index "series_folder_index" on "series" ("folder")`);
    this.addSql(
      `create table "episode" ("id" serial primary key, "series_id" int not null, "season" int not null, "number" int not null, "title_de" varchar(255) null, "title_en" varchar(255) null, "languages" jsonb not null default '[]', "on_provider" boolean not null default false, "downloaded" boolean not null default false, "file_path" varchar(255) null, "size" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null)`,
    );
    this.addSql(`alter table "episode" add constraint "episode_series_id_season_number_unique" unique ("series_id", "season", "number")`);
    this.addSql(
      `create table "user_session" ("id" varchar(255) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "remember" boolean not null default false, "client_address" varchar(255) null, "user_agent" varchar(255) null, primary key ("id"))`,
    );
    this.addSql(`create index "user_session_expires_at_index" on "user_session" ("expires_at")`);
    this.addSql(
      `create table "webhook" ("id" varchar(255) not null, "name" varchar(255) not null, "url" varchar(255) not null, "kind" varchar(255) not null, "events" jsonb not null default '[]', "secret" varchar(255) null, "method" varchar(255) not null default 'POST', "headers" jsonb not null default '{}', "enabled" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"))`,
    );
    this.addSql(
      `create table "webhook_delivery" ("id" serial primary key, "webhook_id" varchar(255) not null, "sequence" int not null, "event" varchar(255) not null, "payload" jsonb not null, "status" varchar(255) not null default 'pending', "attempts" int not null default 0, "attempt_log" jsonb not null default '[]', "last_status_code" int null, "last_error" text null, "next_attempt_at" timestamptz null, "created_at" timestamptz not null, "delivered_at" timestamptz null)`,
    );
    this.addSql(`create index "webhook_delivery_webhook_id_sequence_index" on "webhook_delivery" ("webhook_id", "sequence")`);
    this.addSql(`create index "webhook_delivery_status_index" on "webhook_delivery" ("status")`);
    this.addSql(`alter table "episode" add constraint "episode_series_id_foreign" foreign key ("series_id") references "series" ("id") on delete cascade`);
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_webhook_id_foreign" foreign key ("webhook_id") references "webhook" ("id") on delete cascade`,
    );
  }

  async down(): Promise<void> {
    this.addSql('drop table if exists "webhook_delivery" cascade');
    this.addSql('drop table if exists "webhook" cascade');
    this.addSql('drop table if exists "user_session" cascade');
    this.addSql('drop table if exists "episode" cascade');
    this.addSql('drop table if exists "series" cascade');
    this.addSql('drop table if exists "login_attempt" cascade');
    this.addSql('drop table if exists "download_item" cascade');
    this.addSql('drop table if exists "credential" cascade');
  }
}
