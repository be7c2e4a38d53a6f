/** Light, dark or follow the system; remembered per browser. */
export type ThemeChoice = 'auto' | 'light' | 'dark';

const KEY = 'aniworld.theme';
export const THEME_ORDER: readonly ThemeChoice[] = ['auto', 'light', 'dark'];

export function loadTheme(storage: Storage = localStorage): ThemeChoice {
  const value = storage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'auto';
}

export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement, storage: Storage = localStorage): void {
  if (choice === 'auto') {
    root.removeAttribute('data-theme');
    storage.removeItem(KEY);
  } else {
    root.setAttribute('data-theme', choice);
    storage.setItem(KEY, choice);
  }
}

export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return THEME_ORDER[(THEME_ORDER.indexOf(choice) + 1) % THEME_ORDER.length];
}
