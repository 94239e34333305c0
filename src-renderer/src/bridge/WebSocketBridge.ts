// Browser mode: the bridge over a WebSocket to `ringscope serve`. Control
// messages are JSON text, snapshots binary frames (src-shared/bridge/codec).
// Reconnects by itself when the server goes away and comes back.
import { decodeEvent, encodeCommand } from '../../../src-shared/bridge/codec';
import type { Command } from '../../../src-shared/bridge/protocol';
import { BaseBridge } from './Bridge';

/** The WebSocket address for a page location: same host, path /ws, the page's access token if any. */
export function webSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

export class WebSocketBridge extends BaseBridge {
  readonly kind = 'websocket' as const;
  private ws: WebSocket | null = null;
  private closedByUs = false;
  private retryMs = 500;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly Socket: typeof WebSocket = WebSocket,
  ) {
    super();
    this.connect();
  }

  private connect(): void {
    this.setConnection('connecting');
    const ws = new this.Socket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 500;
      this.setConnection('open');
    };
    ws.onmessage = (m: MessageEvent) => {
      let ev;
      try {
        ev = decodeEvent(m.data as string | ArrayBuffer);
      } catch (err) {
        console.error('RingScope: undecodable message from the server', err);
        return;
      }
      this.receive(ev);
    };
    ws.onclose = (e: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const detail =
        e.code === 1006 && this.connection === 'connecting'
          ? 'RingScope is not reachable (is `ringscope serve` running? does the address carry its access token?)'
          : e.reason || 'The connection to RingScope was closed.';
      this.setConnection('closed', detail);
      if (!this.closedByUs) {
        this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 5000);
      }
    };
  }

  protected transmit(cmd: Command): void {
    if (this.ws && this.ws.readyState === this.Socket.OPEN) this.ws.send(encodeCommand(cmd));
  }

  close(): void {
    this.closedByUs = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'page closed');
  }
}
