// The controller's native side: dialogs, the window's title and messages, the
// application menu, theme, and OS integration — each a direct Electron call.
import { app, type BrowserWindow, dialog, Menu, type MenuItemConstructorOptions, type MessagePortMain, nativeTheme, shell } from 'electron';
import { IPC, type EngineStatus, type FileMenuAction, type RunMenuAction, type ThemeSource } from '../../../../src-shared/desktop/api';
import type { DesktopUi } from '../controller';
import type { MenuCommand, MenuItemSpec } from '../menu-template';
import type { DialogSpec } from '../quit-policy';

const SETUP_FILTERS = [
  { name: 'Setup files', extensions: ['yaml', 'yml'] },
  { name: 'All files', extensions: ['*'] },
];

/** Converts the plain menu description to Electron's template; items with a command call `run`. */
export function toElectronMenu(items: MenuItemSpec[], run: (cmd: MenuCommand) => void): MenuItemConstructorOptions[] {
  return items.map(({ command, submenu, ...rest }) => ({
    ...rest,
    ...(submenu ? { submenu: toElectronMenu(submenu, run) } : {}),
    ...(command ? { click: () => run(command) } : {}),
  }));
}

export class ElectronUi implements DesktopUi<MessagePortMain> {
  /** Set by the app once the controller exists: where menu clicks go. */
  onMenuCommand: (cmd: MenuCommand) => void = () => undefined;
  private theme: ThemeSource = 'system';

  constructor(
    private readonly window: () => BrowserWindow | null,
    /** Focuses the window, creating it when there is none (macOS). */
    private readonly show: () => void,
  ) {}

  private win(): BrowserWindow | null {
    const w = this.window();
    return w && !w.isDestroyed() ? w : null;
  }

  private send(channel: string, ...args: unknown[]): void {
    const w = this.win();
    if (w && !w.webContents.isDestroyed()) w.webContents.send(channel, ...args);
  }

  async chooseSetupToOpen(defaultDir: string | null): Promise<string | null> {
    const opts = { title: 'Open Setup', defaultPath: defaultDir ?? undefined, properties: ['openFile' as const], filters: SETUP_FILTERS };
    const w = this.win();
    const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  }

  private async savePath(title: string, buttonLabel: string, defaultPath: string): Promise<string | null> {
    const opts = {
      title,
      buttonLabel,
      defaultPath,
      filters: SETUP_FILTERS,
      properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
    };
    const w = this.win();
    const r = w ? await dialog.showSaveDialog(w, opts) : await dialog.showSaveDialog(opts);
    return r.canceled || !r.filePath ? null : r.filePath;
  }

  chooseNewSetupPath(defaultPath: string): Promise<string | null> {
    return this.savePath('New Setup', 'Create', defaultPath);
  }

  chooseSaveAsPath(defaultPath: string): Promise<string | null> {
    return this.savePath('Save Setup As', 'Save', defaultPath);
  }

  async chooseOutputFolder(defaultPath: string | null): Promise<string | null> {
    const opts = {
      title: 'Choose Output Folder',
      buttonLabel: 'Choose',
      defaultPath: defaultPath ?? undefined,
      properties: ['openDirectory' as const, 'createDirectory' as const],
    };
    const w = this.win();
    const r = w ? await dialog.showOpenDialog(w, opts) : await dialog.showOpenDialog(opts);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  }

  async ask(spec: DialogSpec): Promise<number> {
    const opts = { ...spec, noLink: true };
    const w = this.win();
    const r = w ? await dialog.showMessageBox(w, opts) : await dialog.showMessageBox(opts);
    return r.response;
  }

  setTitle(title: string, setupPath: string | null): void {
    const w = this.win();
    if (!w) return;
    w.setTitle(title);
    if (process.platform === 'darwin') w.setRepresentedFilename(setupPath ?? '');
  }

  setMenu(menu: MenuItemSpec[]): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronMenu(menu, (cmd) => this.onMenuCommand(cmd))));
  }

  /** The theme last applied (the window asks for it when it loads). */
  currentTheme(): ThemeSource {
    return this.theme;
  }

  applyTheme(theme: ThemeSource): void {
    this.theme = theme;
    // Drives prefers-color-scheme in the page as well as native dialogs and menus.
    nativeTheme.themeSource = theme;
    this.send(IPC.theme, theme);
  }

  sendEngineStatus(status: EngineStatus): void {
    this.send(IPC.engineStatus, status);
  }

  sendEnginePort(port: MessagePortMain): void {
    const w = this.win();
    if (w && !w.webContents.isDestroyed()) w.webContents.postMessage(IPC.enginePort, null, [port]);
    else port.close();
  }

  sendRecentFiles(files: string[]): void {
    this.send(IPC.recentFilesChanged, files);
  }

  sendRunMenu(action: RunMenuAction): void {
    this.send(IPC.runMenu, action);
  }

  sendFileMenu(action: FileMenuAction): void {
    this.send(IPC.fileMenu, action);
  }

  setDocumentEdited(edited: boolean): void {
    const w = this.win();
    if (w && process.platform === 'darwin') w.setDocumentEdited(edited);
  }

  showWindow(): void {
    this.show();
  }

  addRecentDocument(path: string): void {
    if (process.platform === 'darwin' || process.platform === 'win32') app.addRecentDocument(path);
  }

  clearRecentDocuments(): void {
    if (process.platform === 'darwin' || process.platform === 'win32') app.clearRecentDocuments();
  }

  showFolder(path: string): void {
    void shell.openPath(path);
  }

  showItemInFolder(path: string): void {
    shell.showItemInFolder(path);
  }

  quitNow(): void {
    app.quit();
  }
}
