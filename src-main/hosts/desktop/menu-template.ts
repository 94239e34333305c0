// The application menu as plain data, built from the app's state: which items
// exist, their shortcuts, and which are enabled right now. ./electron turns
// it into Electron's Menu and routes each item's `command` to the controller.
// Role names are Electron's menu roles.
import { isActive } from '../../../src-shared/bridge/protocol';
import type { ExampleSetup, ThemeSource } from '../../../src-shared/desktop/api';
import type { RunState } from '../../../src-shared/engine/status';
import type { SupervisorState } from './engine-supervisor';

/** What a menu item does (items with a role do Electron's built-in thing instead). */
export type MenuCommand =
  | { kind: 'new' }
  | { kind: 'open' }
  | { kind: 'open-recent'; path: string }
  | { kind: 'clear-recent' }
  | { kind: 'save' }
  | { kind: 'save-as' }
  | { kind: 'choose-output' }
  | { kind: 'reset-output' }
  | { kind: 'run'; action: 'start' | 'pause-resume' | 'stop' }
  | { kind: 'restart-engine' }
  | { kind: 'theme'; theme: ThemeSource }
  | { kind: 'open-example'; path: string }
  | { kind: 'show-examples-folder' }
  | { kind: 'about' };

export type MenuRole =
  | 'about' | 'services' | 'hide' | 'hideOthers' | 'unhide' | 'quit'
  | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll'
  | 'reload' | 'forceReload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen'
  | 'windowMenu' | 'minimize' | 'close';

export interface MenuItemSpec {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
  role?: MenuRole;
  accelerator?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: MenuItemSpec[];
  command?: MenuCommand;
}

export interface MenuState {
  platform: string;
  appName: string;
  /** Development build: reload and developer tools in View. */
  dev: boolean;
  engine: SupervisorState;
  run: RunState;
  /** The loaded setup (absolute path), if any. */
  setup: { path: string; runnable: boolean } | null;
  recent: readonly string[];
  examples: readonly ExampleSetup[];
  outputDirectory: string | null;
  theme: ThemeSource;
  /** The user's home folder, shown as ~ in paths. */
  home?: string;
}

/** Accelerators of the commands (CmdOrCtrl is Cmd on macOS). */
export const ACCELERATORS = {
  new: 'CmdOrCtrl+N',
  open: 'CmdOrCtrl+O',
  save: 'CmdOrCtrl+S',
  saveAs: 'CmdOrCtrl+Shift+S',
  start: 'F5',
  pauseResume: 'F6',
  stop: 'Shift+F5',
} as const;

const SEPARATOR: MenuItemSpec = { type: 'separator' };

/** A label shown literally: on Windows and Linux `&` marks a mnemonic, so it is doubled. */
export function menuLabel(text: string, platform: string): string {
  return platform === 'darwin' ? text : text.replace(/&/g, '&&');
}

/** A path for display, with the home folder as ~. */
export function displayPath(path: string, home?: string): string {
  if (!home) return path;
  const h = home.replace(/[\\/]+$/, '');
  if (path === h) return '~';
  if (path.startsWith(h + '/') || path.startsWith(h + '\\')) return '~' + path.slice(h.length);
  return path;
}

/** The whole application menu for this state. */
export function buildMenu(s: MenuState): MenuItemSpec[] {
  const mac = s.platform === 'darwin';
  const engineUp = s.engine === 'running';
  const active = isActive(s.run);
  const canOpen = engineUp && !active;
  const label = (t: string) => menuLabel(t, s.platform);

  const recentItems: MenuItemSpec[] = s.recent.map((path, i) => ({
    id: `file-recent-${i}`,
    label: label(displayPath(path, s.home)),
    enabled: canOpen,
    command: { kind: 'open-recent', path },
  }));
  const openRecent: MenuItemSpec = {
    id: 'file-open-recent',
    label: 'Open Recent',
    type: 'submenu',
    submenu: [
      ...(recentItems.length ? recentItems : [{ id: 'file-recent-none', label: 'No Recent Setups', enabled: false }]),
      SEPARATOR,
      { id: 'file-clear-recent', label: 'Clear Recently Opened', enabled: s.recent.length > 0, command: { kind: 'clear-recent' } },
    ],
  };

  const file: MenuItemSpec = {
    id: 'file',
    label: mac ? 'File' : '&File',
    type: 'submenu',
    submenu: [
      // The window's setup editor performs these (a new setup is only text until saved or started).
      { id: 'file-new', label: 'New', accelerator: ACCELERATORS.new, enabled: engineUp, command: { kind: 'new' } },
      { id: 'file-open', label: 'Open…', accelerator: ACCELERATORS.open, enabled: canOpen, command: { kind: 'open' } },
      openRecent,
      SEPARATOR,
      { id: 'file-save', label: 'Save', accelerator: ACCELERATORS.save, enabled: engineUp, command: { kind: 'save' } },
      { id: 'file-save-as', label: 'Save As…', accelerator: ACCELERATORS.saveAs, enabled: engineUp, command: { kind: 'save-as' } },
      SEPARATOR,
      { id: 'file-output', label: 'Choose Output Folder…', command: { kind: 'choose-output' } },
      {
        id: 'file-output-reset',
        label: s.outputDirectory ? label(`Use Each Setup’s Output Folder (now ${displayPath(s.outputDirectory, s.home)})`) : 'Use Each Setup’s Output Folder',
        enabled: s.outputDirectory !== null,
        command: { kind: 'reset-output' },
      },
      ...(mac ? [] : [SEPARATOR, { id: 'file-quit', label: 'Quit', role: 'quit' as const, accelerator: 'CmdOrCtrl+Q' }]),
    ],
  };

  const edit: MenuItemSpec = {
    id: 'edit',
    label: mac ? 'Edit' : '&Edit',
    type: 'submenu',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      SEPARATOR,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };

  const run: MenuItemSpec = {
    id: 'run',
    label: mac ? 'Run' : '&Run',
    type: 'submenu',
    submenu: [
      {
        id: 'run-start',
        label: 'Start',
        accelerator: ACCELERATORS.start,
        enabled: engineUp && (s.setup?.runnable ?? false) && !active,
        command: { kind: 'run', action: 'start' },
      },
      {
        id: 'run-pause-resume',
        label: s.run === 'paused' ? 'Resume' : 'Pause',
        accelerator: ACCELERATORS.pauseResume,
        enabled: engineUp && (s.run === 'running' || s.run === 'paused'),
        command: { kind: 'run', action: 'pause-resume' },
      },
      {
        id: 'run-stop',
        label: 'Stop',
        accelerator: ACCELERATORS.stop,
        enabled: engineUp && (s.run === 'running' || s.run === 'paused'),
        command: { kind: 'run', action: 'stop' },
      },
      SEPARATOR,
      { id: 'run-restart-engine', label: 'Restart Engine', enabled: s.engine === 'exited', command: { kind: 'restart-engine' } },
    ],
  };

  const themes: [ThemeSource, string][] = [
    ['system', 'Follow System'],
    ['light', 'Light'],
    ['dark', 'Dark'],
  ];
  const view: MenuItemSpec = {
    id: 'view',
    label: mac ? 'View' : '&View',
    type: 'submenu',
    submenu: [
      {
        id: 'view-theme',
        label: 'Theme',
        type: 'submenu',
        submenu: themes.map(([theme, text]) => ({
          id: `view-theme-${theme}`,
          label: text,
          type: 'radio' as const,
          checked: s.theme === theme,
          command: { kind: 'theme' as const, theme },
        })),
      },
      SEPARATOR,
      { id: 'view-zoom-reset', role: 'resetZoom', label: 'Actual Size' },
      { id: 'view-zoom-in', role: 'zoomIn', label: 'Zoom In' },
      { id: 'view-zoom-out', role: 'zoomOut', label: 'Zoom Out' },
      SEPARATOR,
      { role: 'togglefullscreen' },
      ...(s.dev ? [SEPARATOR, { role: 'reload' as const }, { role: 'forceReload' as const }, { role: 'toggleDevTools' as const }] : []),
    ],
  };

  const exampleItems: MenuItemSpec[] = s.examples.map((e, i) => ({
    id: `help-example-${i}`,
    label: label(e.title),
    enabled: canOpen,
    command: { kind: 'open-example', path: e.path },
  }));
  const help: MenuItemSpec = {
    id: 'help',
    label: mac ? 'Help' : '&Help',
    type: 'submenu',
    submenu: [
      {
        id: 'help-examples',
        label: 'Open Example',
        type: 'submenu',
        submenu: exampleItems.length ? exampleItems : [{ id: 'help-example-none', label: 'No Examples Found', enabled: false }],
      },
      { id: 'help-examples-folder', label: 'Show Examples Folder', enabled: s.examples.length > 0, command: { kind: 'show-examples-folder' } },
      ...(mac ? [] : [SEPARATOR, { id: 'help-about', label: `About ${s.appName}`, command: { kind: 'about' as const } }]),
    ],
  };

  const menus = [file, edit, run, view];
  if (mac) {
    const appMenu: MenuItemSpec = {
      id: 'app',
      label: s.appName,
      type: 'submenu',
      submenu: [
        { id: 'app-about', label: `About ${s.appName}`, command: { kind: 'about' } },
        SEPARATOR,
        { role: 'services' },
        SEPARATOR,
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        SEPARATOR,
        { id: 'app-quit', role: 'quit', label: `Quit ${s.appName}` },
      ],
    };
    return [appMenu, ...menus, { id: 'window', role: 'windowMenu' }, help];
  }
  return [...menus, help];
}

/** Finds a menu item by id anywhere in the tree. */
export function findMenuItem(items: readonly MenuItemSpec[], id: string): MenuItemSpec | null {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = item.submenu ? findMenuItem(item.submenu, id) : null;
    if (inner) return inner;
  }
  return null;
}
