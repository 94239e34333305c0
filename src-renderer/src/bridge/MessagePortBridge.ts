// Electron: the bridge over a MessagePort straight to the engine process (main
// creates the channel; the preload hands the page its end). Same messages and
// codec as the WebSocket: commands as JSON text, events as JSON text or binary
// snapshot frames. When the engine process restarts, a new port arrives and
// replaces the old one; when it exits, the connection is closed with main's
// reason and the window offers the restart (see desktop/EngineNotice).
import { decodeEvent, encodeCommand } from '../../../src-shared/bridge/codec';
import type { Command } from '../../../src-shared/bridge/protocol';
import { ENGINE_PORT_MESSAGE, type DesktopApi, type EngineStatus } from '../../../src-shared/desktop/api';
import { BaseBridge } from './Bridge';

/** Where engine ports come from: calls `onPort` for each; returns the unsubscribe function. */
export type PortSource = (onPort: (port: MessagePort) => void) => () => void;

/** The engine port in a window message, if this message carries one from the page's own window (the preload). */
export function enginePortOf(e: Pick<MessageEvent, 'data' | 'source' | 'ports'>, win: unknown): MessagePort | null {
  if (e.source !== win || e.data !== ENGINE_PORT_MESSAGE) return null;
  return e.ports?.[0] ?? null;
}

/** Engine ports the preload posts to this window. */
export function windowPortSource(win: Window): PortSource {
  return (onPort) => {
    const listener = (e: MessageEvent) => {
      const port = enginePortOf(e, win);
      if (port) onPort(port);
    };
    win.addEventListener('message', listener);
    return () => win.removeEventListener('message', listener);
  };
}

export class MessagePortBridge extends BaseBridge {
  readonly kind = 'messageport' as const;
  private port: MessagePort | null = null;
  private readonly offPorts: () => void;
  private readonly offStatus: () => void;
  private closedByUs = false;

  constructor(
    private readonly desktop: Pick<DesktopApi, 'connectEngine' | 'onEngineStatus'>,
    ports: PortSource,
  ) {
    super();
    this.offPorts = ports((port) => this.adopt(port));
    this.offStatus = desktop.onEngineStatus((s) => this.onEngineStatus(s));
    desktop.connectEngine();
  }

  private adopt(port: MessagePort): void {
    if (this.closedByUs) {
      port.close();
      return;
    }
    const old = this.port;
    this.port = port;
    if (old) {
      old.onmessage = null;
      old.close();
      // Requests sent on the old port will never be answered.
      this.setConnection('closed', 'The connection to the engine was replaced.');
    }
    port.onmessage = (m: MessageEvent) => {
      if (this.port !== port) return;
      let ev;
      try {
        ev = decodeEvent(m.data as string | ArrayBuffer | ArrayBufferView);
      } catch (err) {
        console.error('RingScope: undecodable message from the engine', err);
        return;
      }
      this.receive(ev);
    };
    port.addEventListener('close', () => {
      if (this.port !== port) return;
      this.port = null;
      if (!this.closedByUs) this.setConnection('closed', 'The connection to the engine closed.');
    });
    port.start();
    this.setConnection('open');
  }

  private onEngineStatus(s: EngineStatus): void {
    if (this.closedByUs) return;
    switch (s.state) {
      case 'starting':
        if (!this.port) this.setConnection('connecting', 'The engine is starting…');
        break;
      case 'exited':
      case 'stopped':
        if (this.port) {
          this.port.onmessage = null;
          this.port.close();
          this.port = null;
        }
        this.setConnection('closed', s.state === 'exited' ? s.reason : 'The engine has shut down.');
        break;
      case 'running':
      case 'stopping':
        break;
    }
  }

  protected transmit(cmd: Command): void {
    this.port?.postMessage(encodeCommand(cmd));
  }

  close(): void {
    this.closedByUs = true;
    this.offPorts();
    this.offStatus();
    this.port?.close();
    this.port = null;
  }
}
