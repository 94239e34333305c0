// The desktop app's behaviour, independent of Electron: what File, Run, View
// and Help do, when the window gets an engine port, what the title says, how
// recent files and settings change, and how quitting goes. src-main/app
// supplies the native parts (dialogs, window, menu, OS integration) through
// DesktopUi and routes menu clicks and window requests here.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { HostEvent } from '../../src-shared/bridge/protocol';
import { isActive } from '../../src-shared/bridge/protocol';
import type { EngineStatus, ExampleSetup, RunMenuAction, ThemeSource } from '../../src-shared/desktop/api';
import type { OutputConfig } from '../engine-host/control';
import { createSetup, isReadOnlySetup, saveAsDefault, saveSetup, saveSetupAs } from './documents';
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
  /** The OS's own recent-documents list (Dock, jump list). */
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  showFolder(path: string): void;
  /** Quits the app (called once the engine has closed; the quit request then passes). */
  quitNow(): void;
}

export interface ControllerOptions<P> {
  supervisor: EngineSupervisor<P>;
  settings: SettingsStore;
  recent: RecentFiles;
  ui: DesktopUi<P>;
  examplesDir: string | null;
  /** Folders that cannot be written (the packaged app's resources). */
  readOnlyRoots: string[];
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
    this.ui.sendEngineStatus(this.sup.status());
    this.sendPort();
  }

  /** The window was closed or reloads: no port until it asks again. */
  windowGone(): void {
    this.windowWantsPort = false;
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

  /** Opens a setup the window offers (recent files, examples); other paths are refused. */
  async openFromWindow(path: string): Promise<void> {
    if (typeof path !== 'string' || !(this.o.recent.list().includes(path) || isExample(this.examplesCache, path))) {
      throw new Error('Only recent setups and examples can be opened this way; use Open… for others.');
    }
    await this.openSetup(path);
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
        await this.newSetup();
        break;
      case 'open':
        await this.openDialog();
        break;
      case 'open-recent':
      case 'open-example':
        await this.openSetup(cmd.path);
        break;
      case 'clear-recent':
        this.o.recent.clear();
        this.ui.clearRecentDocuments();
        break;
      case 'save':
        await this.save();
        break;
      case 'save-as':
        await this.saveAs();
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
        this.o.settings.update({ theme: cmd.theme });
        this.ui.applyTheme(cmd.theme);
        this.refreshMenu();
        break;
      case 'show-examples-folder':
        if (this.o.examplesDir) this.ui.showFolder(this.o.examplesDir);
        break;
      case 'about':
        await this.ui.ask(aboutDialog(this.o.appName, this.o.version, this.sup.mode, this.o.versions));
        break;
    }
  }

  /** Opens a setup in the engine (a dialog's choice, a recent file, a launch argument); false if it could not. */
  async openSetup(path: string): Promise<boolean> {
    if (this.sup.state === 'starting') await this.sup.start().catch(() => undefined);
    const client = this.sup.client;
    if (this.sup.state !== 'running' || !client) {
      await this.ui.ask(errorDialog(`Cannot open ${basename(path)}.`, 'The engine is not running. Restart it (Run ▸ Restart Engine), then open the setup again.'));
      return false;
    }
    if (isActive(client.state)) {
      await this.ui.ask(errorDialog(`Cannot open ${basename(path)}.`, 'A run is in progress. Stop it first, then open the setup.'));
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

  /** File ▸ Open…: resolves with the opened path, or null. */
  async openDialog(): Promise<string | null> {
    const current = this.sup.setupPath;
    const dir = current ? dirname(current) : (this.o.examplesDir ?? this.o.documentsDir);
    const path = await this.ui.chooseSetupToOpen(dir);
    if (!path) return null;
    return (await this.openSetup(path)) ? path : null;
  }

  /** File ▸ New…: writes a setup from the template where the user says and opens it. */
  async newSetup(): Promise<string | null> {
    const path = await this.ui.chooseNewSetupPath(join(this.o.documentsDir, 'RingScope', 'new-setup', 'setup.yaml'));
    if (!path) return null;
    try {
      await createSetup(path);
    } catch (err) {
      await this.ui.ask(errorDialog(`Cannot create ${basename(path)}.`, (err as Error).message));
      return null;
    }
    return (await this.openSetup(path)) ? path : null;
  }

  private async save(): Promise<void> {
    const path = this.sup.setupPath;
    if (!path) return;
    if (isReadOnlySetup(path, this.o.readOnlyRoots)) {
      await this.saveAs();
      return;
    }
    try {
      await saveSetup(path);
    } catch (err) {
      await this.ui.ask(errorDialog(`Cannot save ${basename(path)}.`, (err as Error).message));
    }
  }

  private async saveAs(): Promise<void> {
    const path = this.sup.setupPath;
    if (!path) return;
    const proposal = isReadOnlySetup(path, this.o.readOnlyRoots) ? saveAsDefault(path, join(this.o.documentsDir, 'RingScope')) : path;
    const target = await this.ui.chooseSaveAsPath(proposal);
    if (!target) return;
    let written: string;
    try {
      written = await saveSetupAs(path, target);
    } catch (err) {
      await this.ui.ask(errorDialog(`Cannot save ${basename(target)}.`, (err as Error).message));
      return;
    }
    // The copy is what the user works on from now on: open it (after the run, if one is going).
    if (isActive(this.sup.client?.state)) this.rememberRecent(written);
    else await this.openSetup(written);
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
    const decision = decideQuit({ engine: this.sup.state, run: this.sup.client?.state ?? 'idle', phase: this.quitPhase });
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
      case 'ask-stop':
      case 'ask-abort':
        if (this.dialogOpen) return false;
        this.dialogOpen = true;
        void this.ui
          .ask(decision.dialog)
          .then((button) => {
            this.dialogOpen = false;
            const answer = quitAnswer(decision, button);
            if (answer === 'stop-and-quit' && this.quitPhase === 'none') {
              this.quitPhase = 'stopping';
              void this.finishQuit();
            } else if (answer === 'abort-and-quit' && this.quitPhase === 'stopping') {
              this.quitPhase = 'aborting';
              this.sup.abort();
            }
          })
          .finally(() => {
            this.dialogOpen = false;
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
    this.ui.sendEngineStatus(s);
    if (s.state === 'running') this.sendPort();
    this.refreshMenu();
  }

  private sendPort(): void {
    if (!this.windowWantsPort) return;
    const port = this.sup.connectRenderer();
    if (port) this.ui.sendEnginePort(port);
  }

  private onHostEvent(ev: HostEvent): void {
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
