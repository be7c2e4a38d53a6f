import { Migration } from '@mikro-orm/migrations';

/** The first schema: series, episodes, queue, auth, webhooks. */
export class Migration20261124000000_initial extends Migration {
  async up(): Promise<void> {
    this.addSql(
      'create table `credential` (`id` integer not null primary key, `password_hash` text not null, `api_key_hash` text null, `api_key_prefix` text null, `api_key_created_at` datetime null, `created_at` datetime not null, `updated_at` datetime not null)',
    );
    this.addSql(
      "create table `download_item` (`id` text not null primary key, `series_key` text not null, `series_folder` text not null, `series_name` text not null, `season` integer not null, `episode` integer not null, `language` text null, `status` text not null default 'pending', `priority` integer not null default 0, `position` double not null default 0, `progress` double not null default 0, `downloaded_bytes` integer not null default 0, `total_bytes` integer null, `speed` double not null default 0, `eta` integer null, `attempts` integer not null default 0, `last_error` text null, `hoster` text null, `language_used` text null, `file_path` text null, `created_at` datetime not null, `updated_at` datetime not null, `started_at` datetime null, `completed_at` datetime null)",
    );
    this.addSql('create index `download_item_status_priority_position_index` on `download_item` (`status`, `priority`, `position`)');
    this.addSql('create index `download_item_series_key_season_episode_index` on `download_item` (`series_key`, `season`, `episode`)');
    this.addSql(
      'create table `login_attempt` (`client_address` text not null primary key, `failures` integer not null default 0, `locked_until` datetime null, `last_failure_at` datetime null)',
    );
    this.addSql(
      "create table `series` (`id` integer not null primary key autoincrement, `key` text not null, `folder` text not null, `name` text not null, `site` text not null, `link` text not null, `year` integer null, `end_year` integer null, `description` text null, `cover` text null, `genres` json not null default '[]', `imdb_id` text null, `age_rating` integer null, `season_count` integer not null default 0, `has_films` integer not null default false, `monitored` integer not null default true, `preferred_language` text null, `provider_checked_at` datetime null, `scanned_at` datetime null, `created_at` datetime not null, `updated_at` datetime not null)",
    );
    this.addSql('create unique index `series_key_unique` on `series` (`key`)');
    this.addSql('create index `series_folder_index` on `series` (`folder`)');
    this.addSql(
      "create table `episode` (`id` integer not null primary key autoincrement, `series_id` integer not null, `season` integer not null, `number` integer not null, `title_de` text null, `title_en` text null, `languages` json not null default '[]', `on_provider` integer not null default false, `downloaded` integer not null default false, `file_path` text null, `size` integer null, `created_at` datetime not null, `updated_at` datetime not null, constraint `episode_series_id_foreign` foreign key (`series_id`) references `series` (`id`) on delete cascade)",
    );
    this.addSql('create index `episode_series_id_index` on `episode` (`series_id`)');
    this.addSql('create unique index `episode_series_id_season_number_unique` on `episode` (`series_id`, `season`, `number`)');
    this.addSql(
      'create table `user_session` (`id` text not null primary key, `created_at` datetime not null, `expires_at` datetime not null, `revoked_at` datetime null, `remember` integer not null default false, `client_address` text null, `user_agent` text null)',
    );
    this.addSql('create index `user_session_expires_at_index` on `user_session` (`expires_at`)');
    this.addSql(
      "create table `webhook` (`id` text not null primary key, `name` text not null, `url` text not null, `kind` text not null, `events` json not null default '[]', `secret` text null, `method` text not null default 'POST', `headers` json not null default '{}', `enabled` integer not null default true, `created_at` datetime not null, `updated_at` datetime not null)",
    );
    this.addSql(
      "create table `webhook_delivery` (`id` integer not null primary key autoincrement, `webhook_id` text not null, `sequence` integer not null, `event` text not null, `payload` json not null, `status` text not null default 'pending', `attempts` integer not null default 0, `attempt_log` json not null default '[]', `last_status_code` integer null, `last_error` text null, `next_attempt_at` datetime null, `created_at` datetime not null, `delivered_at` datetime null, constraint `webhook_delivery_webhook_id_foreign` foreign key (`webhook_id`) references `webhook` (`id`) on delete cascade)",
    );
    this.addSql('create index `webhook_delivery_webhook_id_index` on `webhook_delivery` (`webhook_id`)');
    this.addSql('create index `webhook_delivery_webhook_id_sequence_index` on `webhook_delivery` (`webhook_id`, `sequence`)');
    this.addSql('create index `webhook_delivery_status_index` on `webhook_delivery` (`status`)');
  }

  async down(): Promise<void> {
    this.addSql('drop table if exists `webhook_delivery`');
    this.addSql('drop table if exists `webhook`');
    this.addSql('drop table if exists `user_session`');
    this.addSql('drop table if exists `login_attempt`');
    this.addSql('drop table if exists `credential`');
    this.addSql('drop table if exists `download_item`');
    this.addSql('drop table if exists `episode`');
    this.addSql('drop table if exists `series`');
  }
}
