// The preload bridge: a small curated API, never raw ipcRenderer.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('ringscope', {
  host: 'electron' as const,
});
