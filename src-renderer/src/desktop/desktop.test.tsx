// @vitest-environment jsdom
// The window's Electron-only parts with a stand-in for the preload's API.
import '../../../test/support/renderer/jsdom-stubs';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfirmRequest, DesktopApi, EngineStatus, ExampleSetup, FileMenuAction, RunMenuAction, ThemeSource } from '../../../src-shared/desktop/api';
import { setThemeSource } from '../look/theme';
import { App } from '../App';
import { hello, status } from '../../../test/support/renderer/fixtures';
import { mount, type Mounted } from '../../../test/support/renderer/render';
import { DesktopProvider } from './DesktopContext';
import { createDesktop, type Desktop } from './state';
import { fileMenuAction, runMenuAction, wireDesktop } from './wire';

class FakeApi implements DesktopApi {
  readonly host = 'electron' as const;
  readonly platform = 'linux';
  calls: string[] = [];
  recent = ['/home/ana/lab/muon/setup.yaml'];
  exampleList: ExampleSetup[] = [{ title: 'Muon lifetime', path: '/app/examples/muon/setup.yaml' }];
  openAnswer: string | null = null;
  saveAnswer: string | null = null;
  confirmAnswer = true;
  confirms: ConfirmRequest[] = [];
  edited: boolean[] = [];
  themes: ThemeSource[] = [];
  private readonly listeners: Record<string, Set<(v: never) => void>> = {};
  private on<T>(name: string, l: (v: T) => void): () => void {
    (this.listeners[name] ??= new Set()).add(l as (v: never) => void);
    return () => this.listeners[name].delete(l as (v: never) => void);
  }
  emit(name: 'engine' | 'recent' | 'run' | 'file' | 'theme', value: unknown): void {
    for (const l of this.listeners[name] ?? []) (l as (v: unknown) => void)(value);
  }
  connectEngine() {
    this.calls.push('connect');
  }
  onEngineStatus = (l: (s: EngineStatus) => void) => this.on('engine', l);
  restartEngine = async () => {
    this.calls.push('restart');
  };
  chooseOpenPath = async () => {
    this.calls.push('open-dialog');
    return this.openAnswer;
  };
  chooseSavePath = async (suggested: string) => {
    this.calls.push(`save-dialog ${suggested}`);
    return this.saveAnswer;
  };
  confirm = async (req: ConfirmRequest) => {
    this.confirms.push(req);
    return this.confirmAnswer;
  };
  setDocumentEdited = (e: boolean) => void this.edited.push(e);
  setTheme = (t: ThemeSource) => void this.themes.push(t);
  recentFiles = async () => this.recent;
  onRecentFiles = (l: (f: string[]) => void) => this.on('recent', l);
  examples = async () => this.exampleList;
  onRunMenu = (l: (a: RunMenuAction) => void) => this.on('run', l);
  onFileMenu = (l: (a: FileMenuAction) => void) => this.on('file', l);
  onTheme = (l: (t: ThemeSource) => void) => this.on('theme', l);
  shownInFolder: string[] = [];
  showInFolder = (p: string) => void this.shownInFolder.push(p);
}

let m: Mounted | null = null;
let desktop: Desktop | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
  desktop?.dispose();
  desktop = null;
});

async function mountApp(api: FakeApi, events = [hello({ setup: null })]) {
  desktop = createDesktop(api);
  m = await mount(
    <DesktopProvider desktop={desktop}>
      <App />
    </DesktopProvider>,
    events,
  );
  // recentFiles() and examples() answer asynchronously.
  await act(async () => {
    await Promise.resolve();
  });
  return m;
}

describe('the desktop start panel', () => {
  it('offers Open…, New, recent setups and examples (the editor’s actions, native dialogs) instead of a path field', async () => {
    const api = new FakeApi();
    const w = await mountApp(api);
    const unwire = wireDesktop(desktop!, w.store);
    expect(w.container.querySelector('.open-setup input')).toBeNull();
    expect(w.container.querySelector('[data-testid=recent-setup]')!.textContent).toBe('muon/setup.yaml');
    expect(w.container.querySelector('[data-testid=example-setup]')!.textContent).toBe('Muon lifetime');

    api.openAnswer = '/lab/chosen.yaml';
    await w.click('Open…');
    expect(api.calls).toContain('open-dialog');
    expect(w.bridge.of('open').map((c) => c.path)).toEqual(['/lab/chosen.yaml']);
    await act(async () => {
      (w.container.querySelector('[data-testid=example-setup]') as HTMLButtonElement).click();
    });
    expect(w.bridge.of('open').map((c) => c.path)).toEqual(['/lab/chosen.yaml', '/app/examples/muon/setup.yaml']);
    await w.click('New');
    expect(w.store.getState().editorDoc).toMatchObject({ untitled: true });

    await act(async () => api.emit('recent', []));
    expect(w.container.querySelector('[data-testid=recent-setup]')).toBeNull();
    unwire();
  });
});

describe('the run files panel in the desktop app', () => {
  it('offers Show in folder for each export (main checks the path), with no download links', async () => {
    const api = new FakeApi();
    const runFiles = {
      run_directory: '/home/ana/RingScope/runs/muon_1',
      files: [
        { path: 'accepted_waveforms.parquet/part-0000.parquet', size: 1000 },
        { path: 'pulse_parameters.csv', size: 200 },
      ],
      total: 1200,
      growth: null,
      active: false,
    };
    const w = await mountApp(api, [hello({ runFiles })]);
    expect(w.container.querySelector('[data-testid=run-file-link]')).toBeNull();
    const buttons = [...w.container.querySelectorAll('[data-testid=show-in-folder]')] as HTMLButtonElement[];
    expect(buttons).toHaveLength(2);
    await act(async () => buttons.forEach((b) => b.click()));
    expect(api.shownInFolder).toEqual(['/home/ana/RingScope/runs/muon_1/accepted_waveforms.parquet', '/home/ana/RingScope/runs/muon_1/pulse_parameters.csv']);
  });
});

describe('the engine notice', () => {
  it('after an unexpected exit shows main’s reason and restarts on request; no "Reconnecting…"', async () => {
    const api = new FakeApi();
    const w = await mountApp(api);
    expect(w.container.querySelector('[data-testid=engine-exited]')).toBeNull();
    const reason = 'The engine process ended unexpectedly (exit code 9). Data already written to disk is kept.';
    await act(async () => api.emit('engine', { state: 'exited', host: 'utility', code: 9, reason }));
    await act(async () => w.bridge.connect('closed', reason));
    expect(w.container.querySelector('[data-testid=engine-exited] span')!.textContent).toBe(reason);
    expect(w.container.textContent).not.toContain('Reconnecting');
    await w.click('Restart engine');
    expect(api.calls).toContain('restart');
    await act(async () => api.emit('engine', { state: 'running', host: 'utility' }));
    expect(w.container.querySelector('[data-testid=engine-exited]')).toBeNull();
  });

  it('says that the data is being written while quitting during a run', async () => {
    const api = new FakeApi();
    const w = await mountApp(api);
    await act(async () => api.emit('engine', { state: 'stopping', host: 'utility' }));
    expect(w.container.querySelector('[data-testid=engine-stopping]')!.textContent).toContain('the run is being stopped');
  });
});

describe('menus, dialogs, unsaved state and theme', () => {
  it('runs the Run menu through the store like the buttons', async () => {
    const api = new FakeApi();
    desktop = createDesktop(api);
    m = await mount(<App />, [hello(), { type: 'status', seq: 2, status: status({ state: 'idle' }) }]);
    const unwire = wireDesktop(desktop, m.store);
    await act(async () => api.emit('run', 'start'));
    expect(m.bridge.of('start')).toHaveLength(1);
    await m.emit({ type: 'status', seq: 3, status: status({ state: 'running' }) });
    await act(async () => api.emit('run', 'pause-resume'));
    expect(m.bridge.of('pause')).toHaveLength(1);
    await m.emit({ type: 'status', seq: 4, status: status({ state: 'paused' }) });
    await act(() => runMenuAction(m!.store, 'pause-resume'));
    expect(m.bridge.of('resume')).toHaveLength(1);
    await act(() => runMenuAction(m!.store, 'stop'));
    expect(m.bridge.of('stop')).toHaveLength(1);
    unwire();
    await act(async () => api.emit('run', 'start'));
    expect(m.bridge.of('start')).toHaveLength(1);
  });

  it('performs File commands with the editor: native Save dialog, overwrite already confirmed there, discard asked natively', async () => {
    const api = new FakeApi();
    desktop = createDesktop(api);
    m = await mount(<App />, [hello()]);
    const unwire = wireDesktop(desktop, m.store);
    // A file handed to the app waits for the connection, then opens.
    await act(async () => {
      m!.bridge.connect('connecting');
      api.emit('file', { kind: 'open-path', path: '/lab/a.yaml' });
    });
    expect(m.bridge.of('open')).toHaveLength(0);
    await act(async () => m!.bridge.connect('open'));
    await act(async () => undefined);
    expect(m.bridge.of('open').map((c) => c.path)).toEqual(['/lab/a.yaml']);

    // New, edit (the window reports unsaved changes), Save As through the native dialog.
    await act(() => fileMenuAction(m!.store, { kind: 'new' }));
    expect(api.edited.at(-1)).toBe(false);
    await act(async () => m!.store.getState().editorSetText('title: changed\n'));
    expect(api.edited.at(-1)).toBe(true);
    api.saveAnswer = '/lab/new.yaml';
    let refuse = true;
    m.bridge.answer = (cmd) =>
      cmd.type === 'save_setup' && refuse && !cmd.overwrite ? ((refuse = false), { ok: false, message: 'exists', code: 'exists' } as never) : { ok: true };
    await act(async () => api.emit('file', { kind: 'save-as' }));
    await act(async () => undefined);
    expect(api.calls).toContain('save-dialog new-setup.yaml');
    const saves = m.bridge.of('save_setup');
    expect(saves.map((c) => [c.path, c.overwrite ?? false])).toEqual([
      ['/lab/new.yaml', false],
      ['/lab/new.yaml', true],
    ]);
    expect(api.confirms).toEqual([]);

    // Opening another setup with unsaved edits asks natively first.
    await act(async () => m!.store.getState().editorSetText('title: changed again\n'));
    api.confirmAnswer = false;
    await act(() => fileMenuAction(m!.store, { kind: 'open-path', path: '/lab/b.yaml' }));
    expect(api.confirms.at(-1)).toMatchObject({ confirm: 'Discard Changes' });
    expect(m.bridge.of('open').map((c) => c.path)).toEqual(['/lab/a.yaml']);
    unwire();
  });

  it('takes the theme from main and reports the window’s own choice back', async () => {
    const api = new FakeApi();
    desktop = createDesktop(api);
    m = await mount(<App />, [hello()]);
    const unwire = wireDesktop(desktop, m.store);
    // Nothing is reported before main has said which theme it keeps.
    await act(async () => setThemeSource('light'));
    expect(api.themes).toEqual([]);
    await act(async () => api.emit('theme', 'dark'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(api.themes).toEqual([]);
    await act(async () => setThemeSource('system'));
    expect(api.themes).toEqual(['system']);
    unwire();
  });
});
