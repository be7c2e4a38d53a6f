import type { Command } from '../command.ts';
import { print, table, UsageError } from '../io.ts';

const pad = (value: number) => String(value).padStart(2, '0');

export const queueCommand: Command = {
  name: 'queue',
  summary: 'List the download queue or add an episode to it.',
  usage: ['queue list [--json]', 'queue add <key> <season> <episode> [--json]'],
  details: [
    'list  shows active, pending, failed and the latest completed downloads',
    'add   queues one episode of a series that is in the library (season 0 = films/specials);',
    '      the server downloads it on its next queue pass.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  async run(args, { io, withApp }) {
    const [action, ...rest] = args.positionals;
    const json = args.values.json === true;
    if (action === 'list') {
      if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
      const status = await withApp((app) => app.services.queue.status());
      if (json) {
        print(io.stdout, JSON.stringify(status, null, 2));
        return 0;
      }
      const items = [...status.active_downloads, ...status.pending_queue, ...status.failed_downloads, ...status.completed_downloads.slice(0, 10)];
      const stats = status.statistics;
      print(
        io.stdout,
        `Queue ${status.is_paused ? 'paused' : status.is_running ? 'running' : 'stopped'}: ${stats.active_count} active, ${stats.pending_count} pending, ${stats.failed_count} failed, ${stats.completed_count} completed.`,
      );
      if (items.length > 0) {
        print(
          io.stdout,
          table([
            ['ID', 'STATUS', 'SERIES', 'EPISODE', 'PROGRESS'],
            ...items.map((item) => [
              item.id.slice(0, 8),
              item.status,
              item.key,
              `S${pad(item.season)}E${pad(item.episode)}`,
              `${Math.round(item.progress.percent)}%`,
            ]),
          ]),
        );
      }
      return 0;
    }
    if (action === 'add') {
      const [key, seasonText, episodeText, ...extra] = rest;
      if (!key || seasonText === undefined || episodeText === undefined)
        throw new UsageError('Give the series key, the season and the episode: aniworld queue add <key> <season> <episode>');
      if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
      const season = wholeNumber(seasonText, 'season', 0);
      const episode = wholeNumber(episodeText, 'episode', 1);
      const result = await withApp((app) => app.services.queue.add({ serie_id: key, episodes: [{ season, episode }], priority: 0 }));
      if (json) print(io.stdout, JSON.stringify(result, null, 2));
      else print(io.stdout, `${result.message}.${result.item_ids.length ? ` Item id: ${result.item_ids[0]}` : ''}`);
      return 0;
    }
    if (action === undefined) throw new UsageError('Missing action: list or add.');
    throw new UsageError(`Unknown action "${action}": use list or add.`);
  },
};

function wholeNumber(text: string, what: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`The ${what} must be a whole number of at least ${min} (got "${text}").`);
  return Number(text);
}
