// The window's requests (src-preload): each handler checks that it comes from
// the app's own page in the main frame of our window, then asks the controller.
import { type BrowserWindow, ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type MessagePortMain } from 'electron';
import { IPC } from '../../../../src-shared/desktop/api';
import type { DesktopController } from '../controller';
import { isAppUrl } from '../security';
import type { ElectronUi } from './electron-ui';

export function registerIpc(
  controller: DesktopController<MessagePortMain>,
  ui: ElectronUi,
  window: () => BrowserWindow | null,
  devServerUrl: string | null,
): void {
  const trusted = (e: IpcMainEvent | IpcMainInvokeEvent) => {
    const w = window();
    const frame = e.senderFrame;
    return !!w && !w.isDestroyed() && e.sender === w.webContents && !!frame && frame === w.webContents.mainFrame && isAppUrl(frame.url, devServerUrl);
  };
  const handle = <A extends unknown[], R>(channel: string, fn: (...args: A) => R | Promise<R>) =>
    ipcMain.handle(channel, async (e, ...args) => {
      if (!trusted(e)) throw new Error('Refused: not the RingScope window.');
      return fn(...(args as A));
    });

  ipcMain.on(IPC.connectEngine, (e) => {
    if (trusted(e)) controller.connectWindow();
  });
  handle(IPC.restartEngine, () => controller.restartEngine());
  handle(IPC.chooseOpenPath, () => controller.chooseOpenPath());
  handle(IPC.chooseSavePath, (suggested: unknown) => controller.chooseSavePath(String(suggested ?? '')));
  handle(IPC.confirm, (req: unknown) => {
    const r = (req ?? {}) as { message?: unknown; detail?: unknown; confirm?: unknown };
    return controller.confirm({
      message: String(r.message ?? ''),
      detail: r.detail === undefined ? undefined : String(r.detail),
      confirm: r.confirm === undefined ? undefined : String(r.confirm),
    });
  });
  ipcMain.on(IPC.documentEdited, (e, edited: unknown) => {
    if (trusted(e)) controller.setDocumentEdited(edited === true);
  });
  ipcMain.on(IPC.setTheme, (e, theme: unknown) => {
    if (trusted(e) && (theme === 'system' || theme === 'light' || theme === 'dark')) controller.setTheme(theme);
  });
  ipcMain.on(IPC.showInFolder, (e, path: unknown) => {
    if (trusted(e) && typeof path === 'string') controller.showRunFile(path);
  });
  handle(IPC.recentFiles, () => controller.recentFiles());
  handle(IPC.examples, () => controller.examples());
  handle(IPC.getTheme, () => ui.currentTheme());
}
