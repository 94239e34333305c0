// The engine: turns a run plan into ring buffers and worker threads, runs the
// state machine, reports status and writes the run directory. Plain Node.
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EndReason, FunctionError, RunState, RunSummary, StatusReport } from '../../src-shared/engine/status';
import { RUN_CONTROL, type WorkerMessage } from '../../src-workers/runtime/protocol';
import type { HistogramRequest, HistogramUpdate, StripUpdate } from '../../src-shared/bridge/protocol';
import type { BufferInfo, EngineEvents, EngineHandle, EventSnapshot, HistogramSubscription, LogLine, StartOptions, Unsubscribe } from './api';
import { isSource, readerGroups, type RunPlan } from './plan';
import { LiveAnalysis } from './live-analysis';
import { Observers } from './observers';
import { startForkServers } from './python-forkserver';
import { createRun, drainGroup, endBuffer, reclaimInstance, spawnInstance, terminateInstance, type Instance, type Run } from './run';
import { createRunDirectory, discardRunDirectory, snapshotSetup } from './run-directory';
import { giveReserveUp, RUN_FILE_EVERY_S, setReserveAside, writeRunFile } from './run-file';
import { collectStatus, idleStatus, runProgress, runSummary } from './status-report';
import { threadDeath, notStoppedMessage } from './thread-health';
import { fileErrorCause } from '../../src-workers/formats/export-file';
import { workerEntry } from './worker-entry';

/** Milliseconds a stopping source may take to notice the stop before its buffer is ended for it. */
const SOURCE_GRACE_MS = 5_000;
/** Milliseconds a worker may take to exit after an abort before it is terminated. */
const ABORT_GRACE_MS = 3_000;
/** Milliseconds a worker whose function returned may take to exit before it is terminated. */
const EXIT_GRACE_MS = 2_000;
/** Errors kept per function in status and run.json (all go to run.log). */
const MAX_ERRORS_KEPT = 20;

export class Engine implements EngineHandle {
  readonly setupPath: string;
  private plan: RunPlan;
  private _state: RunState = 'idle';
  private run: Run | null = null;
  private lastSummary: RunSummary | null = null;
  private lastStatus: StatusReport;
  private listeners = new Map<keyof EngineEvents, Set<(p: never) => void>>();
  // Snapshot subscriptions of observe() (observers.ts).
  private readonly observers: Observers;

  // Histogram readers and their subscriptions: histograms and strip charts (live-analysis.ts).
  private readonly analysis: LiveAnalysis;

  constructor(plan: RunPlan) {
    this.plan = plan;
    this.setupPath = plan.setupPath;
    this.analysis = new LiveAnalysis(plan, (level, message) => this.log(level, 'histogram', message));
    this.observers = new Observers(plan, (name) => this.run?.buffers.get(name) ?? null);
    this.lastStatus = idleStatus(this.plan, this._state);
  }

  get state(): RunState {
    return this._state;
  }

  /** The plan this engine runs (read-only view). */
  get runPlan(): Readonly<RunPlan> {
    return this.plan;
  }

  buffers(): BufferInfo[] {
    return this.plan.buffers.map((b) => ({
      name: b.name,
      slots: b.slots,
      samples: b.samples,
      fields: b.fields.map((f) => ({ ...f })),
      display: b.display,
      groups: readerGroups(this.plan, b.name),
      observed: this.plan.functions.some((f) => f.assign.some((a) => a.buffer === b.name && a.mode === 'observe')),
    }));
  }

  on<K extends keyof EngineEvents>(event: K, listener: (payload: EngineEvents[K]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set!.delete(listener as (p: never) => void);
  }

  private emit<K extends keyof EngineEvents>(event: K, payload: EngineEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        (l as (p: EngineEvents[K]) => void)(payload);
      } catch (e) {
        // A host's listener must never break the run.
        console.error(`ringscope: a ${event} listener threw:`, e);
      }
    }
  }

  private setState(s: RunState): void {
    if (this._state === s) return;
    this._state = s;
    this.emit('state', s);
    this.publishStatus();
  }

  private log(level: LogLine['level'], source: string, message: string): void {
    const line: LogLine = { time: Date.now(), level, source, message };
    if (this.run) {
      try {
        appendFileSync(join(this.run.dir, 'run.log'), `${new Date(line.time).toISOString()} ${level.toUpperCase().padEnd(5)} [${source}] ${message}\n`);
      } catch {
        // the run directory may have been removed under us; the log event still goes out
      }
    }
    this.emit('log', line);
  }

  // ---------------------------------------------------------------- start

  async start(options: StartOptions = {}): Promise<void> {
    if (this.run) throw new Error(`a run is already ${this._state}; stop it before starting another`);
    this.setState('starting');
    const started = new Date();
    const outputDirectory = options.outputDirectory ?? this.plan.outputDirectory;
    let dir: string | null = null;
    const outputExisted = existsSync(outputDirectory);
    try {
      dir = createRunDirectory(outputDirectory, this.plan.setupName, started);
      snapshotSetup(dir, this.plan.setupPath, this.plan.snapshotFiles, this.plan.setupText);
      setReserveAside(dir);
    } catch (e) {
      // Nothing is left behind by a run that could not start.
      discardRunDirectory(dir, outputDirectory, outputExisted);
      this.setState('failed');
      this.setState('idle');
      throw new Error(`cannot create the run directory in ${outputDirectory}: ${fileErrorCause(e)}`);
    }

    this.analysis.choose(options.histograms);
    const { run, statsStride } = createRun(this.plan, {
      dir,
      started,
      runevents: options.runevents ?? this.plan.runevents,
      runtime: options.runtime ?? this.plan.runtime,
      groupsFor: (buffer) => this.analysis.groupsFor(buffer),
      statusTick: () => this.onTick(),
    });
    this.run = run;
    // run.json exists from the start: a run killed at any moment leaves one (`ringscope recover` completes it).
    this.writeProgress(run);
    this.log('info', 'engine', `run started in ${dir} (runevents ${run.runevents || 'unlimited'}, runtime ${run.runtime ? `${run.runtime} s` : 'unlimited'})`);

    // Python functions fork from one process that imported their modules once (as mimoCoRB's do).
    if (this.plan.functions.some((f) => f.python)) run.forks = await startForkServers(this.plan.functions, dirname(this.plan.setupPath), (level, m) => this.log(level, 'engine', m));
    const entry = workerEntry();
    let slot = 0;
    for (const fn of this.plan.functions) {
      const counter = new SharedArrayBuffer(8);
      run.errors.set(fn.name, []);
      for (let i = 0; i < fn.num_process; i++) {
        const inst = spawnInstance(this.plan, run, fn, i, counter, slot * statsStride, entry);
        slot++;
        run.instances.push(inst);
        inst.worker.on('message', (m: WorkerMessage) => this.onWorkerMessage(run, inst, m));
        // A thread that crashes, runs out of memory or exits before its function returned is an
        // error of that function, handled by its on_error; what it held goes back to its buffers.
        inst.worker.on('error', (e) => {
          inst.crashed = true;
          this.recordError(run, inst, { counter: null, message: threadDeath(e), stack: e.stack, policy: inst.fn.on_error });
          this.onInstanceDone(run, inst, false);
        });
        inst.worker.on('exit', (code) => {
          inst.exited = true;
          if (!inst.done && !inst.crashed && !inst.terminated) {
            inst.crashed = true;
            this.recordError(run, inst, { counter: null, message: threadDeath(code), policy: inst.fn.on_error });
          }
          const lost = reclaimInstance(run, inst);
          if (lost > 0) this.log('warn', 'engine', `${inst.fn.name}#${inst.index} had taken ${lost} event(s) it did not finish; they count as its failed events`);
          if (!inst.done) this.onInstanceDone(run, inst, false);
          this.maybeFinish(run);
        });
      }
    }
    // The run finishes only after the histogram readers counted the last event (they end with their buffers).
    run.drainers.push(...this.analysis.begin({ buffers: run.buffers, control: run.control.buffer as SharedArrayBuffer, runDirectory: dir, setupDirectory: dirname(this.plan.setupPath), entry }));
    // Running, and the runtime clock, begin when every function has loaded its code and opened its buffers.
    await Promise.race([run.ready.promise, run.finished.promise]);
  }

  private onInstanceReady(run: Run, inst: Instance): void {
    inst.ready = true;
    if (inst.state === 'starting') inst.state = 'running';
    if (!run.instances.every((i) => i.ready) || run.endReason !== null) return;
    run.clock.startedAt = performance.now();
    this.armRuntime(run);
    this.setState('running');
    run.ready.resolve();
  }

  // ------------------------------------------------------------- control

  pause(): void {
    const run = this.run;
    if (!run || this._state !== 'running') return;
    Atomics.store(run.control, RUN_CONTROL.PAUSE, 1);
    this.wake(run);
    for (const b of this.sourceBuffers()) run.buffers.get(b)!.pause();
    run.clock.pause();
    this.log('info', 'engine', 'paused');
    this.setState('paused');
  }

  resume(): void {
    const run = this.run;
    if (!run || this._state !== 'paused') return;
    this.unpause(run);
    this.armRuntime(run);
    this.log('info', 'engine', 'resumed');
    this.setState('running');
  }

  private unpause(run: Run): void {
    run.clock.unpause();
    Atomics.store(run.control, RUN_CONTROL.PAUSE, 0);
    this.wake(run);
    for (const b of this.sourceBuffers()) run.buffers.get(b)!.resume();
  }

  private wake(run: Run): void {
    Atomics.add(run.control, RUN_CONTROL.WAKE, 1);
    Atomics.notify(run.control, RUN_CONTROL.WAKE);
  }

  private sourceBuffers(): string[] {
    return [...new Set(this.plan.functions.filter(isSource).flatMap((f) => f.assign.filter((a) => a.mode === 'write').map((a) => a.buffer)))];
  }

  private armRuntime(run: Run): void {
    run.clock.arm(run.runtime, () => this.beginStop(run, 'runtime'));
  }

  async stop(): Promise<RunSummary> {
    const run = this.run;
    if (!run) return this.waitForEnd();
    this.beginStop(run, 'stop');
    return run.finished.promise;
  }

  async abort(): Promise<RunSummary> {
    const run = this.run;
    if (!run) return this.waitForEnd();
    if (!run.endReason || run.endReason !== 'abort') {
      run.endReason = 'abort';
      this.log('warn', 'engine', 'aborted: every thread is woken and stops now; files are closed as they are');
      Atomics.store(run.control, RUN_CONTROL.STOP, 1);
      this.wake(run);
      for (const rb of run.buffers.values()) rb.abort();
      this.setState('stopping');
      setTimeout(() => {
        for (const inst of run.instances) terminateInstance(inst);
      }, ABORT_GRACE_MS).unref();
    }
    return run.finished.promise;
  }

  /** Graceful stop: sources stop, everything committed drains through every stage. */
  private beginStop(run: Run, reason: EndReason): void {
    if (run.endReason === null) run.endReason = reason;
    if (Atomics.load(run.control, RUN_CONTROL.STOP) === 1) return;
    this.log('info', 'engine', `stopping (${reason}): sources stop, buffered events drain`);
    Atomics.store(run.control, RUN_CONTROL.STOP, 1);
    if (run.clock.pausedAt !== null) this.unpause(run);
    else this.wake(run);
    run.clock.disarm();
    if (this._state === 'running' || this._state === 'paused' || this._state === 'starting') this.setState('stopping');
    // After a grace period the functions that have not stopped are named (not those merely waiting
    // for them), and a user source that ignores io.signal still ends: its buffers end for it.
    run.graceTimer = setTimeout(() => {
      const message = notStoppedMessage(run, SOURCE_GRACE_MS / 1000);
      if (message) this.log('warn', 'engine', message);
      for (const b of this.sourceBuffers()) if (!run.ended.has(b)) endBuffer(run, b);
    }, SOURCE_GRACE_MS);
    run.graceTimer.unref();
  }

  setParam(fn: string, name: string, value: unknown): void {
    const f = this.plan.functions.find((x) => x.name === fn || x.fkt_name === fn);
    if (!f) throw new Error(`no function named "${fn}" in this setup (functions: ${this.plan.functions.map((x) => x.name).join(', ')})`);
    f.config = { ...f.config, [name]: value };
    for (const inst of this.run?.instances ?? []) {
      if (inst.fn === f && !inst.done) inst.params.postMessage({ type: 'param', name, value });
    }
    this.log('info', 'engine', `parameter ${f.name}.${name} = ${JSON.stringify(value)}`);
  }

  waitForEnd(): Promise<RunSummary> {
    if (this.run) return this.run.finished.promise;
    if (this.lastSummary) return Promise.resolve(this.lastSummary);
    return Promise.reject(new Error('no run has been started'));
  }

  histogram(request: HistogramRequest, listener: (update: HistogramUpdate) => void): HistogramSubscription {
    return this.analysis.histogram(request, listener);
  }

  strip(buffer: string, fields: string[] | null, listener: (update: StripUpdate) => void): Unsubscribe {
    return this.analysis.strip(buffer, fields, listener);
  }

  async close(): Promise<void> {
    this.analysis.close();
    if (this.run) await this.stop();
    this.observers.close();
  }

  // ------------------------------------------------------------- workers

  private onWorkerMessage(run: Run, inst: Instance, m: WorkerMessage): void {
    switch (m.type) {
      case 'log':
        this.log(m.level, `${inst.fn.name}#${inst.index}`, m.message);
        break;
      case 'error':
        this.recordError(run, inst, m);
        break;
      case 'export':
        run.exports.add(m.path);
        run.exportSources.set(m.path, { function: inst.fn.name, buffer: m.buffer });
        break;
      case 'extra':
        Object.assign(inst.extra, m.values);
        break;
      case 'ready':
        this.onInstanceReady(run, inst);
        break;
      case 'done':
        this.onInstanceDone(run, inst, m.ok);
        break;
    }
  }

  private recordError(run: Run, inst: Instance, m: { counter: number | null; message: string; stack?: string; policy: 'stop' | 'skip_event' }): void {
    const err: FunctionError = { function: inst.fn.name, fkt_name: inst.fn.fkt_name, instance: inst.index, counter: m.counter, message: m.message, stack: m.stack, policy: m.policy };
    const list = run.errors.get(inst.fn.name)!;
    if (list.length < MAX_ERRORS_KEPT) list.push(err);
    this.log('error', `${inst.fn.name}#${inst.index}`, `${m.counter !== null ? `event ${m.counter}: ` : ''}${m.message}${m.stack ? `\n${m.stack}` : ''}`);
    this.emit('error', err);
    if (m.policy === 'stop') {
      // An error outranks a graceful reason (data may be missing), not the user's abort.
      if (run.endReason !== 'abort') run.endReason = 'error';
      run.error ??= `${inst.fn.name} (${inst.fn.fkt_name}) #${inst.index}${m.counter !== null ? ` at event ${m.counter}` : ''}: ${m.message}`;
      this.beginStop(run, 'error');
    }
  }

  private onInstanceDone(run: Run, inst: Instance, ok: boolean): void {
    if (inst.done) return;
    inst.done = true;
    inst.state = ok ? 'ended' : 'failed';
    // The function has returned; a thread kept alive by a forgotten timer is ended for it.
    setTimeout(() => terminateInstance(inst), EXIT_GRACE_MS).unref();
    const siblings = run.instances.filter((i) => i.fn === inst.fn);
    if (siblings.every((i) => i.done)) {
      if (isSource(inst.fn) && run.endReason === null) {
        run.endReason = Atomics.load(run.control, RUN_CONTROL.LIMIT_HIT) === 1 ? 'runevents' : 'source_ended';
        this.log('info', 'engine', run.endReason === 'runevents' ? `runevents (${run.runevents}) reached` : `${inst.fn.name} ended its data`);
        this.beginStop(run, run.endReason);
      }
      // A buffer ends when every function writing it has finished.
      for (const a of inst.fn.assign) {
        if (a.mode !== 'write') continue;
        const writersDone = run.instances.filter((i) => i.fn.assign.some((x) => x.buffer === a.buffer && x.mode === 'write')).every((i) => i.done);
        if (writersDone) endBuffer(run, a.buffer);
      }
      // A reader group whose every thread is gone would block its buffer's writers forever: drain it here.
      for (const a of inst.fn.assign) {
        if (a.mode === 'read' && !run.ended.has(`drain:${a.buffer}:${inst.fn.name}`)) {
          run.ended.add(`drain:${a.buffer}:${inst.fn.name}`);
          run.drainers.push(drainGroup(run, a.buffer, inst.fn.name, (message) => this.log('warn', 'engine', message)));
        }
      }
    }
    this.publishStatus();
    this.maybeFinish(run);
  }

  private maybeFinish(run: Run): void {
    if (this.run !== run || !run.instances.every((i) => i.done && i.exited)) return;
    for (const b of run.buffers.keys()) endBuffer(run, b);
    void Promise.all(run.drainers).then(() => this.finish(run));
  }

  private finish(run: Run): void {
    if (this.run !== run) return;
    clearInterval(run.statusTimer);
    run.clock.disarm();
    if (run.graceTimer) clearTimeout(run.graceTimer);
    run.forks?.close();
    const reason: EndReason = run.endReason ?? 'source_ended';
    const finalStatus = collectStatus(this.plan, run, this._state);
    const summary = runSummary(this.plan, run, finalStatus, reason, reason === 'error' ? run.error : null);
    const problem = writeRunFile(run.dir, summary);
    giveReserveUp(run.dir);
    if (problem) this.log('error', 'engine', problem);
    this.log('info', 'engine', `run ended (${reason}); ${Object.entries(summary.buffers).map(([n, b]) => `${n}: ${b.written}`).join(', ')}`);
    this.lastStatus = { ...finalStatus, state: reason === 'error' || reason === 'abort' ? 'failed' : 'ended' };
    this.lastSummary = summary;
    this.observers.runEnding(run.buffers);
    this.run = null;
    this.setState(this.lastStatus.state);
    this.emit('status', this.lastStatus);
    this.emit('ended', summary);
    run.finished.resolve(summary);
  }

  // -------------------------------------------------------------- status

  status(): StatusReport {
    return this.lastStatus;
  }

  private onTick(): void {
    const run = this.run;
    if (run) {
      run.diskStatus = run.disk.sample();
      const warning = run.diskStatus?.warning ?? null;
      if (warning && !run.diskWarned) this.log('warn', 'engine', warning);
      run.diskWarned = warning !== null;
    }
    this.publishStatus();
    if (run && ++run.ticks % RUN_FILE_EVERY_S === 0) this.writeProgress(run);
  }

  /** Rewrites run.json with the counts so far; a failure is warned about once (the run goes on). */
  private writeProgress(run: Run): void {
    const problem = writeRunFile(run.dir, runProgress(this.plan, run, this.lastStatus.run_directory === run.dir ? this.lastStatus : collectStatus(this.plan, run, this._state)));
    if (problem && !run.runFileProblem) this.log('warn', 'engine', problem);
    run.runFileProblem = problem;
  }

  private publishStatus(): void {
    if (this.run) this.lastStatus = collectStatus(this.plan, this.run, this._state);
    else this.lastStatus = { ...this.lastStatus, state: this._state };
    this.emit('status', this.lastStatus);
  }

  // ------------------------------------------------------------ observers

  observe(buffer: string, hz: number, listener: (snapshot: EventSnapshot) => void): Unsubscribe {
    return this.observers.observe(buffer, hz, listener);
  }
}
