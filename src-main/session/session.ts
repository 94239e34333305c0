// The session behind the bridge, one per host: owns one engine (one loaded
// setup), turns bridge commands into engine calls and engine events into
// bridge events for every attached client. It knows nothing of the transport:
// browser mode's server (hosts/web) attaches WebSocket clients; the desktop's
// engine host (hosts/desktop/engine-host) attaches MessagePort clients.
//
// Control policy: every attached client may control the run (documented in
// the README); commands that change the run are serialised, so two pages
// pressing Start at once start one run and the second gets a clear refusal.
import { isAbsolute, relative, resolve } from 'node:path';
import { describeFunctionError } from '../../src-shared/bridge/describe';
import type { BufferInfo, Command, HelloEvent, HostEvent, LogLine, RunControlCommand, RunFiles, SerialPortEntry, SetupInfo, SetupProblem } from '../../src-shared/bridge/protocol';
import { DEFAULT_DISPLAY_HZ, isActive, LOG_HISTORY, PROTOCOL_VERSION } from '../../src-shared/bridge/protocol';
import type { RunState, RunSummary, StatusReport } from '../../src-shared/engine/status';
import type { EngineHandle, Unsubscribe } from '../engine/api';
import { CommandInbox, dropAnalysis, newClientState, safely, setHistogram, setStrip, type Attachment, type ClientState, type SessionClient } from './clients';
import { checkSetupText, isReadOnly, listExampleSetups, readConfigs, readSetupText, SaveRefused, setupTitle, writeSetup } from './setup-files';
import { PvWriter } from './pv-writer';
import { RunFileIndex } from './run-files';
import { SnapshotFanout } from './snapshots';

export type { Attachment, SessionClient } from './clients';

/** What a loader tells about the setup besides its engine (all optional). */
export interface SetupAbout extends Partial<Pick<SetupInfo, 'functions' | 'limitsFrom' | 'sourceEvents'>> {
  title?: string;
  description?: string;
  runevents?: number;
  runtime?: number;
  /** Buffer name → what it holds in words. */
  buffers?: Record<string, string>;
}

/** Loads a setup (with `text`: that text as if it were the file at setupPath): an engine when no error stands, and every validation problem. */
export type EngineLoader = (setupPath: string, text?: string) => Promise<{ engine: EngineHandle | null; problems: SetupProblem[]; about?: SetupAbout }>;

export interface SessionOptions {
  load: EngineLoader;
  version: string;
  host: 'serve' | 'electron';
  /** Highest snapshot rate sent to any client (default 30 Hz). */
  maxHz?: number;
  /** Overrides the setup's output_directory for every run. */
  outputDirectory?: string;
  /** Folder that relative setup paths are resolved against and shown relative to. */
  cwd?: string;
  /** Checked before a setup is loaded (with the page's text when it sent one): problems returned here refuse it. */
  admit?: (setupPath: string, text?: string) => SetupProblem[] | Promise<SetupProblem[]>;
  /** The example setups offered to pages (`list_setups`). */
  examplesDir?: string | null;
  /** Folders pages may save setups into (undefined: anywhere this process may write). */
  saveRoots?: string[];
  /** Folders never written by save_setup (the shipped examples). */
  readOnlyRoots?: string[];
  /** Lists the machine's serial ports (`list_ports`); without it, pages are told this host cannot. */
  listPorts?: () => Promise<{ ports: SerialPortEntry[]; warning?: string }>;
  /** Milliseconds clock for snapshot pacing (tests inject one). */
  now?: () => number;
  /** Run files carry download addresses (browser mode serves them under /run-files/). */
  runFileUrls?: boolean;
}

// Run commands every page is told about (the others see "paused from another window").
const RUN_COMMANDS: ReadonlySet<string> = new Set<RunControlCommand>(['start', 'pause', 'resume', 'stop', 'abort']);
// Seconds between listings of the run directory while a run writes.
const RUN_FILES_EVERY_MS = 2000;

// States in which the engine delivers snapshots.
const OBSERVING: readonly RunState[] = ['running', 'paused', 'stopping'];

/** Hosts one engine for any number of bridge clients. */
export class Session {
  readonly maxHz: number;
  private readonly cwd: string;
  private engine: EngineHandle | null = null;
  // The engine being stopped by close(), so that a second Ctrl-C can abort it.
  private closing: EngineHandle | null = null;
  private engineSubs: Unsubscribe[] = [];
  private setup: SetupInfo | null = null;
  private bufferInfo = new Map<string, BufferInfo>();
  private status: StatusReport | null = null;
  private statusSeq = 0;
  private lastRun: RunSummary | null = null;
  private runEndedSent = true;
  private state: RunState = 'idle';
  private readonly clients = new Map<SessionClient, ClientState>();
  private readonly snapshots: SnapshotFanout;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Puts to PVs of other stations (pv_put). */
  private readonly pvWriter = new PvWriter();
  private readonly now: () => number;
  private logLines: LogLine[] = [];
  private readonly runFileIndex: RunFileIndex;
  private runFiles: RunFiles | null = null;
  private runFilesAt = -Infinity;
  private listing: Promise<void> | null = null;

  constructor(private readonly opts: SessionOptions) {
    this.runFileIndex = new RunFileIndex(opts.runFileUrls === true);
    this.maxHz = opts.maxHz && opts.maxHz > 0 ? opts.maxHz : DEFAULT_DISPLAY_HZ;
    this.cwd = opts.cwd ?? process.cwd();
    this.now = opts.now ?? (() => performance.now());
    this.snapshots = new SnapshotFanout({
      maxHz: this.maxHz,
      now: () => this.now(),
      clients: () => this.clients.values(),
      bufferInfo: (buffer) => this.bufferInfo.get(buffer),
      broadcast: (ev) => this.broadcast(ev),
    });
  }

  /** The loaded setup (null before the first open). */
  get setupInfo(): SetupInfo | null {
    return this.setup;
  }

  /** The current run state. */
  get runState(): RunState {
    return this.state;
  }

  /** Opens a setup for every client (the previous engine is closed); refused while a run is active. With `text`, the engine runs that text (unsaved edits) as the file at `path`. */
  open(path: string, text?: string): Promise<SetupInfo> {
    return this.queued(() => this.doOpen(path, text));
  }

  /** Attaches a client: it receives hello now and every broadcast from then on. */
  attach(client: SessionClient): Attachment {
    const st = newClientState(client, this.maxHz);
    this.clients.set(client, st);
    client.send(this.hello());
    const inbox = new CommandInbox(
      (cmd) => this.handle(st, cmd),
      (cmd, message) => client.send('req' in cmd && cmd.req !== undefined ? { type: 'ack', req: cmd.req, ok: false, message } : { type: 'error', message }),
    );
    return {
      // Abort jumps the client's queue: it is what ends the client's own stop that waits for a function that does not stop.
      handle: (cmd) => (cmd.type === 'abort' ? this.handle(st, cmd) : inbox.push(cmd)),
      detach: () => {
        inbox.close();
        this.clients.delete(client);
        dropAnalysis(st);
        this.syncObservations();
      },
    };
  }

  /** Ends any run gracefully (data drained and written) and frees the engine. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pvWriter.close();
    await this.queued(async () => {
      await this.closeEngine();
    });
  }

  /** Emergency stop of the current run (the second Ctrl-C). */
  async abort(): Promise<void> {
    const e = this.engine ?? this.closing;
    if (e && isActive(e.state)) this.noteEnded(await e.abort());
  }

  private hello(): HelloEvent {
    return {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      server: { name: 'ringscope', version: this.opts.version, host: this.opts.host },
      control: 'all',
      maxHz: this.maxHz,
      setup: this.setup,
      status: this.status,
      statusSeq: this.statusSeq,
      lastRun: this.lastRun,
      log: this.logLines,
      runFiles: this.runFiles,
    };
  }

  private broadcast(ev: HostEvent): void {
    for (const st of this.clients.values()) st.client.send(ev);
  }

  // Run-changing commands one at a time, in arrival order.
  private queued<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async handle(st: ClientState, cmd: Command): Promise<void> {
    const req = 'req' in cmd ? cmd.req : undefined;
    try {
      switch (cmd.type) {
        case 'open':
          await this.open(cmd.path, cmd.text);
          break;
        case 'save_setup':
          await this.queued(() => this.doSave(st, cmd.path, cmd.text, cmd.from, cmd.overwrite === true));
          break;
        case 'list_setups':
          st.client.send({
            type: 'setup_list',
            examples: listExampleSetups(this.opts.examplesDir, (abs) => this.displayPath(abs)),
            folder: this.cwd,
            saveAnywhere: this.opts.saveRoots === undefined,
          });
          break;
        case 'list_ports':
          st.client.send(await this.portList());
          break;
        case 'start':
          await this.queued(() => this.doStart(cmd.runevents, cmd.runtime));
          break;
        case 'pause':
          this.running('pause').pause();
          break;
        case 'resume':
          this.running('resume').resume();
          break;
        case 'stop':
          await this.queued(() => this.doStop());
          break;
        case 'abort':
          // Not queued: it is what ends a stop that waits for a function that does not stop.
          await this.abort();
          break;
        case 'set_param':
          this.loaded().setParam(cmd.function, cmd.name, cmd.value);
          break;
        case 'pv_put':
          await this.pvWriter.put(cmd.pv, cmd.value);
          break;
        case 'subscribe':
          st.buffer = cmd.buffer;
          st.hz = Math.min(cmd.hz && cmd.hz > 0 ? cmd.hz : this.maxHz, this.maxHz);
          st.inFlight = 0;
          st.lastSent = -Infinity;
          if (cmd.buffer !== null && this.setup && !this.bufferInfo.has(cmd.buffer)) {
            throw new Error(`There is no buffer "${cmd.buffer}" in this setup.`);
          }
          this.syncObservations();
          break;
        case 'snapshot_ack':
          st.inFlight = Math.max(0, st.inFlight - cmd.count);
          break;
        case 'histogram':
          setHistogram(st, () => this.loaded(), cmd.id, cmd.spec);
          break;
        case 'strip':
          setStrip(st, () => this.loaded(), cmd.buffer, cmd.fields ?? null);
          break;
      }
      if (req !== undefined) st.client.send({ type: 'ack', req, ok: true });
      if (RUN_COMMANDS.has(cmd.type)) {
        for (const other of this.clients.values()) other.client.send({ type: 'control', command: cmd.type as RunControlCommand, self: other === st });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof SaveRefused ? err.code : undefined;
      if (req !== undefined) st.client.send({ type: 'ack', req, ok: false, message, ...(code ? { code } : {}) });
      else st.client.send({ type: 'error', message });
    }
  }

  private loaded(): EngineHandle {
    if (!this.engine) {
      throw new Error(this.setup ? 'This setup has errors; fix them and open it again.' : 'No setup is loaded.');
    }
    return this.engine;
  }

  private running(what: string): EngineHandle {
    const e = this.loaded();
    if (!isActive(e.state)) throw new Error(`Cannot ${what}: no run is in progress.`);
    return e;
  }

  private displayPath(abs: string): string {
    const rel = relative(this.cwd, abs);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  }

  // Writes a page's setup text; opens it when no run is active (a running run is never changed under its feet).
  private async doSave(st: ClientState, path: string, text: string, from: string | undefined, overwrite: boolean): Promise<void> {
    if (this.closed) throw new Error('The server is shutting down.');
    const abs = resolve(this.cwd, path);
    const fromAbs = from !== undefined ? resolve(this.cwd, from) : undefined;
    const written = await writeSetup({ abs, text, fromAbs, overwrite }, { saveRoots: this.opts.saveRoots, readOnlyRoots: this.opts.readOnlyRoots });
    const shown = this.displayPath(abs);
    if (this.engine && isActive(this.engine.state)) {
      let problems: SetupProblem[];
      try {
        // The host's admission first: a config file it may not read is never read (its content could show in a message).
        const refused = (await this.opts.admit?.(abs, written)) ?? [];
        problems = refused.length > 0 ? refused : await checkSetupText(abs, written, shown);
      } catch (err) {
        problems = [{ severity: 'error', message: `Could not check the setup: ${err instanceof Error ? err.message : String(err)}`, file: shown }];
      }
      st.client.send({ type: 'setup_saved', path: shown, text: written, problems: problems.map((p) => this.relativeFile(p)), applied: false });
      return;
    }
    const info = await this.doOpen(abs);
    st.client.send({ type: 'setup_saved', path: info.path, text: written, problems: info.problems, applied: true });
  }

  private relativeFile(p: SetupProblem): SetupProblem {
    return p.file ? { ...p, file: this.displayPath(resolve(this.cwd, p.file)) } : p;
  }

  private async doOpen(path: string, draft?: string): Promise<SetupInfo> {
    if (this.closed) throw new Error('The server is shutting down.');
    if (this.engine && isActive(this.engine.state)) {
      throw new Error('Stop the run before opening another setup.');
    }
    const abs = resolve(this.cwd, path);
    await this.closeEngine();
    let problems: SetupProblem[] = [];
    let engine: EngineHandle | null = null;
    let about: SetupAbout = {};
    const refused = (await this.opts.admit?.(abs, draft)) ?? [];
    const onDisk = readSetupText(abs);
    const text = refused.length > 0 ? undefined : (draft ?? onDisk);
    if (refused.length > 0) {
      problems = refused;
    } else {
      try {
        const r = draft === undefined ? await this.opts.load(abs) : await this.opts.load(abs, draft);
        ({ engine, problems } = r);
        about = r.about ?? {};
      } catch (err) {
        problems = [{ severity: 'error', message: `Could not load the setup: ${err instanceof Error ? err.message : String(err)}`, file: abs }];
      }
    }
    // Problems name files as the page should show them: relative to where the server runs.
    problems = problems.map((p) => this.relativeFile(p));
    const { buffers: described, ...aboutRest } = about;
    const meta = { ...setupTitle(text), ...definedOnly(aboutRest) };
    const buffers: BufferInfo[] = engine ? engine.buffers().map((b) => (described?.[b.name] ? { ...b, description: described[b.name] } : { ...b })) : [];
    // The editor's view of the setup: its text and its config files, only when admitted.
    const editing: Partial<SetupInfo> = {};
    if (text !== undefined) {
      editing.text = text;
      editing.draft = draft !== undefined && draft !== onDisk;
      editing.configs = safeConfigs(abs, text, this.opts.admit !== undefined);
    }
    if (isReadOnly(abs, { readOnlyRoots: this.opts.readOnlyRoots })) editing.readOnly = true;
    this.setup = { path: this.displayPath(abs), ...meta, buffers, problems, runnable: engine !== null, ...editing };
    this.bufferInfo = new Map(buffers.map((b) => [b.name, b]));
    this.engine = engine;
    this.lastRun = null;
    this.runFiles = null;
    this.state = engine?.state ?? 'idle';
    this.status = null;
    if (engine) this.wire(engine);
    this.broadcast({ type: 'setup', setup: this.setup });
    if (engine) this.onStatus(engine.status());
    return this.setup;
  }

  private wire(e: EngineHandle): void {
    this.engineSubs = [
      e.on('status', (s) => this.onStatus(s)),
      e.on('state', (s) => this.onState(s)),
      e.on('log', (line) => {
        this.logLines = [...this.logLines.slice(-(LOG_HISTORY - 1)), line];
        this.broadcast({ type: 'log', line });
      }),
      e.on('error', (fe) => this.broadcast({ type: 'error', message: describeFunctionError(fe), function: fe })),
      e.on('ended', (summary) => this.noteEnded(summary)),
    ];
  }

  private async closeEngine(): Promise<void> {
    const e = this.engine;
    if (!e) return;
    this.engine = null;
    this.closing = e;
    // Histograms and strip charts belong to the engine: pages ask again for the next setup.
    for (const st of this.clients.values()) dropAnalysis(st);
    this.snapshots.clear();
    try {
      if (isActive(e.state)) this.noteEnded(await e.stop());
      await e.close();
    } finally {
      this.closing = null;
      for (const un of this.engineSubs) safely(un);
      this.engineSubs = [];
    }
  }

  private async doStart(runevents?: number, runtime?: number): Promise<void> {
    const e = this.loaded();
    if (isActive(e.state)) throw new Error('A run is already in progress.');
    // An edited shipped example runs only as a saved copy: its runs would land inside the examples.
    if (this.setup?.draft && this.setup.readOnly)
      throw new SaveRefused(`${this.setup.path} is an edited copy of a shipped example, which stays as it is: save it elsewhere (Save As) and start the saved copy.`, 'read-only');
    this.runEndedSent = false;
    // A window shows histograms and strip charts: every scalar buffer gets a histogram reader.
    await e.start({ runevents, runtime, outputDirectory: this.opts.outputDirectory, histograms: true });
    this.onState(e.state);
  }

  private async doStop(): Promise<void> {
    const e = this.running('stop');
    this.noteEnded(await e.stop());
  }

  private noteEnded(summary: RunSummary): void {
    this.lastRun = summary;
    if (this.runEndedSent) return;
    this.runEndedSent = true;
    this.broadcast({ type: 'run_ended', summary });
    if (this.engine) this.onStatus(this.engine.status());
    void this.listRunFiles(summary.run_directory, false);
  }

  /** The file of this session's run `n` at `rel` (as in a download address), or null when there is none. */
  runFile(n: number, rel: string): Promise<string | null> {
    return this.runFileIndex.resolve(n, rel);
  }

  // Lists the run directory for every page; one listing at a time (a listing at the end waits for one under way).
  private async listRunFiles(dir: string, active: boolean): Promise<void> {
    while (this.listing) await this.listing;
    this.runFilesAt = this.now();
    this.listing = (async () => {
      try {
        this.runFiles = await this.runFileIndex.list(dir, active);
        this.broadcast({ type: 'run_files', files: this.runFiles });
      } catch {
        // a listing that fails (folder removed) is retried with the next status
      }
    })();
    await this.listing;
    this.listing = null;
  }

  private onStatus(status: StatusReport): void {
    this.status = status;
    this.statusSeq += 1;
    this.broadcast({ type: 'status', seq: this.statusSeq, status });
    this.onState(status.state);
    if (status.run_directory && isActive(status.state)) {
      this.runFileIndex.note(status.run_directory);
      if (!this.listing && this.now() - this.runFilesAt >= RUN_FILES_EVERY_MS) void this.listRunFiles(status.run_directory, true);
    }
  }

  private onState(state: RunState): void {
    if (state === this.state) return;
    this.state = state;
    this.syncObservations();
  }

  private async portList(): Promise<HostEvent> {
    if (!this.opts.listPorts) return { type: 'port_list', ports: [], warning: 'this host cannot list serial ports; type the port name' };
    try {
      const { ports, warning } = await this.opts.listPorts();
      return warning ? { type: 'port_list', ports, warning } : { type: 'port_list', ports };
    } catch (err) {
      return { type: 'port_list', ports: [], warning: `cannot list the serial ports (${err instanceof Error ? err.message : String(err)}); type the port name` };
    }
  }

  // Observe exactly the buffers some client wants, while the run delivers.
  private syncObservations(): void {
    this.snapshots.sync(this.engine && OBSERVING.includes(this.state) ? this.engine : null);
  }
}

function safeConfigs(abs: string, text: string, confined: boolean): Record<string, unknown> {
  try {
    return readConfigs(abs, text, confined);
  } catch {
    return {};
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
