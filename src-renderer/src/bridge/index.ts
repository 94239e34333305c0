// Picks the bridge for the host the page runs in.
import type { Bridge } from './Bridge';
import { WebSocketBridge, webSocketUrl } from './WebSocketBridge';

export type { Bridge, ConnectionState } from './Bridge';

/** The bridge for this page: WebSocket in a browser; in Electron the preload's MessagePort (issue 9). */
export function createBridge(): Bridge {
  // Issue 9 adds a MessagePortBridge (extends BaseBridge) fed by the port the
  // preload hands over; select it here when `window.ringscope?.host === 'electron'`.
  return new WebSocketBridge(webSocketUrl(window.location));
}
