import { describe, expect, it } from 'vitest';
import { SessionStore } from './session.ts';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) { return this.items.get(key) ?? null; }
  setItem(key: string, value: string) { this.items.set(key, value); }
  removeItem(key: string) { this.items.delete(key); }
}

const later = () => new Date(Date.now() + 3_600_000).toISOString();

describe('SessionStore', () => {
  it('keeps a remembered session in localStorage and a tab session in sessionStorage', () => {
    const local = new MemoryStorage();
    const tab = new MemoryStorage();
    const store = new SessionStore(local as unknown as Storage, tab as unknown as Storage);
    store.save({ token: 'remembered', expiresAt: later() }, true);
    expect(local.items.size).toBe(1);
    expect(store.token()).toBe('remembered');
    store.save({ token: 'tab-only', expiresAt: later() }, false);
    expect(local.items.size).toBe(0);
    expect(tab.items.size).toBe(1);
    expect(store.token()).toBe('tab-only');
  });

  it('forgets expired or damaged entries and tells listeners about changes', () => {
    const local = new MemoryStorage();
    const store = new SessionStore(local as unknown as Storage, new MemoryStorage() as unknown as Storage);
    let changes = 0;
    const unsubscribe = store.subscribe(() => { changes += 1; });
    store.save({ token: 'old', expiresAt: new Date(Date.now() - 1000).toISOString() }, true);
    expect(store.token()).toBeUndefined();
    expect(local.items.size).toBe(0);
    local.setItem('aniworld.session', '{not json');
    expect(store.get()).toBeUndefined();
    store.save({ token: 't', expiresAt: later() }, true);
    store.clear();
    store.clear();
    unsubscribe();
    expect(changes).toBe(3);
  });
});
