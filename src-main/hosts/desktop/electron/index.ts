// Electron main: the only module tree that imports electron. Everything it
// decides is in src-main/hosts/desktop (plain Node, tested); this file wires those
// modules to the app, the window, the menu, dialogs and the engine process.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, dialog } from 'electron';
import { DesktopController, outputConfig } from '../controller';
import { EngineSupervisor } from '../engine-supervisor';
import { secondInstanceSetup, setupFileArg, type SecondInstanceData } from '../launch-args';
import { RecentFiles } from '../recent-files';
import { RendererCrashes } from '../reload-policy';
import { engineHostMode, SettingsStore } from '../settings';
import { ElectronUi } from './electron-ui';
import { engineEnvironment } from './engine-environment';
import { registerIpc } from './ipc';
import { createWindow, hardenContents, registerAppScheme, serveRenderer } from './window';

const here = fileURLToPath(new URL('.', import.meta.url));
const defaultApp = process.defaultApp === true;
// The dev server only in development: a packaged app never loads from the network.
const devServerUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL || null) : null;

// A separate user-data folder (settings, recent files, single-instance lock): tests, portable use.
if (process.env.RINGSCOPE_USER_DATA) app.setPath('userData', resolve(process.env.RINGSCOPE_USER_DATA));
app.setName('RingScope');
registerAppScheme();

const launchSetup = setupFileArg(process.argv, process.cwd(), { defaultApp });
const pendingOpens: string[] = launchSetup ? [launchSetup] : [];
let controller: DesktopController<import('electron').MessagePortMain> | null = null;
let win: BrowserWindow | null = null;

// macOS hands files over with open-file, possibly before ready.
app.on('open-file', (e, path) => {
  e.preventDefault();
  if (controller) controller.openPath(path);
  else pendingOpens.push(path);
});

if (!app.requestSingleInstanceLock({ setup: launchSetup } satisfies SecondInstanceData)) {
  // Another RingScope runs: it focuses its window and opens our file argument.
  app.quit();
} else {
  void main().catch((err) => {
    dialog.showErrorBox('RingScope could not start', err instanceof Error ? (err.stack ?? err.message) : String(err));
    app.exit(1);
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  hardenContents(devServerUrl);
  serveRenderer(join(here, '..', 'renderer'));

  const userData = app.getPath('userData');
  const settings = SettingsStore.load(join(userData, 'settings.json'));
  const recent = RecentFiles.load(join(userData, 'recent-files.json'), {
    caseInsensitive: process.platform === 'win32' || process.platform === 'darwin',
  });
  const host = engineHostMode(process.env, settings.get());
  for (const p of [...settings.problems, ...recent.problems, ...(host.problem ? [host.problem] : [])]) process.stderr.write(`RingScope: ${p}\n`);

  const readOnlyRoots = app.isPackaged ? [process.resourcesPath] : [];
  const documentsDir = app.getPath('documents');
  const examplesDir = app.isPackaged ? join(process.resourcesPath, 'examples') : join(app.getAppPath(), 'examples');
  const supervisor = new EngineSupervisor(engineEnvironment(host.mode, join(here, 'engine-host.js'), process.cwd()), {
    version: app.getVersion(),
    cwd: process.cwd(),
    output: outputConfig(settings.get().outputDirectory, readOnlyRoots, documentsDir),
    // The window's editor offers the examples and never saves over them.
    setups: { examplesDir, readOnlyRoots: [...readOnlyRoots, examplesDir] },
  });
  const ui = new ElectronUi(
    () => win,
    () => showWindow(),
  );
  const c = new DesktopController({
    supervisor,
    settings,
    recent,
    ui,
    examplesDir,
    readOnlyRoots,
    documentsDir,
    cwd: process.cwd(),
    platform: process.platform,
    appName: 'RingScope',
    version: app.getVersion(),
    dev: !app.isPackaged,
    home: homedir(),
    versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
  });
  controller = c;
  ui.onMenuCommand = (cmd) =>
    void c.handle(cmd).catch((err) => dialog.showErrorBox('RingScope', err instanceof Error ? err.message : String(err)));
  registerIpc(c, ui, () => win, devServerUrl);

  const crashes = new RendererCrashes();
  const openWindow = () => {
    const w = createWindow(join(here, '..', 'preload', 'index.cjs'), devServerUrl);
    w.on('close', (e) => {
      // Closing the last window quits (except on macOS): same questions as Quit.
      if (process.platform !== 'darwin' && !c.requestQuit()) e.preventDefault();
    });
    w.on('closed', () => {
      if (win === w) win = null;
      c.windowGone();
    });
    // The page guards unsaved setup edits with beforeunload, which Electron answers by silently not
    // closing: ask natively instead (unless the user already agreed while quitting).
    w.webContents.on('will-prevent-unload', (e) => {
      if (c.unloadAllowed()) return e.preventDefault();
      const answer = dialog.showMessageBoxSync(w, {
        type: 'warning',
        title: 'RingScope',
        message: 'The setup has unsaved changes.',
        detail: 'Leaving the page loses them. To keep them, cancel and use File ▸ Save or Save As….',
        buttons: ['Discard Changes', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      });
      if (answer === 0) e.preventDefault();
    });
    w.webContents.on('render-process-gone', (_e, details) => {
      // The page crashed: load it again (it asks for a new engine port and finds the run where it is),
      // unless it keeps crashing: then the user decides (reload-policy.ts).
      if (details.reason === 'clean-exit' || w.isDestroyed()) return;
      const verdict = crashes.crashed(details.reason, Date.now());
      if (verdict.action === 'reload') return w.reload();
      void dialog.showMessageBox(w, { ...verdict.dialog, noLink: true }).then(({ response }) => {
        if (w.isDestroyed()) return;
        if (response === 0) {
          crashes.reset();
          w.reload();
        } else app.quit();
      });
    });
    win = w;
  };

  const showWindow = () => {
    if (!win) openWindow();
    else {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  };
  app.on('second-instance', (_e, argv, workingDirectory, data) => {
    showWindow();
    const setup = secondInstanceSetup(data, argv, workingDirectory, { defaultApp });
    if (setup) c.openPath(setup);
  });
  app.on('before-quit', (e) => {
    if (!c.requestQuit()) e.preventDefault();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!win) openWindow();
  });

  openWindow();
  // Files from the command line (or Finder) open in the window's editor once it is connected.
  for (const path of pendingOpens.splice(0)) c.openPath(path);
  // If the engine fails to start, the window shows its exit and offers a restart.
  await c.start().catch(() => undefined);
}
