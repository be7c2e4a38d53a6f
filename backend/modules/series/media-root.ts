import { resolve } from 'node:path';
import type { SettingsStore } from '../../../config/store.ts';

/** The media root as configured right now: it can change at runtime through PUT /api/config. */
export class MediaRoot {
  readonly #settings: SettingsStore;
  readonly #cwd: string;

  constructor(settings: SettingsStore, cwd: string) {
    this.#settings = settings;
    this.#cwd = cwd;
  }

  path(): string {
    return resolve(this.#cwd, this.#settings.current().anime_directory);
  }
}
