/**
 * Where the session token lives: localStorage when the user asked to be remembered,
 * sessionStorage (gone with the tab) otherwise. Listeners hear every change.
 */
const KEY = 'aniworld.session';

export interface StoredSession { readonly token: string; readonly expiresAt: string }

export class SessionStore {
  readonly #listeners = new Set<() => void>();
  readonly #local: Storage;
  readonly #tab: Storage;

  constructor(local: Storage = localStorage, tab: Storage = sessionStorage) {
    this.#local = local;
    this.#tab = tab;
  }

  get(): StoredSession | undefined {
    for (const storage of [this.#tab, this.#local]) {
      const raw = storage.getItem(KEY);
      if (!raw) continue;
      try {
        const session = JSON.parse(raw) as StoredSession;
        if (typeof session.token === 'string' && new Date(session.expiresAt).getTime() > Date.now()) return session;
      } catch {
        // A damaged entry is the same as none.
      }
      storage.removeItem(KEY);
    }
    return undefined;
  }

  token(): string | undefined {
    return this.get()?.token;
  }

  save(session: StoredSession, remember: boolean): void {
    this.#local.removeItem(KEY);
    this.#tab.removeItem(KEY);
    (remember ? this.#local : this.#tab).setItem(KEY, JSON.stringify(session));
    this.#emit();
  }

  clear(): void {
    const had = this.#local.getItem(KEY) !== null || this.#tab.getItem(KEY) !== null;
    this.#local.removeItem(KEY);
    this.#tab.removeItem(KEY);
    if (had) this.#emit();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}
