import type { Running } from '../main.ts';
import type { CliIo } from './io.ts';
import type { LibraryContext } from './library-context.ts';

/** A command's options in `node:util` parseArgs' terms: `--json` is `{ json: { type: 'boolean' } }`. */
export type CommandOptions = Readonly<Record<string, { readonly type: 'boolean' | 'string'; readonly short?: string }>>;

export interface ParsedArgs {
  /** Everything that is not an option, and everything after `--` even when it looks like one. */
  readonly positionals: readonly string[];
  /** Option values by name (without the dashes): true for a boolean that was given, the text for a string. */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

export interface CommandContext {
  readonly io: CliIo;
  /** Starts the services (no HTTP, no jobs, no watcher) and runs `work` on its own EntityManager fork. */
  withApp<T>(work: (app: Running) => Promise<T>, options?: { readonly replaceSecretKey?: boolean }): Promise<T>;
  /** Config, database and the library scanner only (a fraction of the app's start-up), on its own fork. */
  withLibrary<T>(work: (library: LibraryContext) => Promise<T>): Promise<T>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  /** One line per form, without the leading "aniworld ". */
  readonly usage: readonly string[];
  readonly details?: string;
  readonly options?: CommandOptions;
  run(args: ParsedArgs, context: CommandContext): Promise<number>;
}

export function helpText(command: Command): string {
  const lines = [`${command.summary}`, '', 'Usage:', ...command.usage.map((form) => `  aniworld ${form}`)];
  if (command.details) lines.push('', command.details);
  return `${lines.join('\n')}\n`;
}
