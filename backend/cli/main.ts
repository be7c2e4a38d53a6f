import { parseArgs as parseArgv } from 'node:util';
import { ConfigError, packageVersion } from '../../config/load.ts';
import { AppError } from '../errors.ts';
import type { Running } from '../main.ts';
import type { LibraryContext } from './library-context.ts';
import { helpText, type Command, type CommandContext, type ParsedArgs } from './command.ts';
import { print, UsageError, warningsTo, type CliIo } from './io.ts';
import { backupCommand } from './commands/backup.ts';
import { healthCommand } from './commands/health.ts';
import { resetPasswordCommand } from './commands/reset-password.ts';
import { scanCommand } from './commands/scan.ts';
import { queueCommand } from './commands/queue.ts';
import { statusCommand } from './commands/status.ts';
import { migrateToPostgresCommand } from './commands/migrate-to-postgres.ts';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  statusCommand,
  healthCommand,
  scanCommand,
  queueCommand,
  resetPasswordCommand,
  backupCommand,
  migrateToPostgresCommand,
];

const EXIT_USAGE = 64;
const EXIT_CONFIG = 78;

/**
 * The `aniworld` command: the same composition root as the server, started without HTTP
 * listening, job processing or the watcher, so it can run next to a live server.
 * Returns the exit code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((command) => command.name === rest[0]) : undefined;
    io.stdout.write(topic ? helpText(topic) : globalHelp());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    print(io.stdout, packageVersion());
    return 0;
  }
  const command = COMMANDS.find((entry) => entry.name === name);
  if (!command) {
    print(io.stderr, `error: unknown command "${name}". Run "aniworld --help" for the list.`);
    return EXIT_USAGE;
  }
  const end = rest.indexOf('--');
  const options = end === -1 ? rest : rest.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout.write(helpText(command));
    return 0;
  }

  let running: Running | undefined;
  let library: LibraryContext | undefined;
  const context: CommandContext = {
    io,
    async withApp(work, options) {
      if (!running) {
        // Loaded on demand: --help, --version and usage errors answer without loading the app.
        const { startAniWorld } = await import('../main.ts');
        running = await startAniWorld({
          mode: 'cli',
          env: io.env,
          cwd: io.cwd,
          logDestination: warningsTo(io.stderr),
          bcryptRounds: io.bcryptRounds,
          replaceSecretKey: options?.replaceSecretKey,
        });
      }
      const app = running;
      const { inContext } = await import('../db/context.ts');
      return inContext(app.orm, () => work(app));
    },
    async withLibrary(work) {
      if (!library) {
        const { openLibraryContext } = await import('./library-context.ts');
        library = await openLibraryContext({ env: io.env, cwd: io.cwd, logDestination: warningsTo(io.stderr) });
      }
      const opened = library;
      const { inContext } = await import('../db/context.ts');
      return inContext(opened.orm, () => work(opened));
    },
  };
  try {
    return await command.run(parseArgs(rest, command), context);
  } catch (error) {
    return report(error, command, io);
  } finally {
    await library?.close();
    await running?.close();
  }
}

/**
 * `node:util` parseArgs with the command's options: `--url=x` and `--url x` both work, and
 * everything after `--` is a positional even when it starts with a dash.
 */
function parseArgs(args: readonly string[], command: Command): ParsedArgs {
  try {
    const { values, positionals } = parseArgv({ args: [...args], options: { ...command.options }, allowPositionals: true, strict: true });
    return { positionals, values };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(
        `Unknown option "${option}" for ${command.name}. A value that starts with "-" goes after "--": aniworld ${command.name} -- ${option}`,
      );
    }
    if (code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(`${message.replace(/\.?$/, '.')}`);
    throw error;
  }
}

function report(error: unknown, command: Command, io: CliIo): number {
  if (error instanceof UsageError) {
    print(io.stderr, `error: ${error.message}\nRun "aniworld ${command.name} --help" for usage.`);
    return EXIT_USAGE;
  }
  if (error instanceof ConfigError) {
    print(io.stderr, error.message);
    return EXIT_CONFIG;
  }
  if (error instanceof AppError) {
    const details = Array.isArray(error.details)
      ? error.details.map((detail: { path?: string; message?: string }) => `\n  - ${detail.path ?? ''}: ${detail.message ?? ''}`).join('')
      : '';
    print(io.stderr, `error: ${error.message}${details}`);
    return 1;
  }
  print(io.stderr, `error: ${(error as Error)?.message ?? String(error)}`);
  return 1;
}

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'aniworld: manage an AniWorld installation from the command line.',
    'Runs against the same data folder as the server (ANIWORLD_DATA_DIR); safe while it runs.',
    '',
    'Usage: aniworld <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options: --help (on any command), --version',
    'In Docker: docker exec -it aniworld aniworld <command>',
    '',
  ].join('\n');
}
