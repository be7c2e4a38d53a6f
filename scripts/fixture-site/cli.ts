import { parseArgs } from 'node:util';
import { startFixtureSite } from './server.ts';

/** `npm run fixture -- --port 8001 [--series 50] [--slow 65536] [--large 104857600] [--host 0.0.0.0]` */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8001' },
    host: { type: 'string', default: '127.0.0.1' },
    series: { type: 'string', default: '20' },
    slow: { type: 'string' },
    large: { type: 'string' },
  },
});

const site = await startFixtureSite({
  port: Number(values.port),
  host: values.host,
  seriesCount: Number(values.series),
  slowBytesPerSecond: values.slow ? Number(values.slow) : undefined,
  largeFileBytes: values.large ? Number(values.large) : undefined,
});
process.stdout.write(`Fixture provider site on ${site.url} (${site.catalogue.series.length} series)\n`);
process.stdout.write(`Point AniWorld at it: ANIWORLD_PROVIDER_URL=${site.url}\n`);
const stop = () => void site.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
