import { Migration } from '@mikro-orm/migrations';
import { SUFFIXES } from '../migrations/Migration20261201220000_episode_type.ts';

/** Same as the SQLite migration of this name: the episode type, read from stored title suffixes. */
export class Migration20261201220000_episode_type extends Migration {
  async up(): Promise<void> {
    this.addSql(`alter table "episode" add column "type" varchar(255) not null default 'episode'`);
    for (const [suffix, type] of SUFFIXES) {
      this.addSql(
        `update "episode" set "type" = '${type}', "title_en" = rtrim(substr("title_en", 1, length("title_en") - ${suffix.length})) where "title_en" like '%${suffix}'`,
      );
    }
    this.addSql(`update "episode" set "title_en" = rtrim(substr("title_en", 1, length("title_en") - 13)) where "title_en" like '%[Episode ___]'`);
    this.addSql(`update "episode" set "title_en" = null where "title_en" = ''`);
    this.addSql(`update "episode" set "type" = 'movie' where "season" = 0 and "type" = 'episode'`);
  }

  async down(): Promise<void> {
    this.addSql(`alter table "episode" drop column "type"`);
  }
}
