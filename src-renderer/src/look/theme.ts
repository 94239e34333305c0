// Light and dark theme. The page follows the system (prefers-color-scheme)
// unless the user picks one; the choice is kept in localStorage. The theme is
// the `data-theme` attribute of <html> ('light' | 'dark'); styles.css and
// look.css define the colours per theme as CSS variables. In Electron, View ▸
// Theme calls setThemeSource with the menu's choice.
import type { ThemeSource } from '../../../src-shared/desktop/api';

export type { ThemeSource };
export type Theme = 'light' | 'dark';

const KEY = 'ringscope.theme';
const listeners = new Set<(source: ThemeSource, theme: Theme) => void>();
let source: ThemeSource = 'system';
let media: MediaQueryList | null = null;
let colourCache = new Map<string, string>();

function systemTheme(): Theme {
  return media?.matches ? 'dark' : 'light';
}

/** The theme shown now. */
export function currentTheme(): Theme {
  return source === 'system' ? systemTheme() : source;
}

/** The user's choice ('system' follows the operating system). */
export function themeSource(): ThemeSource {
  return source;
}

function apply(): void {
  const theme = currentTheme();
  colourCache = new Map();
  if (typeof document !== 'undefined') {
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.themeSource = source;
  }
  for (const l of listeners) l(source, theme);
}

/** Reads the stored choice and starts following the system; call once at startup. */
export function initTheme(): void {
  if (typeof window === 'undefined') return;
  try {
    const stored = window.localStorage.getItem(KEY);
    if (stored === 'light' || stored === 'dark' || stored === 'system') source = stored;
  } catch {
    // no storage: follow the system
  }
  media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  media?.addEventListener?.('change', () => {
    if (source === 'system') apply();
  });
  apply();
}

/** Chooses the theme (and remembers it). */
export function setThemeSource(next: ThemeSource): void {
  source = next;
  try {
    window.localStorage.setItem(KEY, next);
  } catch {
    // kept for this page only
  }
  apply();
}

/** Calls `listener` on every theme change; returns the unsubscribe function. */
export function onThemeChange(listener: (source: ThemeSource, theme: Theme) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A colour of the current theme from its CSS variable (e.g. '--plot-axis'), for canvas drawing; cached per theme. */
export function themeColour(variable: string, fallback: string): string {
  let c = colourCache.get(variable);
  if (c === undefined) {
    c = typeof document !== 'undefined' ? getComputedStyle(document.documentElement).getPropertyValue(variable).trim() : '';
    c = c || fallback;
    colourCache.set(variable, c);
  }
  return c;
}

// Before the first paint: the page never flashes the other theme.
if (typeof window !== 'undefined' && typeof document !== 'undefined') initTheme();
