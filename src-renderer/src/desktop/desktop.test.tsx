// @vitest-environment jsdom
// The window's Electron-only parts with a stand-in for the preload's API.
import '../test/jsdom-stubs';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DesktopApi, EngineStatus, ExampleSetup, RunMenuAction, ThemeSource } from '../../../src-shared/desktop/api';
import { App } from '../App';
import { hello, status } from '../test/fixtures';
import { mount, type Mounted } from '../test/render';
import { DesktopProvider } from './DesktopContext';
import { createDesktop, type Desktop } from './state';
import { runMenuAction, wireDesktop } from './wire';

class FakeApi implements DesktopApi {
  readonly host = 'electron' as const;
  readonly platform = 'linux';
  calls: string[] = [];
  recent = ['/home/ana/lab/muon/setup.yaml'];
  exampleList: ExampleSetup[] = [{ title: 'Muon lifetime', path: '/app/examples/muon/setup.yaml' }];
  refuse: string | null = null;
  private readonly listeners: Record<string, Set<(v: never) => void>> = {};
  private on<T>(name: string, l: (v: T) => void): () => void {
    (this.listeners[name] ??= new Set()).add(l as (v: never) => void);
    return () => this.listeners[name].delete(l as (v: never) => void);
  }
  emit(name: 'engine' | 'recent' | 'run' | 'theme', value: unknown): void {
    for (const l of this.listeners[name] ?? []) (l as (v: unknown) => void)(value);
  }
  connectEngine() {
    this.calls.push('connect');
  }
  onEngineStatus = (l: (s: EngineStatus) => void) => this.on('engine', l);
  restartEngine = async () => {
    this.calls.push('restart');
  };
  openSetupDialog = async () => {
    this.calls.push('open-dialog');
    return null;
  };
  newSetupDialog = async () => {
    this.calls.push('new-dialog');
    return null;
  };
  openSetup = async (path: string) => {
    this.calls.push(`open ${path}`);
    if (this.refuse) throw new Error(`Error invoking remote method 'ringscope:open-setup': Error: ${this.refuse}`);
  };
  recentFiles = async () => this.recent;
  onRecentFiles = (l: (f: string[]) => void) => this.on('recent', l);
  examples = async () => this.exampleList;
  onRunMenu = (l: (a: RunMenuAction) => void) => this.on('run', l);
  onTheme = (l: (t: ThemeSource) => void) => {
    l('system');
    return this.on('theme', l);
  };
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
  it('offers Open…, New…, recent setups and examples instead of a path field', async () => {
    const api = new FakeApi();
    const w = await mountApp(api);
    expect(w.container.querySelector('.open-setup input')).toBeNull();
    expect(w.container.querySelector('[data-testid=recent-setup]')!.textContent).toBe('muon/setup.yaml');
    expect(w.container.querySelector('[data-testid=example-setup]')!.textContent).toBe('Muon lifetime');
    await w.click('Open…');
    await w.click('New…');
    await act(async () => {
      (w.container.querySelector('[data-testid=example-setup]') as HTMLButtonElement).click();
    });
    expect(api.calls).toEqual(['open-dialog', 'new-dialog', 'open /app/examples/muon/setup.yaml']);

    api.refuse = 'Only recent setups and examples can be opened this way; use Open… for others.';
    await act(async () => {
      (w.container.querySelector('[data-testid=recent-setup]') as HTMLButtonElement).click();
    });
    expect(w.container.querySelector('.field-error')!.textContent).toBe(api.refuse);

    await act(async () => api.emit('recent', []));
    expect(w.container.querySelector('[data-testid=recent-setup]')).toBeNull();
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

describe('Run menu and theme', () => {
  it('runs the Run menu through the store like the buttons, and marks the theme on the page', async () => {
    const api = new FakeApi();
    desktop = createDesktop(api);
    m = await mount(<App />, [hello(), { type: 'status', seq: 2, status: status({ state: 'idle' }) }]);
    const root = document.createElement('html');
    const unwire = wireDesktop(desktop, m.store, root);
    expect(root.dataset.theme).toBe('system');
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
    await act(async () => api.emit('theme', 'dark'));
    expect(root.dataset.theme).toBe('dark');
    unwire();
    await act(async () => api.emit('run', 'start'));
    expect(m.bridge.of('start')).toHaveLength(1);
  });
});
