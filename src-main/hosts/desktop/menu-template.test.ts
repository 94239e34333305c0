import { describe, expect, it } from 'vitest';
import { ACCELERATORS, buildMenu, displayPath, findMenuItem, menuLabel, type MenuItemSpec, type MenuState } from './menu-template';

const base: MenuState = {
  platform: 'linux',
  appName: 'RingScope',
  dev: false,
  engine: 'running',
  run: 'idle',
  setup: { path: '/home/ana/lab/muon/setup.yaml', runnable: true },
  recent: ['/home/ana/lab/muon/setup.yaml', '/data/R&D/setup.yaml'],
  examples: [
    { title: 'Counting', path: '/app/examples/counting/setup.yaml' },
    { title: 'Muon lifetime', path: '/app/examples/muon/setup.yaml' },
  ],
  outputDirectory: null,
  theme: 'system',
  home: '/home/ana',
};

const item = (m: MenuItemSpec[], id: string) => {
  const found = findMenuItem(m, id);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
};
const labels = (m: MenuItemSpec[]) => m.map((i) => i.label ?? i.role);

describe('buildMenu', () => {
  it('has File, Edit, Run, View and Help with the commands and shortcuts of the issue', () => {
    const m = buildMenu(base);
    expect(labels(m)).toEqual(['&File', '&Edit', '&Run', '&View', '&Help']);
    const file = item(m, 'file').submenu!.filter((i) => i.type !== 'separator');
    expect(labels(file)).toEqual(['New', 'Open…', 'Open Recent', 'Save', 'Save As…', 'Choose Output Folder…', 'Use Each Setup’s Output Folder', 'Quit']);
    expect(item(m, 'file-new').accelerator).toBe('CmdOrCtrl+N');
    expect(item(m, 'file-open').accelerator).toBe('CmdOrCtrl+O');
    expect(item(m, 'file-save').accelerator).toBe('CmdOrCtrl+S');
    expect(item(m, 'file-save-as').accelerator).toBe('CmdOrCtrl+Shift+S');
    expect(item(m, 'file-quit').role).toBe('quit');
    expect(labels(item(m, 'run').submenu!.filter((i) => i.type !== 'separator'))).toEqual(['Start', 'Pause', 'Stop', 'Restart Engine']);
    expect(item(m, 'run-start').accelerator).toBe(ACCELERATORS.start);
    expect(labels(item(m, 'view-theme').submenu!)).toEqual(['Follow System', 'Light', 'Dark']);
    expect(item(m, 'view-zoom-in').role).toBe('zoomIn');
    expect(item(m, 'view-zoom-out').role).toBe('zoomOut');
    expect(item(m, 'view-zoom-reset').role).toBe('resetZoom');
    expect(labels(item(m, 'help').submenu!.filter((i) => i.type !== 'separator'))).toEqual(['Open Example', 'Show Examples Folder', 'About RingScope']);
    expect(item(m, 'help-about').command).toEqual({ kind: 'about' });
    // Developer items only in development builds.
    expect(findMenuItem(item(m, 'view').submenu!, 'toggleDevTools')).toBeNull();
    expect(item(buildMenu({ ...base, dev: true }), 'view').submenu!.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('lists recent files (home as ~, & kept literal) and the examples, as open commands', () => {
    const m = buildMenu(base);
    expect(item(m, 'file-recent-0')).toMatchObject({ label: '~/lab/muon/setup.yaml', enabled: true, command: { kind: 'open-recent', path: '/home/ana/lab/muon/setup.yaml' } });
    expect(item(m, 'file-recent-1').label).toBe('/data/R&&D/setup.yaml');
    expect(item(m, 'file-clear-recent')).toMatchObject({ enabled: true, command: { kind: 'clear-recent' } });
    expect(item(m, 'help-example-1')).toMatchObject({ label: 'Muon lifetime', command: { kind: 'open-example', path: '/app/examples/muon/setup.yaml' } });
    const empty = buildMenu({ ...base, recent: [], examples: [] });
    expect(item(empty, 'file-recent-none').enabled).toBe(false);
    expect(item(empty, 'file-clear-recent').enabled).toBe(false);
    expect(item(empty, 'help-example-none').enabled).toBe(false);
    expect(item(empty, 'help-examples-folder').enabled).toBe(false);
  });

  it('enables run commands by run state, and labels Pause/Resume by it', () => {
    const at = (run: MenuState['run']) => buildMenu({ ...base, run });
    const enabled = (m: MenuItemSpec[]) => ({
      start: item(m, 'run-start').enabled,
      pause: item(m, 'run-pause-resume').enabled,
      stop: item(m, 'run-stop').enabled,
      open: item(m, 'file-open').enabled,
      recent: item(m, 'file-recent-0').enabled,
      save: item(m, 'file-save').enabled,
    });
    expect(enabled(at('idle'))).toEqual({ start: true, pause: false, stop: false, open: true, recent: true, save: true });
    expect(enabled(at('running'))).toEqual({ start: false, pause: true, stop: true, open: false, recent: false, save: true });
    expect(item(at('running'), 'run-pause-resume').label).toBe('Pause');
    expect(item(at('paused'), 'run-pause-resume').label).toBe('Resume');
    expect(enabled(at('paused'))).toMatchObject({ start: false, pause: true, stop: true });
    expect(enabled(at('stopping'))).toMatchObject({ start: false, pause: false, stop: false, open: false });
    expect(enabled(at('ended'))).toMatchObject({ start: true, open: true });
    // A setup with errors cannot start; New and Save go to the window's editor whenever the engine runs.
    expect(item(buildMenu({ ...base, setup: { path: '/x.yaml', runnable: false } }), 'run-start').enabled).toBe(false);
    expect(item(buildMenu({ ...base, setup: null }), 'file-save').enabled).toBe(true);
    expect(item(at('running'), 'file-new').enabled).toBe(true);
  });

  it('disables engine commands while the engine is down, and offers its restart only then', () => {
    const down = buildMenu({ ...base, engine: 'exited' });
    for (const id of ['run-start', 'file-open', 'file-new', 'file-save', 'file-save-as', 'file-recent-0', 'help-example-0']) expect(item(down, id).enabled, id).toBe(false);
    expect(item(down, 'run-restart-engine').enabled).toBe(true);
    expect(item(buildMenu(base), 'run-restart-engine').enabled).toBe(false);
    expect(item(buildMenu({ ...base, engine: 'starting' }), 'file-open').enabled).toBe(false);
  });

  it('checks the theme in use and shows the chosen output folder', () => {
    const m = buildMenu({ ...base, theme: 'dark', outputDirectory: '/home/ana/runs' });
    expect(item(m, 'view-theme').submenu!.map((i) => [i.type, i.checked])).toEqual([
      ['radio', false],
      ['radio', false],
      ['radio', true],
    ]);
    expect(item(m, 'view-theme-light').command).toEqual({ kind: 'theme', theme: 'light' });
    expect(item(m, 'file-output-reset')).toMatchObject({ enabled: true, label: 'Use Each Setup’s Output Folder (now ~/runs)', command: { kind: 'reset-output' } });
    expect(item(buildMenu(base), 'file-output-reset').enabled).toBe(false);
  });

  it('follows macOS conventions: an app menu with About and Quit, a Window menu, no mnemonics', () => {
    const m = buildMenu({ ...base, platform: 'darwin' });
    expect(labels(m)).toEqual(['RingScope', 'File', 'Edit', 'Run', 'View', 'windowMenu', 'Help']);
    expect(item(m, 'app-about').command).toEqual({ kind: 'about' });
    expect(item(m, 'app-quit').role).toBe('quit');
    expect(findMenuItem(m, 'file-quit')).toBeNull();
    expect(findMenuItem(m, 'help-about')).toBeNull();
    expect(item(m, 'file-recent-1').label).toBe('/data/R&D/setup.yaml');
  });
});

describe('labels', () => {
  it('doubles & except on macOS, and shortens the home folder', () => {
    expect(menuLabel('R&D', 'win32')).toBe('R&&D');
    expect(menuLabel('R&D', 'darwin')).toBe('R&D');
    expect(displayPath('/home/ana/x.yaml', '/home/ana/')).toBe('~/x.yaml');
    expect(displayPath('/home/anabel/x.yaml', '/home/ana')).toBe('/home/anabel/x.yaml');
    expect(displayPath('C:\\Users\\ana\\x.yaml', 'C:\\Users\\ana')).toBe('~\\x.yaml');
  });
});
