import { describe, expect, it } from 'vitest';
import { applyTheme, loadTheme, nextTheme } from './theme.ts';

class MemoryStorage {
  readonly #items = new Map<string, string>();
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
}

class Root {
  readonly attributes = new Map<string, string>();
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string) {
    this.attributes.delete(name);
  }
}

describe('theme', () => {
  it('cycles auto -> light -> dark -> auto', () => {
    expect([nextTheme('auto'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'auto']);
  });

  it('pins light or dark on <html> and remembers it; auto follows the system', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    const root = new Root();
    applyTheme('dark', root as unknown as HTMLElement, storage);
    expect(root.attributes.get('data-theme')).toBe('dark');
    expect(loadTheme(storage)).toBe('dark');
    applyTheme('auto', root as unknown as HTMLElement, storage);
    expect(root.attributes.has('data-theme')).toBe(false);
    expect(loadTheme(storage)).toBe('auto');
    storage.setItem('aniworld.theme', 'purple');
    expect(loadTheme(storage)).toBe('auto');
  });
});
