// What the window knows about the desktop app (Electron only): the engine
// process's status, recent files, examples and theme, kept in a small store fed
// by the preload's API from startup on, so nothing said before React mounts is
// missed.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DesktopApi, EngineStatus, ExampleSetup, ThemeSource } from '../../../src-shared/desktop/api';

export interface DesktopState {
  engine: EngineStatus | null;
  recent: string[];
  examples: ExampleSetup[];
  /** Main's theme (null until it has told it). */
  theme: ThemeSource | null;
}

export interface Desktop {
  api: DesktopApi;
  store: StoreApi<DesktopState>;
  dispose(): void;
}

/** Subscribes to the desktop API; call once at startup. */
export function createDesktop(api: DesktopApi): Desktop {
  const store = createStore<DesktopState>()(() => ({ engine: null, recent: [], examples: [], theme: null }));
  const offs = [
    api.onEngineStatus((engine) => store.setState({ engine })),
    api.onRecentFiles((recent) => store.setState({ recent })),
    api.onTheme((theme) => store.setState({ theme })),
  ];
  void api.recentFiles().then((recent) => store.setState({ recent }), () => undefined);
  void api.examples().then((examples) => store.setState({ examples }), () => undefined);
  return { api, store, dispose: () => offs.forEach((off) => off()) };
}
