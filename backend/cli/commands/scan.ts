import type { Command } from '../command.ts';
import { print, progressBar, UsageError } from '../io.ts';

export const scanCommand: Command = {
  name: 'scan',
  summary: 'Scan the media folder (or one series) and update the library.',
  usage: ['scan [--json]', 'scan <key> [--json]'],
  details: [
    'Reads the folders on disk only (the provider is not asked). Shows a progress bar on a terminal.',
    'Unknown folders are listed; link them in the panel or with a .aniworld.json file in the folder.',
  ].join('\n'),
  options: { json: { type: 'boolean' } },
  async run(args, { io, withLibrary }) {
    const [key, ...extra] = args.positionals;
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
    const json = args.values.json === true;
    if (key) {
      const result = await withLibrary((library) => library.scanner.scanSeries(key));
      if (json) print(io.stdout, JSON.stringify(result, null, 2));
      else print(io.stdout, `${result.key} (${result.folder}): ${result.episodes} episode files, ${result.changed ? 'changed' : 'unchanged'}`);
      return 0;
    }
    const bar = progressBar(io.stderr, 'Scanning');
    const summary = await withLibrary(async (library) => {
      const stop = library.events.subscribe((event) => {
        if (event.type !== 'scan_progress') return;
        const data = event.data as { current: number; total: number; folder?: string };
        bar.update(data.current, data.total, data.folder);
      });
      try {
        return await library.scanner.scanLibrary();
      } finally {
        stop();
        bar.done();
      }
    });
    if (json) {
      print(io.stdout, JSON.stringify(summary, null, 2));
      return 0;
    }
    print(
      io.stdout,
      `Scanned ${summary.folders} folders in ${(summary.duration_ms / 1000).toFixed(1)} s: ${summary.series} series, ${summary.changed} changed, ${summary.linked} newly linked.`,
    );
    print(io.stdout, `Episodes: +${summary.episodes_added} added, ${summary.episodes_updated} updated, -${summary.episodes_removed} removed.`);
    if (summary.unknown_folders.length > 0) {
      print(io.stdout, `Unknown folders (${summary.unknown_folders.length}): link them in the panel under Library > Import.`);
      for (const folder of summary.unknown_folders.slice(0, 20)) print(io.stdout, `  ${folder}`);
      if (summary.unknown_folders.length > 20) print(io.stdout, `  ... and ${summary.unknown_folders.length - 20} more (use --json for all)`);
    }
    return 0;
  },
};
