// Main's own bridge client: a port to the engine host like the window's, used
// for what main must know and do itself — the run state (menu, quit policy),
// the loaded setup (title, recent files, Save) and opening setups chosen in
// native dialogs. It never subscribes to snapshots, so waveforms never pass
// through main.
import { decodeEvent, encodeCommand } from '../../../src-shared/bridge/codec';
import type { Command, HostEvent, SetupInfo } from '../../../src-shared/bridge/protocol';
import type { RunState, RunSummary, StatusReport } from '../../../src-shared/engine/status';
import type { PortLike } from './engine-host/ports';

type Request = Exclude<Command, { type: 'snapshot_ack' }>;

/** A request/acknowledge client of the bridge over a message port. */
export class EngineClient {
  setup: SetupInfo | null = null;
  status: StatusReport | null = null;
  lastRun: RunSummary | null = null;
  /** Set once the host's hello arrived. */
  connected = false;
  closed = false;
  private nextReq = 1;
  private readonly pending = new Map<number, { ok: () => void; fail: (e: Error) => void }>();
  private readonly listeners = new Set<(ev: HostEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private readonly hello: Promise<void>;

  constructor(private readonly port: PortLike) {
    let greeted!: () => void;
    this.hello = new Promise<void>((ok) => (greeted = ok));
    port.onMessage((data) => {
      let ev: HostEvent;
      try {
        ev = decodeEvent(data as string | Uint8Array);
      } catch {
        return;
      }
      this.receive(ev);
      if (ev.type === 'hello') greeted();
    });
    port.onClose(() => this.onClosed());
    port.start();
  }

  /** The run state as the last status report says (idle before any). */
  get state(): RunState {
    return this.status?.state ?? 'idle';
  }

  /** Resolves once the host greeted this client. */
  ready(): Promise<void> {
    return this.hello;
  }

  /** Sends a command and resolves when the host acknowledges it; rejects with the host's message. */
  request(cmd: Request): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The engine is not running.'));
    const req = this.nextReq++;
    return new Promise<void>((ok, fail) => {
      this.pending.set(req, { ok, fail });
      this.port.post(encodeCommand({ ...cmd, req }));
    });
  }

  /** Sends a command without waiting for its outcome (snapshot acknowledgements). */
  send(cmd: Command): void {
    if (!this.closed) this.port.post(encodeCommand(cmd));
  }

  /** Every event from the host; returns the unsubscribe function. */
  onEvent(listener: (ev: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once when the connection ends (the engine process exited or was shut down). */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.port.close();
    this.onClosed();
  }

  private receive(ev: HostEvent): void {
    switch (ev.type) {
      case 'hello':
        this.connected = true;
        this.setup = ev.setup;
        this.status = ev.status;
        this.lastRun = ev.lastRun;
        break;
      case 'setup':
        this.setup = ev.setup;
        this.status = null;
        this.lastRun = null;
        break;
      case 'status':
        this.status = ev.status;
        break;
      case 'run_ended':
        this.lastRun = ev.summary;
        break;
      case 'ack': {
        const p = this.pending.get(ev.req);
        if (p) {
          this.pending.delete(ev.req);
          if (ev.ok) p.ok();
          else p.fail(new Error(ev.message ?? 'The command failed.'));
        }
        break;
      }
      default:
        break;
    }
    for (const l of this.listeners) l(ev);
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.fail(new Error('The engine stopped before answering.'));
    this.pending.clear();
    for (const l of this.closeListeners) l();
  }
}
