import { Migration20261124000000_initial } from './Migration20261124000000_initial.ts';
import { Migration20261124033000_series_scan_signature } from './Migration20261124033000_series_scan_signature.ts';
import { Migration20261127000000_wide_columns } from './Migration20261127000000_wide_columns.ts';
import { Migration20261127010000_webhook_delivery_claims } from './Migration20261127010000_webhook_delivery_claims.ts';
import { Migration20261201220000_episode_type } from './Migration20261201220000_episode_type.ts';
import { Migration20261201230000_webhook_options } from './Migration20261201230000_webhook_options.ts';
import { Migration20261202010000_ignored_folders } from './Migration20261202010000_ignored_folders.ts';
import { Migration20261202011000_activity } from './Migration20261202011000_activity.ts';
import { Migration20261202020000_file_language } from './Migration20261202020000_file_language.ts';
import { Migration20261202030000_series_scan_stamp } from './Migration20261202030000_series_scan_stamp.ts';

/**
 * Every migration, in order. Migrations are written by hand (SQL through addSql) and committed;
 * tests/integration/migrations.test.ts proves they produce exactly the schema the entities describe.
 */
export const MIGRATIONS = [
  { name: 'Migration20261124000000_initial', class: Migration20261124000000_initial },
  { name: 'Migration20261124033000_series_scan_signature', class: Migration20261124033000_series_scan_signature },
  { name: 'Migration20261127000000_wide_columns', class: Migration20261127000000_wide_columns },
  { name: 'Migration20261127010000_webhook_delivery_claims', class: Migration20261127010000_webhook_delivery_claims },
  { name: 'Migration20261201220000_episode_type', class: Migration20261201220000_episode_type },
  { name: 'Migration20261201230000_webhook_options', class: Migration20261201230000_webhook_options },
  { name: 'Migration20261202010000_ignored_folders', class: Migration20261202010000_ignored_folders },
  { name: 'Migration20261202011000_activity', class: Migration20261202011000_activity },
  { name: 'Migration20261202020000_file_language', class: Migration20261202020000_file_language },
  { name: 'Migration20261202030000_series_scan_stamp', class: Migration20261202030000_series_scan_stamp },
];
