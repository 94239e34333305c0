// The preload bridge (built as one CommonJS file: sandboxed preloads cannot be
// ES modules). It exposes a small typed API as window.ringscope (engine port,
// native dialogs, recent files, menu commands) — never ipcRenderer itself — and passes the engine port to the page: MessagePorts
// cannot cross contextBridge, so the port goes by window.postMessage to the
// page's own origin, where the page accepts it only from its own window.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  ENGINE_PORT_MESSAGE,
  IPC,
  type ConfirmRequest,
  type DesktopApi,
  type EngineStatus,
  type ExampleSetup,
  type FileMenuAction,
  type RunMenuAction,
  type ThemeSource,
} from '../src-shared/desktop/api';

// The page's window, as the preload uses it (this file is type-checked without the DOM library).
declare const window: {
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string, transfer?: readonly unknown[]): void;
};

ipcRenderer.on(IPC.enginePort, (e: IpcRendererEvent) => {
  const origin = window.location.origin;
  window.postMessage(ENGINE_PORT_MESSAGE, origin && origin !== 'null' ? origin : '*', e.ports);
});

/** Subscribes a page callback to one main → window channel; returns the unsubscribe function. */
function listen<T>(channel: string, listener: (value: T) => void): () => void {
  const wrapped = (_e: IpcRendererEvent, value: T) => listener(value);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api: DesktopApi = {
  host: 'electron',
  platform: process.platform,
  connectEngine: () => ipcRenderer.send(IPC.connectEngine),
  onEngineStatus: (l) => listen<EngineStatus>(IPC.engineStatus, l),
  restartEngine: () => ipcRenderer.invoke(IPC.restartEngine) as Promise<void>,
  chooseOpenPath: () => ipcRenderer.invoke(IPC.chooseOpenPath) as Promise<string | null>,
  chooseSavePath: (suggested) => ipcRenderer.invoke(IPC.chooseSavePath, String(suggested)) as Promise<string | null>,
  confirm: (req: ConfirmRequest) =>
    ipcRenderer.invoke(IPC.confirm, { message: String(req.message), detail: req.detail, confirm: req.confirm }) as Promise<boolean>,
  setDocumentEdited: (edited) => ipcRenderer.send(IPC.documentEdited, edited === true),
  setTheme: (theme) => ipcRenderer.send(IPC.setTheme, theme),
  recentFiles: () => ipcRenderer.invoke(IPC.recentFiles) as Promise<string[]>,
  onRecentFiles: (l) => listen<string[]>(IPC.recentFilesChanged, l),
  examples: () => ipcRenderer.invoke(IPC.examples) as Promise<ExampleSetup[]>,
  onRunMenu: (l) => listen<RunMenuAction>(IPC.runMenu, l),
  onFileMenu: (l) => listen<FileMenuAction>(IPC.fileMenu, l),
  showInFolder: (path) => ipcRenderer.send(IPC.showInFolder, String(path)),
  onTheme: (l) => {
    const off = listen<ThemeSource>(IPC.theme, l);
    void (ipcRenderer.invoke(IPC.getTheme) as Promise<ThemeSource>).then(l);
    return off;
  },
};

contextBridge.exposeInMainWorld('ringscope', api);
