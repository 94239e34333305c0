// Electron: the menus act through the window exactly like its own controls.
// Run commands press the run buttons (typed run limits apply); File commands
// and files handed to the app go to the setup editor (unsaved changes are
// guarded, edits are what is saved), which asks through native dialogs. The
// editor's unsaved state and the theme travel back to main.
import type { FileMenuAction, RunMenuAction } from '../../../src-shared/desktop/api';
import { onThemeChange, setThemeSource } from '../look/theme';
import type { AppStore } from '../store/appStore';
import { runState } from '../store/appStore';
import { editorDirty } from '../store/editor';
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

/** Runs a File-menu command with the setup editor; resolves with its outcome. */
export function fileMenuAction(store: AppStore, action: FileMenuAction): Promise<boolean> {
  const s = store.getState();
  switch (action.kind) {
    case 'new':
      return s.editorNew();
    case 'open':
      return s.editorChooseOpen();
    case 'open-path':
      return s.editorOpen(action.path);
    case 'save':
      return s.editorSave();
    case 'save-as':
      return s.editorSaveAs();
  }
}

/** Resolves once the window is connected to the engine (a file handed over at launch may come before the port). */
export function whenConnected(store: AppStore): Promise<void> {
  if (store.getState().connection === 'open') return Promise.resolve();
  return new Promise((ok) => {
    const off = store.subscribe((s) => {
      if (s.connection === 'open') {
        off();
        ok();
      }
    });
  });
}

/** Wires the desktop app's menus, dialogs, unsaved state and theme to the page; returns the unwire function. */
export function wireDesktop(desktop: Desktop, store: AppStore): () => void {
  const { api } = desktop;

  // Native dialogs for the editor. The Save dialog already asked before replacing its file.
  let chosenSavePath: string | null = null;
  store.getState().setEditorHooks({
    chooseOpenPath: () => api.chooseOpenPath(),
    chooseSavePath: async (suggested) => (chosenSavePath = await api.chooseSavePath(suggested)),
    confirmDiscard: (message) => api.confirm({ message, confirm: 'Discard Changes' }),
    confirmOverwrite: (path) =>
      path === chosenSavePath ? Promise.resolve(true) : api.confirm({ message: `${path} exists already. Replace it?`, confirm: 'Replace' }),
  });

  const offRun = api.onRunMenu((action) => void runMenuAction(store, action));
  const offFile = api.onFileMenu((action) => void whenConnected(store).then(() => fileMenuAction(store, action)));

  let edited = editorDirty(store.getState());
  api.setDocumentEdited(edited);
  const offEdited = store.subscribe((s) => {
    const now = editorDirty(s);
    if (now !== edited) {
      edited = now;
      api.setDocumentEdited(now);
    }
  });

  // Main keeps the theme (settings, View ▸ Theme, native dialogs); the page's own switch reports to it.
  let known = desktop.store.getState().theme;
  if (known) setThemeSource(known);
  const offMainTheme = desktop.store.subscribe((s) => {
    if (s.theme && s.theme !== known) {
      known = s.theme;
      setThemeSource(s.theme);
    }
  });
  const offPageTheme = onThemeChange((source) => {
    if (known !== null && source !== known) {
      known = source;
      api.setTheme(source);
    }
  });

  return () => {
    offRun();
    offFile();
    offEdited();
    offMainTheme();
    offPageTheme();
  };
}
