// The desktop app's behaviour, independent of Electron: what File, Run, View
// and Help do, when the window gets an engine port, what the title says, how
// recent files and settings change, and how quitting goes. ./electron
// supplies the native parts (dialogs, window, menu, OS integration) through
// DesktopUi and routes menu clicks and window requests here.
//
// File and Run commands are performed by the window (its setup editor and run
// buttons), so unsaved edits are guarded and saved, and typed run limits
// apply; main supplies the native dialogs they ask for.
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { HostEvent } from '../../../src-shared/bridge/protocol';
import { isActive } from '../../../src-shared/bridge/protocol';
import type { ConfirmRequest, EngineStatus, ExampleSetup, FileMenuAction, RunMenuAction, ThemeSource } from '../../../src-shared/desktop/api';
import type { OutputConfig } from './engine-host/control';
import { saveDialogPath } from './documents';
import type { EngineSupervisor } from './engine-supervisor';
import { isExample, listExamples } from './examples';
import { buildMenu, type MenuCommand, type MenuItemSpec, type MenuState } from './menu-template';
import { decideQuit, quitAnswer, type DialogSpec, type QuitPhase } from './quit-policy';
import type { RecentFiles } from './recent-files';
import type { SettingsStore } from './settings';

/** The native side of the app, as the controller uses it. P is the platform's port type. */
export interface DesktopUi<P> {
  chooseSetupToOpen(defaultDir: string | null): Promise<string | null>;
  chooseNewSetupPath(defaultPath: string): Promise<string | null>;
  chooseSaveAsPath(defaultPath: string): Promise<string | null>;
  chooseOutputFolder(defaultPath: string | null): Promise<string | null>;
  /** A message box; resolves with the index of the button pressed. */
  ask(dialog: DialogSpec): Promise<number>;
  setTitle(title: string, setupPath: string | null): void;
  setMenu(menu: MenuItemSpec[]): void;
  applyTheme(theme: ThemeSource): void;
  sendEngineStatus(status: EngineStatus): void;
  sendEnginePort(port: P): void;
  sendRecentFiles(files: string[]): void;
  sendRunMenu(action: RunMenuAction): void;
  sendFileMenu(action: FileMenuAction): void;
  /** Marks the window as having unsaved changes (macOS shows it in the close button). */
  setDocumentEdited(edited: boolean): void;
  /** Shows the window (creating it if it was closed: macOS keeps the app running without one). */
  showWindow(): void;
  /** The OS's own recent-documents list (Dock, jump list). */
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  showFolder(path: string): void;
  /** Opens the file manager at a file, selecting it. */
  showItemInFolder(path: string): void;
  /** Quits the app (called once the engine has closed; the quit request then passes). */
  quitNow(): void;
}

export interface ControllerOptions<P> {
  supervisor: EngineSupervisor<P>;
  settings: SettingsStore;
  recent: RecentFiles;
  ui: DesktopUi<P>;
  examplesDir: string | null;
  /** Folders that cannot be written (the packaged app's resources); setups there are never saved over, and their runs write elsewhere. */
  readOnlyRoots: string[];
  /** The folder the engine host resolves relative setup paths against. */
  cwd: string;
  /** The user's documents folder: default place for new setups, copies and output of read-only examples. */
  documentsDir: string;
  platform: string;
  appName: string;
  version: string;
  dev: boolean;
  home?: string;
  /** Versions shown in About (electron, chrome, node …). */
  versions?: Record<string, string | undefined>;
}

/** Where runs write: the chosen folder; setups in read-only folders write to Documents/RingScope/runs. */
export function outputConfig(directory: string | null, readOnlyRoots: string[], documentsDir: string): OutputConfig {
  return { directory, readOnlyRoots, fallback: join(documentsDir, 'RingScope', 'runs') };
}

/** A one-button error message box. */
export function errorDialog(message: string, detail: string): DialogSpec {
  return { type: 'error', title: 'RingScope', message, detail, buttons: ['OK'], defaultId: 0, cancelId: 0 };
}

/** The About box's content. */
export function aboutDialog(appName: string, version: string, engineHost: string, versions: Record<string, string | undefined> = {}): DialogSpec {
  const lines = [
    'Data acquisition for physics lab courses: shared-memory ring buffers, worker functions, live waveforms, CSV and Parquet export.',
    'After the ideas of mimoCoRB (KIT, G. Quast et al.).',
    '',
    `Engine: ${engineHost === 'main' ? 'in the main process (RINGSCOPE_ENGINE_HOST=main)' : 'its own utility process'}`,
    ...Object.entries(versions)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k[0].toUpperCase()}${k.slice(1)} ${v}`),
  ];
  return { type: 'info', title: `About ${appName}`, message: `${appName} ${version}`, detail: lines.join('\n'), buttons: ['OK'], defaultId: 0, cancelId: 0 };
}

export class DesktopController<P> {
  private readonly sup: EngineSupervisor<P>;
  private readonly ui: DesktopUi<P>;
  private examplesCache: ExampleSetup[];
  private windowWantsPort = false;
  private windowHasPort = false;
  /** Run directories the engine reported (the only folders Show in Folder opens). */
  private readonly runDirs = new Set<string>();
  private readonly pendingFile: FileMenuAction[] = [];
  private edited = false;
  private discardAgreed = false;
  private quitPhase: QuitPhase = 'none';
  private quitReady = false;
  private dialogOpen = false;
  private menuKey = '';

  constructor(private readonly o: ControllerOptions<P>) {
    this.sup = o.supervisor;
    this.ui = o.ui;
    this.examplesCache = listExamples(o.examplesDir);
    this.sup.onStatus((s) => this.onEngineStatus(s));
    this.sup.onEvent((ev) => this.onHostEvent(ev));
    o.recent.onChange((files) => {
      this.ui.sendRecentFiles(files);
      this.refreshMenu();
    });
  }

  /** Starts the engine and shows the menu; resolves when the engine is ready (rejects if it failed to start). */
  async start(): Promise<void> {
    this.ui.applyTheme(this.o.settings.get().theme);
    this.ui.setTitle(this.o.appName, null);
    this.refreshMenu();
    await this.sup.start();
  }

  /** Where runs write, from the settings. */
  outputConfig(): OutputConfig {
    return outputConfig(this.o.settings.get().outputDirectory, this.o.readOnlyRoots, this.o.documentsDir);
  }

  // ------------------------------------------------------------ window requests

  /** The window asks for an engine port (at load, after a reload); it gets one now, or when the engine runs. */
  connectWindow(): void {
    this.windowWantsPort = true;
    this.windowHasPort = false;
    this.edited = false;
    this.ui.sendEngineStatus(this.sup.status());
    this.sendPort();
  }

  /** The window was closed: no port until a window asks again, and no edits left to lose. */
  windowGone(): void {
    this.windowWantsPort = false;
    this.windowHasPort = false;
    this.setDocumentEdited(false);
  }

  recentFiles(): string[] {
    return this.o.recent.list();
  }

  examples(): ExampleSetup[] {
    return this.examplesCache;
  }

  theme(): ThemeSource {
    return this.o.settings.get().theme;
  }

  /** The native Open dialog, for the window's editor: an absolute path or null. */
  chooseOpenPath(): Promise<string | null> {
    const current = this.sup.setupPath;
    return this.ui.chooseSetupToOpen(current ? dirname(current) : (this.o.examplesDir ?? this.o.documentsDir));
  }

  /** The native Save dialog, for the window's editor, starting from its suggestion (never inside read-only folders). */
  chooseSavePath(suggested: string): Promise<string | null> {
    const readOnlyRoots = [...this.o.readOnlyRoots, ...(this.o.examplesDir ? [this.o.examplesDir] : [])];
    const start = saveDialogPath(String(suggested), { cwd: this.o.cwd, documentsDir: this.o.documentsDir, readOnlyRoots });
    return this.ui.chooseSaveAsPath(start);
  }

  /** A native yes/no question for the window. */
  async confirm(req: ConfirmRequest): Promise<boolean> {
    const button = await this.ui.ask({
      type: 'question',
      title: this.o.appName,
      message: String(req.message),
      detail: req.detail ? String(req.detail) : '',
      buttons: [req.confirm ? String(req.confirm) : 'OK', 'Cancel'],
      defaultId: 0,
      cancelId: 1,
    });
    return button === 0;
  }

  /** The window's editor has (or no longer has) unsaved changes. */
  setDocumentEdited(edited: boolean): void {
    this.edited = edited === true;
    if (!this.edited) this.discardAgreed = false;
    this.ui.setDocumentEdited(this.edited);
  }

  /** The theme chosen in the window or in View ▸ Theme. */
  setTheme(theme: ThemeSource): void {
    if (theme === this.o.settings.get().theme) return;
    this.o.settings.update({ theme });
    this.ui.applyTheme(theme);
    this.refreshMenu();
  }

  /** May the window unload although its editor has unsaved changes (the user agreed to lose them while quitting)? */
  unloadAllowed(): boolean {
    return this.discardAgreed || this.quitReady;
  }

  /** Opens a setup handed to the app (command line, second launch, Finder) through the window's editor. */
  openPath(path: string): void {
    this.fileAction({ kind: 'open-path', path });
  }

  async restartEngine(): Promise<void> {
    if (this.sup.state !== 'exited') return;
    try {
      await this.sup.restart();
    } catch (err) {
      await this.ui.ask(errorDialog('The engine did not start.', (err as Error).message));
    }
  }

  // ------------------------------------------------------------------- commands

  /** Runs a menu command. */
  async handle(cmd: MenuCommand): Promise<void> {
    switch (cmd.kind) {
      case 'new':
      case 'open':
      case 'save':
      case 'save-as':
        this.fileAction({ kind: cmd.kind });
        break;
      case 'open-recent':
      case 'open-example':
        this.fileAction({ kind: 'open-path', path: cmd.path });
        break;
      case 'clear-recent':
        this.o.recent.clear();
        this.ui.clearRecentDocuments();
        break;
      case 'choose-output':
        await this.chooseOutputFolder();
        break;
      case 'reset-output':
        this.setOutputFolder(null);
        break;
      case 'run':
        this.ui.sendRunMenu(cmd.action);
        break;
      case 'restart-engine':
        await this.restartEngine();
        break;
      case 'theme':
        this.setTheme(cmd.theme);
        break;
      case 'show-examples-folder':
        if (this.o.examplesDir) this.ui.showFolder(this.o.examplesDir);
        break;
      case 'about':
        await this.ui.ask(aboutDialog(this.o.appName, this.o.version, this.sup.mode, this.o.versions));
        break;
    }
  }

  /** Hands a file command to the window's editor, now or as soon as a window is connected to the engine. */
  private fileAction(action: FileMenuAction): void {
    if (this.windowHasPort) {
      this.ui.sendFileMenu(action);
      return;
    }
    this.pendingFile.push(action);
    this.ui.showWindow();
  }

  /** Opens a setup in the engine through main's own client (no window at hand); false if it could not. */
  async openSetup(path: string): Promise<boolean> {
    if (this.sup.state === 'starting') await this.sup.start().catch(() => undefined);
    const client = this.sup.client;
    if (this.sup.state !== 'running' || !client) {
      await this.ui.ask(errorDialog(`Cannot open ${basename(path)}.`, 'The engine is not running. Restart it (Run ▸ Restart Engine), then open the setup again.'));
      return false;
    }
    try {
      await client.request({ type: 'open', path });
      return true;
    } catch (err) {
      await this.ui.ask(errorDialog(`Cannot open ${basename(path)}.`, (err as Error).message));
      return false;
    }
  }

  private async chooseOutputFolder(): Promise<void> {
    const current = this.o.settings.get().outputDirectory;
    const dir = await this.ui.chooseOutputFolder(current ?? join(this.o.documentsDir, 'RingScope', 'runs'));
    if (dir) this.setOutputFolder(dir);
  }

  private setOutputFolder(dir: string | null): void {
    this.o.settings.update({ outputDirectory: dir });
    this.sup.configure(this.outputConfig());
    this.refreshMenu();
  }

  // ----------------------------------------------------------------------- quit

  /**
   * A quit was requested (menu, Cmd+Q, closing the window, logout). True when
   * the app may quit right now; otherwise the controller asks, stops the run or
   * closes the engine first, and calls ui.quitNow() when done.
   */
  requestQuit(): boolean {
    if (this.quitReady) return true;
    const decision = decideQuit({
      engine: this.sup.state,
      run: this.sup.client?.state ?? 'idle',
      phase: this.quitPhase,
      unsaved: this.edited && !this.discardAgreed,
    });
    switch (decision.action) {
      case 'quit':
        this.quitReady = true;
        return true;
      case 'close-engine':
        this.quitPhase = 'closing';
        void this.finishQuit();
        return false;
      case 'force':
        this.sup.kill();
        return false;
      case 'wait':
        return false;
      case 'ask-discard':
      case 'ask-stop':
      case 'ask-abort':
        if (this.dialogOpen) return false;
        this.dialogOpen = true;
        void this.ui.ask(decision.dialog).then((button) => {
          this.dialogOpen = false;
          const answer = quitAnswer(decision, button);
          if (answer === 'discard') {
            this.discardAgreed = true;
            // On to the run (if any): that may ask again; otherwise quit now.
            if (this.requestQuit()) this.ui.quitNow();
          } else if (answer === 'stop-and-quit' && this.quitPhase === 'none') {
            this.quitPhase = 'stopping';
            void this.finishQuit();
          } else if (answer === 'abort-and-quit' && this.quitPhase === 'stopping') {
            this.quitPhase = 'aborting';
            this.sup.abort();
          }
        });
        return false;
    }
  }

  private async finishQuit(): Promise<void> {
    await this.sup.shutdown();
    this.quitReady = true;
    this.ui.quitNow();
  }

  // ------------------------------------------------------------------- updates

  /** The current menu (also given to ui.setMenu whenever it changes). */
  menu(): MenuItemSpec[] {
    return buildMenu(this.menuState());
  }

  private menuState(): MenuState {
    const client = this.sup.client;
    const setup = client?.setup;
    return {
      platform: this.o.platform,
      appName: this.o.appName,
      dev: this.o.dev,
      engine: this.sup.state,
      run: client?.state ?? 'idle',
      setup: setup && this.sup.setupPath ? { path: this.sup.setupPath, runnable: setup.runnable } : null,
      recent: this.o.recent.list(),
      examples: this.examplesCache,
      outputDirectory: this.o.settings.get().outputDirectory,
      theme: this.o.settings.get().theme,
      home: this.o.home,
    };
  }

  private refreshMenu(): void {
    const state = this.menuState();
    const key = JSON.stringify(state);
    if (key === this.menuKey) return;
    this.menuKey = key;
    this.ui.setMenu(buildMenu(state));
  }

  private onEngineStatus(s: EngineStatus): void {
    if (s.state !== 'running') this.windowHasPort = false;
    this.ui.sendEngineStatus(s);
    if (s.state === 'running') this.sendPort();
    this.refreshMenu();
  }

  private sendPort(): void {
    if (!this.windowWantsPort) return;
    const port = this.sup.connectRenderer();
    if (!port) return;
    this.ui.sendEnginePort(port);
    this.windowHasPort = true;
    // File commands that waited for a window (a launch argument, a second launch) go now: after the port, in order.
    for (const action of this.pendingFile.splice(0)) this.ui.sendFileMenu(action);
  }

  /**
   * Shows a run's file in the file manager (the window's Run files panel). Only files inside a run
   * directory this engine reported are shown; anything else is refused (false).
   */
  showRunFile(path: string): boolean {
    const target = resolve(path);
    const inside = [...this.runDirs].some((dir) => {
      const rel = relative(dir, target);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    });
    if (!inside || !existsSync(target)) return false;
    this.ui.showItemInFolder(target);
    return true;
  }

  private onHostEvent(ev: HostEvent): void {
    if (ev.type === 'status' && ev.status.run_directory) this.runDirs.add(resolve(this.o.cwd, ev.status.run_directory));
    if (ev.type === 'run_ended') this.runDirs.add(resolve(this.o.cwd, ev.summary.run_directory));
    if (ev.type === 'setup') {
      const path = this.sup.setupPath;
      if (path && existsSync(path)) this.rememberRecent(path);
      const name = ev.setup.title ?? (path ? basename(path) : ev.setup.path);
      this.ui.setTitle(`${name} — ${this.o.appName}`, path);
    }
    if (ev.type === 'setup' || ev.type === 'status' || ev.type === 'hello' || ev.type === 'run_ended') this.refreshMenu();
  }

  private rememberRecent(path: string): void {
    this.o.recent.add(path);
    this.ui.addRecentDocument(path);
  }
}
