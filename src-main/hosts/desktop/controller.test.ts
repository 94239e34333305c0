// The desktop app's behaviour without Electron: the controller with a real
// supervisor and engine host (in this process, worker_threads ports) over the
// fake engine, and a recording stand-in for dialogs, window and menu.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineStatus, FileMenuAction, RunMenuAction, ThemeSource } from '../../../src-shared/desktop/api';
import type { StartOptions } from '../../engine/api';
import { nodePort } from './engine-host/ports';
import { FakeEngine } from '../../../test/support/fake-engine';
import { DesktopController, type DesktopUi, outputConfig } from './controller';
import { EngineClient } from './engine-client';
import { EngineSupervisor, type EngineEnvironment } from './engine-supervisor';
import { inProcessHost } from './engine-host/in-process';
import { findMenuItem, type MenuItemSpec } from './menu-template';
import { ABORT_DIALOG, DISCARD_DIALOG, type DialogSpec, STOP_DIALOG } from './quit-policy';
import { RecentFiles } from './recent-files';
import { SettingsStore } from './settings';
import { nextEvent } from '../../../test/support/engine-host';

const root = join(import.meta.dirname, '..', '..', '..');
const muon = join(root, 'examples', 'muon', 'setup.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-controller-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Records what the controller asks of the native side; dialogs answer from queues. */
class FakeUi implements DesktopUi<MessagePort> {
  paths: (string | null)[] = [];
  buttons: number[] = [];
  dialogs: DialogSpec[] = [];
  dialogWaiters: ((d: DialogSpec) => void)[] = [];
  menu: MenuItemSpec[] = [];
  title = '';
  theme: ThemeSource | null = null;
  statuses: EngineStatus[] = [];
  ports: MessagePort[] = [];
  recentSent: string[][] = [];
  runMenu: RunMenuAction[] = [];
  fileMenu: FileMenuAction[] = [];
  edited: boolean[] = [];
  shows = 0;
  saveDialogStarts: string[] = [];
  osRecent: string[] = [];
  shown: string[] = [];
  quits = 0;
  private quitted!: () => void;
  /** Resolves at the first ui.quitNow(). */
  readonly quit = new Promise<void>((ok) => (this.quitted = ok));
  private next(): Promise<string | null> {
    return Promise.resolve(this.paths.shift() ?? null);
  }
  chooseSetupToOpen = () => this.next();
  chooseNewSetupPath = () => this.next();
  chooseSaveAsPath = (start: string) => {
    this.saveDialogStarts.push(start);
    return this.next();
  };
  chooseOutputFolder = () => this.next();
  ask(d: DialogSpec) {
    this.dialogs.push(d);
    for (const w of this.dialogWaiters.splice(0)) w(d);
    return Promise.resolve(this.buttons.shift() ?? d.cancelId);
  }
  nextDialog(): Promise<DialogSpec> {
    return new Promise((ok) => this.dialogWaiters.push(ok));
  }
  setTitle(title: string) {
    this.title = title;
  }
  setMenu(m: MenuItemSpec[]) {
    this.menu = m;
  }
  applyTheme(t: ThemeSource) {
    this.theme = t;
  }
  sendEngineStatus(s: EngineStatus) {
    this.statuses.push(s);
  }
  sendEnginePort(p: MessagePort) {
    this.ports.push(p);
  }
  sendRecentFiles(f: string[]) {
    this.recentSent.push(f);
  }
  sendRunMenu(a: RunMenuAction) {
    this.runMenu.push(a);
  }
  sendFileMenu(a: FileMenuAction) {
    this.fileMenu.push(a);
  }
  setDocumentEdited(e: boolean) {
    this.edited.push(e);
  }
  showWindow() {
    this.shows += 1;
  }
  addRecentDocument(p: string) {
    this.osRecent.push(p);
  }
  clearRecentDocuments() {
    this.osRecent = [];
  }
  showFolder(p: string) {
    this.shown.push(p);
  }
  shownItems: string[] = [];
  showItemInFolder(p: string) {
    this.shownItems.push(p);
  }
  quitNow() {
    this.quits += 1;
    this.quitted();
  }
  item(id: string): MenuItemSpec {
    const i = findMenuItem(this.menu, id);
    if (!i) throw new Error(`no menu item ${id}`);
    return i;
  }
}

function app(name: string) {
  const dir = join(tmp, name);
  const engines: FakeEngine[] = [];
  const env: EngineEnvironment<MessagePort> = {
    mode: 'utility',
    launch: () =>
      inProcessHost<MessagePort>(nodePort, {
        cwd: root,
        load: async (p) => {
          const r = await FakeEngine.load(p, { samples: 8 });
          if (r.engine) engines.push(r.engine);
          return r;
        },
      }),
    channel: () => {
      const c = new MessageChannel();
      return [c.port1, c.port2];
    },
    wrap: nodePort,
  };
  const settings = SettingsStore.load(join(dir, 'settings.json'));
  const documentsDir = join(dir, 'Documents');
  const supervisor = new EngineSupervisor(env, { version: '0.0.1', cwd: root, output: outputConfig(null, [], documentsDir) });
  const ui = new FakeUi();
  const recent = RecentFiles.load(join(dir, 'recent-files.json'));
  const controller = new DesktopController({
    supervisor,
    settings,
    recent,
    ui,
    examplesDir: join(root, 'examples'),
    readOnlyRoots: [],
    documentsDir,
    cwd: root,
    platform: 'linux',
    appName: 'RingScope',
    version: '0.0.1',
    dev: false,
    home: '/home/nobody',
    versions: { electron: '45.4.1', node: '22.20.0' },
  });
  const windowClient = () => {
    const port = ui.ports.at(-1);
    if (!port) throw new Error('the window got no port');
    return new EngineClient(nodePort(port));
  };
  /** The engine reports its status (the real one does on every state change); the window and main both see it. */
  const report = async (client: EngineClient) => {
    const engine = engines.at(-1)!;
    const now = (e: { status: { state: string } }) => e.status.state === engine.state;
    const seen = [nextEvent(client, 'status', now), nextEvent(supervisor.client!, 'status', now)];
    engine.emitStatus();
    await Promise.all(seen);
  };
  return { dir, controller, supervisor, ui, settings, recent, engines, windowClient, report };
}

describe('DesktopController', () => {
  it('starts the engine, hands the window a port, remembers what it opens, and hands File commands to it', async () => {
    const { controller, ui, recent, windowClient, dir, supervisor } = app('open');
    // A file handed over before the window is connected (command line) waits for it.
    controller.openPath(muon);
    expect(ui.fileMenu).toEqual([]);
    expect(ui.shows).toBe(1);
    await controller.start();
    expect(ui.theme).toBe('system');
    expect(ui.title).toBe('RingScope');
    expect(ui.item('file-open').enabled).toBe(true);
    expect(ui.item('run-start').enabled).toBe(false);

    controller.connectWindow();
    expect(ui.statuses.at(-1)).toEqual({ state: 'running', host: 'utility' });
    expect(ui.ports).toHaveLength(1);
    expect(ui.fileMenu).toEqual([{ kind: 'open-path', path: muon }]);
    const win = windowClient();
    await win.ready();

    // The window's editor opens it over its port; main learns of it on its own and remembers it.
    const seen = nextEvent(supervisor.client!, 'setup');
    await win.request({ type: 'open', path: muon });
    expect((await seen).setup.path).toBe('examples/muon/setup.yaml');
    expect(ui.title).toBe('Muon lifetime (simulated detector) — RingScope');
    expect(recent.list()).toEqual([muon]);
    expect(ui.osRecent).toEqual([muon]);
    expect(ui.recentSent.at(-1)).toEqual([muon]);
    expect(JSON.parse(readFileSync(join(dir, 'recent-files.json'), 'utf8')).files).toEqual([muon]);
    expect(ui.item('run-start').enabled).toBe(true);
    expect(ui.item('file-recent-0').command).toEqual({ kind: 'open-recent', path: muon });

    // File commands go to the window now that it has a port.
    for (const kind of ['new', 'open', 'save', 'save-as'] as const) await controller.handle({ kind });
    await controller.handle({ kind: 'open-recent', path: muon });
    const counting = controller.examples().find((e) => e.path.endsWith(join('counting', 'setup.yaml')))!;
    await controller.handle({ kind: 'open-example', path: counting.path });
    expect(ui.fileMenu.slice(1)).toEqual([
      { kind: 'new' },
      { kind: 'open' },
      { kind: 'save' },
      { kind: 'save-as' },
      { kind: 'open-path', path: muon },
      { kind: 'open-path', path: counting.path },
    ]);
    await controller.handle({ kind: 'clear-recent' });
    expect(recent.list()).toEqual([]);
    expect(ui.osRecent).toEqual([]);
    win.close();
  });

  it('answers the editor’s dialogs natively: Open from the setup’s folder, Save never inside the examples, yes/no questions', async () => {
    const { controller, ui, supervisor, dir } = app('dialogs');
    await controller.start();
    await controller.openSetup(muon);
    ui.paths.push('/lab/chosen.yaml');
    expect(await controller.chooseOpenPath()).toBe('/lab/chosen.yaml');
    expect(supervisor.setupPath).toBe(muon);

    ui.paths.push('/lab/copy.yaml', null, null);
    expect(await controller.chooseSavePath('muon.yaml')).toBe('/lab/copy.yaml');
    expect(await controller.chooseSavePath('examples/muon/setup.yaml')).toBeNull();
    expect(await controller.chooseSavePath('lab/spin.yaml')).toBeNull();
    expect(ui.saveDialogStarts).toEqual([
      join(dir, 'Documents', 'RingScope', 'muon.yaml'),
      join(dir, 'Documents', 'RingScope', 'muon', 'setup.yaml'),
      join(root, 'lab', 'spin.yaml'),
    ]);

    ui.buttons.push(0, 1);
    expect(await controller.confirm({ message: 'Discard?', confirm: 'Discard Changes' })).toBe(true);
    expect(await controller.confirm({ message: 'Replace?' })).toBe(false);
    expect(ui.dialogs.at(-2)).toMatchObject({ type: 'question', message: 'Discard?', buttons: ['Discard Changes', 'Cancel'], defaultId: 0, cancelId: 1 });
  });

  it('hands Run-menu commands to the window, changes theme and output folder, and applies the folder at Start', async () => {
    const { controller, ui, settings, windowClient, engines, report } = app('commands');
    await controller.start();
    controller.connectWindow();
    const win = windowClient();
    await win.ready();
    await controller.openSetup(muon);

    await controller.handle({ kind: 'run', action: 'start' });
    await controller.handle({ kind: 'run', action: 'pause-resume' });
    expect(ui.runMenu).toEqual(['start', 'pause-resume']);

    await controller.handle({ kind: 'theme', theme: 'dark' });
    expect(ui.theme).toBe('dark');
    expect(settings.get().theme).toBe('dark');
    expect(ui.item('view-theme-dark').checked).toBe(true);
    // The window's own theme switch reports to main; the same theme again changes nothing.
    controller.setTheme('light');
    expect(settings.get().theme).toBe('light');
    expect(ui.item('view-theme-light').checked).toBe(true);
    ui.theme = null;
    controller.setTheme('light');
    expect(ui.theme).toBeNull();

    ui.paths.push('/data/runs');
    await controller.handle({ kind: 'choose-output' });
    expect(settings.get().outputDirectory).toBe('/data/runs');
    expect(ui.item('file-output-reset').enabled).toBe(true);
    await win.request({ type: 'start' });
    const options = (engines.at(-1) as unknown as { options: StartOptions }).options;
    expect(options.outputDirectory).toBe('/data/runs');
    await report(win);
    // The Run files panel's Show in Folder: files of a run this engine reported, nothing else.
    mkdirSync('/tmp/fake-target/setup_run', { recursive: true });
    writeFileSync('/tmp/fake-target/setup_run/events.csv', 'x\n');
    expect(controller.showRunFile('/tmp/fake-target/setup_run/events.csv')).toBe(true);
    expect(controller.showRunFile('/tmp/fake-target/setup_run/../../../etc/passwd')).toBe(false);
    expect(controller.showRunFile('/etc/passwd')).toBe(false);
    expect(controller.showRunFile('/tmp/fake-target/setup_run/missing.csv')).toBe(false);
    expect(ui.shownItems).toEqual(['/tmp/fake-target/setup_run/events.csv']);
    expect(ui.item('run-start').enabled).toBe(false);
    expect(ui.item('file-open').enabled).toBe(false);
    // Opening during a run explains itself instead.
    expect(await controller.openSetup(muon)).toBe(false);
    expect(ui.dialogs.at(-1)).toMatchObject({ type: 'error', detail: 'Stop the run before opening another setup.' });
    await win.request({ type: 'stop' });

    await controller.handle({ kind: 'reset-output' });
    expect(settings.get().outputDirectory).toBeNull();
    await win.request({ type: 'start' });
    expect((engines.at(-1) as unknown as { options: StartOptions }).options.outputDirectory).toBeUndefined();
    await win.request({ type: 'stop' });

    await controller.handle({ kind: 'show-examples-folder' });
    expect(ui.shown).toEqual([join(root, 'examples')]);
    await controller.handle({ kind: 'about' });
    expect(ui.dialogs.at(-1)).toMatchObject({ title: 'About RingScope', message: 'RingScope 0.0.1' });
    expect(ui.dialogs.at(-1)!.detail).toContain('Engine: its own utility process');
    expect(ui.dialogs.at(-1)!.detail).toContain('Electron 45.4.1');
    win.close();
  });

  it('quitting during a run asks, stops the run gracefully, closes the engine, then quits', async () => {
    const { controller, ui, supervisor, windowClient, engines, report } = app('quit');
    await controller.start();
    controller.connectWindow();
    const win = windowClient();
    await win.ready();
    await controller.openSetup(muon);
    await win.request({ type: 'start' });
    await report(win);
    expect(supervisor.client!.state).toBe('running');

    // Cancel keeps everything running.
    ui.buttons.push(1);
    const asked = ui.nextDialog();
    expect(controller.requestQuit()).toBe(false);
    expect(await asked).toEqual(STOP_DIALOG);
    await Promise.resolve();
    expect(supervisor.state).toBe('running');
    expect(ui.quits).toBe(0);

    // Stop and quit: the run ends through the graceful stop, then the app quits.
    const ended = nextEvent(win, 'run_ended');
    // Asking again while the run is being stopped offers to abort (default: keep waiting).
    const again: boolean[] = [];
    supervisor.onStatus((s) => {
      if (s.state !== 'stopping') return;
      ui.buttons.push(0);
      again.push(controller.requestQuit());
    });
    const before = ui.dialogs.length;
    ui.buttons.push(0);
    expect(controller.requestQuit()).toBe(false);
    expect((await ended).summary.end_reason).toBe('stop');
    expect(engines.at(-1)!.calls).toContain('stop');
    await ui.quit;
    expect(supervisor.state).toBe('stopped');
    expect(again).toEqual([false]);
    expect(ui.dialogs.slice(before)).toEqual([STOP_DIALOG, ABORT_DIALOG]);
    expect(ui.statuses.map((s) => s.state).slice(-2)).toEqual(['stopping', 'stopped']);
    expect(controller.requestQuit()).toBe(true);
  });

  it('quits after closing an idle engine, and at once when the engine is gone', async () => {
    const a = app('quit-idle');
    await a.controller.start();
    const stopped = new Promise<void>((ok) => a.supervisor.onStatus((s) => s.state === 'stopped' && ok()));
    expect(a.controller.requestQuit()).toBe(false);
    await stopped;
    await Promise.resolve();
    expect(a.ui.quits).toBe(1);
    expect(a.ui.dialogs).toEqual([]);
    expect(a.controller.requestQuit()).toBe(true);

    const b = app('quit-crashed');
    await b.controller.start();
    const exited = new Promise<void>((ok) => b.supervisor.onStatus((s) => s.state === 'exited' && ok()));
    b.supervisor.kill();
    await exited;
    expect(b.controller.requestQuit()).toBe(true);
  });

  it('asks before losing unsaved setup edits, then quits (and lets the window unload)', async () => {
    const { controller, ui } = app('quit-unsaved');
    await controller.start();
    controller.connectWindow();
    controller.setDocumentEdited(true);
    expect(ui.edited.at(-1)).toBe(true);
    expect(controller.unloadAllowed()).toBe(false);

    ui.buttons.push(1);
    const cancelled = ui.nextDialog();
    expect(controller.requestQuit()).toBe(false);
    expect(await cancelled).toEqual(DISCARD_DIALOG);
    await Promise.resolve();
    expect(ui.quits).toBe(0);

    ui.buttons.push(0);
    const asked = ui.nextDialog();
    expect(controller.requestQuit()).toBe(false);
    await asked;
    await ui.quit;
    expect(controller.unloadAllowed()).toBe(true);
    expect(controller.requestQuit()).toBe(true);
    // Saving in between clears the question: edits saved, nothing to lose.
    const b = app('quit-saved');
    await b.controller.start();
    b.controller.setDocumentEdited(true);
    b.controller.setDocumentEdited(false);
    expect(b.controller.requestQuit()).toBe(false);
    await b.ui.quit;
    expect(b.ui.dialogs).toEqual([]);
  });

  it('after an unexpected engine exit: tells the window, refuses opens, and restarts with the setup and a new port', async () => {
    const { controller, ui, supervisor, windowClient } = app('crash');
    await controller.start();
    controller.connectWindow();
    let win = windowClient();
    await win.ready();
    await controller.openSetup(muon);
    const closed = new Promise<void>((ok) => win.onClose(ok));
    supervisor.kill();
    await closed;
    const status = ui.statuses.at(-1)!;
    expect(status).toMatchObject({ state: 'exited', host: 'utility', code: null });
    expect(status.state === 'exited' && status.reason).toBe('The engine stopped after an error: The engine was stopped by the user. Data already written to disk is kept.');
    expect(ui.item('run-restart-engine').enabled).toBe(true);
    expect(ui.item('file-open').enabled).toBe(false);
    expect(await controller.openSetup(muon)).toBe(false);
    expect(ui.dialogs.at(-1)!.detail).toContain('The engine is not running. Restart it');

    const ports = ui.ports.length;
    await controller.handle({ kind: 'restart-engine' });
    expect(supervisor.state).toBe('running');
    expect(ui.ports.length).toBe(ports + 1);
    win = windowClient();
    await win.ready();
    expect(win.setup?.path).toBe('examples/muon/setup.yaml');
    expect(ui.item('run-restart-engine').enabled).toBe(false);
    win.close();
  });
});
