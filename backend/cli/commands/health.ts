import type { Command } from '../command.ts';
import { print } from '../io.ts';

export const healthCommand: Command = {
  name: 'health',
  summary: 'Check the database, storage and components the way /health does.',
  usage: ['health [--json]'],
  details: 'Exit code 0 when healthy or degraded, 1 when down.',
  options: { json: { type: 'boolean' } },
  async run(args, { io, withApp }) {
    const report = await withApp((app) => app.services.health.check());
    if (args.values.json === true) {
      print(io.stdout, JSON.stringify(report, null, 2));
    } else {
      print(io.stdout, `status: ${report.status} (version ${String(report.version)})`);
      for (const [name, value] of Object.entries(report)) {
        if (typeof value !== 'object' || value === null || !('status' in value)) continue;
        const { status, ...detail } = value as { status: string; warnings?: string[] };
        const facts = Object.entries(detail)
          .filter(([key]) => key !== 'warnings')
          .map(([key, fact]) => `${key}=${JSON.stringify(fact)}`)
          .join(' ');
        print(io.stdout, `  ${name}: ${status}${facts ? `  ${facts}` : ''}`);
        for (const warning of (detail as { warnings?: string[] }).warnings ?? []) print(io.stdout, `    warning: ${warning}`);
      }
    }
    return report.status === 'down' ? 1 : 0;
  },
};
