// The engine's lifecycle as main sees it: start the engine host (a utility
// process, or main itself when the switch says so), hand out client ports,
// notice an unexpected exit, restart with the same setup, and shut down
// gracefully. It works on an EngineEnvironment — Electron's utilityProcess +
// MessageChannelMain in the app, worker_threads in the tests — so everything
// here runs and is tested under plain Node.
import { resolve } from 'node:path';
import type { HostEvent } from '../../../src-shared/bridge/protocol';
import type { EngineHostMode, EngineStatus } from '../../../src-shared/desktop/api';
import type { HostToMain, MainToHost, OutputConfig, SetupFolders } from './engine-host/control';
import type { PortLike } from './engine-host/ports';
import { EngineClient } from './engine-client';

/** A started engine host, by what main needs of it. P is the platform's transferable port type. */
export interface HostProcess<P> {
  post(msg: MainToHost, ports?: P[]): void;
  onMessage(listener: (msg: HostToMain) => void): void;
  /** Called once when the host has ended (code null when it was killed by a signal). */
  onExit(listener: (code: number | null) => void): void;
  /**
   * Called when the host's process hit an error it cannot continue from (Electron's utility process
   * 'error' event: a fatal V8 error); its exit follows. Where the platform has no such event, absent.
   */
  onError?(listener: (reason: string) => void): void;
  /** Ends the host now, without draining (the user chose to abandon a stuck engine). */
  kill(): void;
}

/** How engine hosts and channels are made on this platform. */
export interface EngineEnvironment<P> {
  readonly mode: EngineHostMode;
  launch(): HostProcess<P>;
  /** A new connected pair of ports. */
  channel(): [P, P];
  wrap(port: P): PortLike;
}

export type SupervisorState = 'idle' | 'starting' | 'running' | 'exited' | 'stopping' | 'stopped';

export interface SupervisorOptions {
  version: string;
  output: OutputConfig;
  /** Folder the host resolves relative setup paths against (its working folder). */
  cwd: string;
  /** The examples offered to the window's editor and the folders it never saves into. */
  setups?: SetupFolders;
}

/** The user-facing sentence for an engine host that ended without being asked to. */
export function describeExit(code: number | null, fatal: string | null): string {
  const first = fatal?.split('\n').find((l) => l.trim() !== '')?.trim();
  const what = first
    ? `The engine stopped after an error: ${first.replace(/\.$/, '')}.`
    : code === null
      ? 'The engine process ended unexpectedly.'
      : `The engine process ended unexpectedly (exit code ${code}).`;
  return `${what} Data already written to disk is kept.`;
}

/** Starts, watches, restarts and shuts down the engine host. */
export class EngineSupervisor<P> {
  state: SupervisorState = 'idle';
  /** Main's own bridge client while the engine runs. */
  client: EngineClient | null = null;
  /** Why the engine ended, after an unexpected exit. */
  exitInfo: { code: number | null; reason: string } | null = null;
  private proc: HostProcess<P> | null = null;
  private output: OutputConfig;
  private lastSetup: string | null = null;
  private fatal: string | null = null;
  /** A fatal error of the host's process itself; it outranks what the host said. */
  private processError: string | null = null;
  private starting: Promise<void> | null = null;
  private ended: Promise<void> = Promise.resolve();
  private readonly stateListeners = new Set<(s: EngineStatus) => void>();
  private readonly eventListeners = new Set<(ev: HostEvent) => void>();

  constructor(
    private readonly env: EngineEnvironment<P>,
    private readonly opts: SupervisorOptions,
  ) {
    this.output = opts.output;
  }

  get mode(): EngineHostMode {
    return this.env.mode;
  }

  /** The setup to reopen after a restart (absolute path), if one was opened. */
  get setupPath(): string | null {
    return this.lastSetup;
  }

  /** The engine status as the window is told it. */
  status(): EngineStatus {
    const host = this.env.mode;
    switch (this.state) {
      case 'idle':
      case 'starting':
        return { state: 'starting', host };
      case 'running':
        return { state: 'running', host };
      case 'stopping':
        return { state: 'stopping', host };
      case 'exited':
        return { state: 'exited', host, code: this.exitInfo?.code ?? null, reason: this.exitInfo?.reason ?? describeExit(null, null) };
      case 'stopped':
        return { state: 'stopped', host };
    }
  }

  /** Engine status changes; returns the unsubscribe function. */
  onStatus(listener: (s: EngineStatus) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Every bridge event main's client receives (across restarts); returns the unsubscribe function. */
  onEvent(listener: (ev: HostEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Starts the engine host and connects main's client; reopens the last setup after a restart. */
  start(): Promise<void> {
    if (this.state === 'starting' && this.starting) return this.starting;
    if (this.state === 'running' || this.state === 'stopping') return Promise.resolve();
    this.starting = this.launch().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  /** Starts the engine again after it exited (same as start). */
  restart(): Promise<void> {
    return this.start();
  }

  /** A new client port for a window (the other end is attached in the host); null unless running. */
  connectRenderer(): P | null {
    if (this.state !== 'running' || !this.proc) return null;
    const [hostEnd, windowEnd] = this.env.channel();
    this.proc.post({ type: 'connect', client: 'renderer' }, [hostEnd]);
    return windowEnd;
  }

  /** Changes where runs write (applies at the next Start, also after a restart). */
  configure(output: OutputConfig): void {
    this.output = output;
    this.proc?.post({ type: 'configure', output });
  }

  /** Stops any run gracefully (data drained and written), closes the engine, and resolves when the host has ended. */
  shutdown(): Promise<void> {
    if (!this.proc) {
      if (this.state !== 'exited') this.setState('stopped');
      return Promise.resolve();
    }
    if (this.state !== 'stopping') {
      this.setState('stopping');
      this.proc.post({ type: 'shutdown' });
    }
    return this.ended;
  }

  /** Emergency stop of the current run: files are closed as they are. */
  abort(): void {
    this.proc?.post({ type: 'abort' });
  }

  /** Ends the host at once (a stuck engine the user gave up on). */
  kill(): void {
    this.proc?.kill();
  }

  private async launch(): Promise<void> {
    this.fatal = null;
    this.processError = null;
    this.exitInfo = null;
    this.setState('starting');
    const proc = this.env.launch();
    this.proc = proc;
    let markEnded!: () => void;
    this.ended = new Promise<void>((ok) => (markEnded = ok));
    const ready = new Promise<void>((ok, fail) => {
      proc.onMessage((m) => {
        if (m.type === 'ready') ok();
        else if (m.type === 'fatal') this.fatal = m.message;
      });
      proc.onExit((code) => {
        fail(new Error(describeExit(code, this.processError ?? this.fatal)));
        this.onExit(proc, code);
        markEnded();
      });
    });
    // A fatal error of the process itself (no message from the host could say it): it is the exit's reason.
    proc.onError?.((reason) => {
      this.processError = reason;
    });
    proc.post({ type: 'init', version: this.opts.version, output: this.output, setups: this.opts.setups });
    await ready;

    const [mine, theirs] = this.env.channel();
    proc.post({ type: 'connect', client: 'main' }, [theirs]);
    const client = new EngineClient(this.env.wrap(mine));
    this.client = client;
    client.onEvent((ev) => {
      if (ev.type === 'setup') this.lastSetup = resolve(this.opts.cwd, ev.setup.path);
      for (const l of this.eventListeners) l(ev);
    });
    await Promise.race([client.ready(), this.ended]);
    if (this.proc !== proc) throw new Error(this.status().state === 'exited' ? this.exitReason() : 'The engine was shut down while starting.');
    if (this.lastSetup) {
      // After a restart the window shows the same setup again (or its problems if it changed).
      await client.request({ type: 'open', path: this.lastSetup }).catch(() => undefined);
    }
    if (this.proc === proc && this.state === 'starting') this.setState('running');
  }

  private exitReason(): string {
    const info = this.exitInfo as { reason: string } | null;
    return info?.reason ?? describeExit(null, this.processError ?? this.fatal);
  }

  private onExit(proc: HostProcess<P>, code: number | null): void {
    if (this.proc !== proc) return;
    this.proc = null;
    const client = this.client;
    this.client = null;
    client?.close();
    if (this.state === 'stopping') {
      this.setState('stopped');
    } else {
      this.exitInfo = { code, reason: describeExit(code, this.processError ?? this.fatal) };
      this.setState('exited');
    }
  }

  private setState(state: SupervisorState): void {
    if (state === this.state) return;
    this.state = state;
    const s = this.status();
    for (const l of this.stateListeners) l(s);
  }
}
