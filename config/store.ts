import { readdir, readFile, stat, unlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../backend/adapters/atomic-file.ts';
import { NotFoundError, ValidationError } from '../backend/errors.ts';
import type { Clock } from '../backend/adapters/clock.ts';
import { deepFreeze, mergeSettings, readSettingsFile, validateSettings } from './load.ts';
import type { Settings } from './schema.ts';

export interface ConfigBackup {
  readonly name: string;
  readonly created_at: string;
  readonly size: number;
}

/** `reloaded`: the change was read from the file another process wrote, not made here. */
type Listener = (next: Readonly<Settings>, previous: Readonly<Settings>, change: { readonly reloaded: boolean }) => void;

/** How config backups are named (the restore route checks names against it at the door). */
export const BACKUP_PATTERN = /^config-\d{8}T\d{9}Z(-[a-z0-9]+)?\.json$/;
export const KEEP_BACKUPS = 10;

/**
 * The live settings and the file they come from. Writes are atomic and keep timestamped
 * backups; environment overrides always stay on top of what is written.
 */
export class SettingsStore {
  readonly #file: string;
  readonly #backupDir: string;
  readonly #envSettings: Record<string, unknown>;
  readonly #clock: Clock;
  readonly #listeners = new Set<Listener>();
  #current: Readonly<Settings>;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(options: { file: string; backupDir: string; envSettings: Record<string, unknown>; initial: Readonly<Settings>; clock: Clock }) {
    this.#file = options.file;
    this.#backupDir = options.backupDir;
    this.#envSettings = options.envSettings;
    this.#clock = options.clock;
    this.#current = options.initial;
  }

  current(): Readonly<Settings> {
    return this.#current;
  }

  /** Keys the environment pins; the API reports them so the panel can say why an edit does not stick. */
  overriddenKeys(): string[] {
    const keys: string[] = [];
    const walk = (node: Record<string, unknown>, prefix: string) => {
      for (const [key, value] of Object.entries(node)) {
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) walk(value as Record<string, unknown>, `${prefix}${key}.`);
        else keys.push(`${prefix}${key}`);
      }
    };
    walk(this.#envSettings, '');
    return keys;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Validates without writing; returns the effective settings the candidate would give. */
  validate(candidate: unknown): Readonly<Settings> {
    const fileResult = validateSettings(candidate);
    if (!fileResult.ok) throw new ValidationError('The configuration is not valid', fileResult.problems);
    const effective = validateSettings(mergeSettings(fileResult.settings as unknown as Record<string, unknown>, this.#envSettings));
    if (!effective.ok) throw new ValidationError('The configuration is not valid with the environment overrides', effective.problems);
    return effective.settings;
  }

  /** Replaces the stored settings (a full document; missing keys take defaults). */
  async update(candidate: unknown): Promise<Readonly<Settings>> {
    return this.#serial(async () => {
      const effective = this.validate(candidate);
      const stored = validateSettings(candidate);
      if (!stored.ok) throw new ValidationError('The configuration is not valid', stored.problems);
      await this.#backupCurrentFile('auto');
      await writeFileAtomic(this.#file, `${JSON.stringify(stored.settings, null, 2)}\n`, { mode: 0o600 });
      return this.#apply(effective, false);
    });
  }

  /** Changes a few keys and keeps the rest of what is stored. */
  async patch(partial: Record<string, unknown>): Promise<Readonly<Settings>> {
    const stored = readSettingsFile(this.#file);
    return this.update(mergeSettings(stored, partial));
  }

  /**
   * Reads the file again (another process of a shared deployment changed it) and applies it when
   * it differs from what is live. Returns whether anything changed; an invalid file is refused
   * and the live settings stay.
   */
  async reload(): Promise<boolean> {
    return this.#serial(async () => {
      const next = this.validate(readSettingsFile(this.#file));
      if (JSON.stringify(next) === JSON.stringify(this.#current)) return false;
      this.#apply(next, true);
      return true;
    });
  }

  async listBackups(): Promise<ConfigBackup[]> {
    let names: string[];
    try {
      names = await readdir(this.#backupDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const backups: ConfigBackup[] = [];
    for (const name of names.filter((entry) => BACKUP_PATTERN.test(entry))) {
      const info = await stat(join(this.#backupDir, name)).catch(() => undefined);
      if (info) backups.push({ name, created_at: parseBackupTime(name), size: info.size });
    }
    return backups.sort((a, b) => b.name.localeCompare(a.name));
  }

  async createBackup(): Promise<ConfigBackup> {
    return this.#serial(async () => {
      const created = await this.#backupCurrentFile('manual');
      if (created) return created;
      // Nothing stored yet: back up the effective defaults so there is something to restore.
      return this.#writeBackup(`${JSON.stringify(readSettingsFile(this.#file), null, 2)}\n`, 'manual');
    });
  }

  async restore(name: string): Promise<Readonly<Settings>> {
    if (!BACKUP_PATTERN.test(name)) throw new NotFoundError(`No config backup named "${name}"`);
    let content: string;
    try {
      content = await readFile(join(this.#backupDir, name), 'utf8');
    } catch {
      throw new NotFoundError(`No config backup named "${name}"`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw new ValidationError(`Backup "${name}" is not valid JSON`);
    }
    return this.update(parsed);
  }

  async #backupCurrentFile(reason: string): Promise<ConfigBackup | undefined> {
    let content: string;
    try {
      content = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return this.#writeBackup(content, reason);
  }

  async #writeBackup(content: string, reason: string): Promise<ConfigBackup> {
    await mkdir(this.#backupDir, { recursive: true, mode: 0o700 });
    const stamp = this.#clock.now().toISOString().replace(/[-:.]/g, '');
    let name = `config-${stamp}-${reason}.json`;
    // Two backups in the same millisecond must not overwrite each other.
    for (let index = 1; (await stat(join(this.#backupDir, name)).catch(() => undefined)) !== undefined; index++) {
      name = `config-${stamp}-${reason}${index}.json`;
    }
    await writeFileAtomic(join(this.#backupDir, name), content, { mode: 0o600 });
    await this.#prune();
    return { name, created_at: parseBackupTime(name), size: Buffer.byteLength(content) };
  }

  async #prune(): Promise<void> {
    const backups = await this.listBackups();
    for (const old of backups.slice(KEEP_BACKUPS)) await unlink(join(this.#backupDir, old.name)).catch(() => {});
  }

  #apply(settings: Readonly<Settings>, reloaded: boolean): Readonly<Settings> {
    const previous = this.#current;
    const next = deepFreeze(settings);
    this.#current = next;
    for (const listener of this.#listeners) listener(next, previous, { reloaded });
    return next;
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(work, work);
    this.#writing = run.catch(() => {});
    return run;
  }
}

function parseBackupTime(name: string): string {
  const match = /^config-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(name);
  if (!match) return '';
  const [, year, month, day, hour, minute, second, millis] = match;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}.${millis}Z`;
}
