// What the app needs from its host: send commands, receive events. Two
// implementations: WebSocketBridge (browser mode, `ringscope serve`) and the
// Electron preload's MessagePort (issue 9, see ./index.ts). Panels and the
// store depend only on this interface.
import type { Command, HostEvent } from '../../../src-shared/bridge/protocol';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Bridge {
  readonly kind: 'websocket' | 'messageport' | 'memory';
  readonly connection: ConnectionState;
  /** Sends a command without waiting for its outcome. */
  send(cmd: Command): void;
  /** Sends a command and resolves when the host acknowledges it; rejects with the host's message. */
  request(cmd: Exclude<Command, { type: 'snapshot_ack' }>): Promise<void>;
  /** Every event from the host; returns the unsubscribe function. */
  onEvent(listener: (ev: HostEvent) => void): () => void;
  /** Connection changes (with a reason when closed); returns the unsubscribe function. */
  onConnection(listener: (state: ConnectionState, detail?: string) => void): () => void;
  close(): void;
}

/** Request/ack bookkeeping and listener sets shared by every transport. */
export abstract class BaseBridge implements Bridge {
  abstract readonly kind: Bridge['kind'];
  connection: ConnectionState = 'connecting';
  private nextReq = 1;
  private readonly pending = new Map<number, { ok: () => void; fail: (e: Error) => void }>();
  private readonly eventListeners = new Set<(ev: HostEvent) => void>();
  private readonly connectionListeners = new Set<(state: ConnectionState, detail?: string) => void>();

  /** Puts one encoded command on the transport. */
  protected abstract transmit(cmd: Command): void;
  abstract close(): void;

  send(cmd: Command): void {
    if (this.connection === 'open') this.transmit(cmd);
  }

  request(cmd: Exclude<Command, { type: 'snapshot_ack' }>): Promise<void> {
    if (this.connection !== 'open') return Promise.reject(new Error('Not connected to RingScope.'));
    const req = this.nextReq++;
    return new Promise<void>((ok, fail) => {
      this.pending.set(req, { ok, fail });
      this.transmit({ ...cmd, req });
    });
  }

  onEvent(listener: (ev: HostEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onConnection(listener: (state: ConnectionState, detail?: string) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Called by the transport for every decoded event. */
  protected receive(ev: HostEvent): void {
    if (ev.type === 'ack') {
      const p = this.pending.get(ev.req);
      if (p) {
        this.pending.delete(ev.req);
        if (ev.ok) p.ok();
        // `code` names a refusal the caller may act on (save_setup's 'exists').
        else p.fail(Object.assign(new Error(ev.message ?? 'The command failed.'), ev.code ? { code: ev.code } : {}));
      }
    }
    for (const l of this.eventListeners) l(ev);
  }

  /** Called by the transport when the connection changes. */
  protected setConnection(state: ConnectionState, detail?: string): void {
    this.connection = state;
    if (state === 'closed') {
      for (const p of this.pending.values()) p.fail(new Error('The connection to RingScope was lost.'));
      this.pending.clear();
    }
    for (const l of this.connectionListeners) l(state, detail);
  }
}
