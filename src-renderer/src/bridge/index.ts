// Picks the bridge for the host the page runs in.
import type { DesktopApi } from '../../../src-shared/desktop/api';
import type { Bridge } from './Bridge';
import { MessagePortBridge, windowPortSource } from './MessagePortBridge';
import { WebSocketBridge, webSocketUrl } from './WebSocketBridge';

export type { Bridge, ConnectionState } from './Bridge';

/** The desktop app's API when the page runs in Electron (exposed by the preload), else null. */
export function desktopApi(win: Window = window): DesktopApi | null {
  const api = (win as Window & { ringscope?: DesktopApi }).ringscope;
  return api && api.host === 'electron' ? api : null;
}

/** The bridge for this page: the preload's MessagePort in Electron, a WebSocket in a browser. */
export function createBridge(win: Window = window): Bridge {
  const desktop = desktopApi(win);
  if (desktop) return new MessagePortBridge(desktop, windowPortSource(win));
  return new WebSocketBridge(webSocketUrl(win.location));
}
