import { Migration } from '@mikro-orm/migrations';

/**
 * Episodes get a type (episode, ova, movie, special): the provider's English titles end in
 * `[Episode 001]`, `[OVA]` or `[Movie]`, which is what an episode is, not part of its name.
 * Titles stored before keep the suffix until the next refresh; this reads the common ones now.
 */
export class Migration20261201220000_episode_type extends Migration {
  async up(): Promise<void> {
    this.addSql("alter table `episode` add column `type` text not null default 'episode'");
    for (const [suffix, type] of SUFFIXES) {
      this.addSql(
        `update \`episode\` set \`type\` = '${type}', \`title_en\` = rtrim(substr(\`title_en\`, 1, length(\`title_en\`) - ${suffix.length})) where \`title_en\` like '%${suffix}'`,
      );
    }
    // `[Episode 001]`: 13 characters with its three digits (the site pads to three).
    this.addSql("update `episode` set `title_en` = rtrim(substr(`title_en`, 1, length(`title_en`) - 13)) where `title_en` like '%[Episode ___]'");
    this.addSql("update `episode` set `title_en` = null where `title_en` = ''");
    this.addSql("update `episode` set `type` = 'movie' where `season` = 0 and `type` = 'episode'");
  }

  async down(): Promise<void> {
    this.addSql('alter table `episode` drop column `type`');
  }
}

/** Suffix as the site writes it, and the type it stands for. */
export const SUFFIXES: readonly (readonly [string, string])[] = [
  ['[OVA]', 'ova'],
  ['[Movie]', 'movie'],
  ['[Film]', 'movie'],
  ['[Special]', 'special'],
];
