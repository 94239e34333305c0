// Electron: the Run menu acts exactly like the window's buttons (with the run
// limits typed there), and the chosen theme is marked on the page.
import type { RunMenuAction, ThemeSource } from '../../../src-shared/desktop/api';
import type { AppStore } from '../store/appStore';
import { runState } from '../store/appStore';
import type { Desktop } from './state';

/** Runs a Run-menu command on the app store. */
export function runMenuAction(store: AppStore, action: RunMenuAction): Promise<void> {
  const s = store.getState();
  switch (action) {
    case 'start':
      return s.start();
    case 'stop':
      return s.stop();
    case 'pause-resume':
      return runState(s) === 'paused' ? s.resume() : s.pause();
  }
}

/** Marks the theme on <html data-theme> (system, light, dark); prefers-color-scheme follows it too. */
export function applyTheme(root: HTMLElement, theme: ThemeSource): void {
  root.dataset.theme = theme;
}

/** Wires the desktop app's menu commands and theme to the page; returns the unwire function. */
export function wireDesktop(desktop: Desktop, store: AppStore, root: HTMLElement = document.documentElement): () => void {
  const offMenu = desktop.api.onRunMenu((action) => void runMenuAction(store, action));
  applyTheme(root, desktop.store.getState().theme);
  const offTheme = desktop.store.subscribe((s) => applyTheme(root, s.theme));
  return () => {
    offMenu();
    offTheme();
  };
}
