// The engine: turns a run plan into ring buffers and worker threads, runs the
// state machine, reports status and writes the run directory. Plain Node.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { RingBuffer, type RingBufferLayout } from '../../src-shared/ringbuffer';
import type {
  BufferStatus,
  EndReason,
  FunctionError,
  FunctionState,
  FunctionStatus,
  RunState,
  RunSummary,
  StatusReport,
} from '../../src-shared/engine/status';
import { RUN_CONTROL, STAT, type WorkerInit, type WorkerMessage } from '../../src-workers/runtime/protocol';
import type { HistogramRequest, HistogramUpdate, StripUpdate } from '../../src-shared/bridge/protocol';
import type { BufferInfo, EngineEvents, EngineHandle, EventSnapshot, HistogramSubscription, LogLine, StartOptions, Unsubscribe } from './api';
import { isSource, readerGroups, type PlannedFunction, type RunPlan } from './plan';
import { LiveAnalysis } from './live-analysis';
import { createRunDirectory, snapshotSetup } from './run-directory';
import { fixedRateTimer } from './ticker';

/** Seconds a stopping source may take to notice the stop before its buffer is ended for it. */
const SOURCE_GRACE_MS = 5_000;
/** Milliseconds a worker may take to exit after an abort before it is terminated. */
const ABORT_GRACE_MS = 3_000;
/** Milliseconds a worker whose function returned may take to exit before it is terminated. */
const EXIT_GRACE_MS = 2_000;
/** Errors kept per function in status and run.json (all go to run.log). */
const MAX_ERRORS_KEPT = 20;

interface Instance {
  fn: PlannedFunction;
  index: number;
  worker: Worker;
  params: MessageChannel['port1'];
  state: FunctionState;
  ready: boolean;
  done: boolean;
  exited: boolean;
  extra: Record<string, number | string>;
  statsOffset: number;
}

interface Run {
  dir: string;
  started: Date;
  startedAt: number;
  buffers: Map<string, RingBuffer>;
  control: Int32Array;
  stats: Float64Array;
  instances: Instance[];
  runevents: number;
  runtime: number;
  endReason: EndReason | null;
  errors: Map<string, FunctionError[]>;
  exports: Set<string>;
  ended: Set<string>;
  pausedAt: number | null;
  pausedTotal: number;
  runtimeTimer: NodeJS.Timeout | null;
  statusTimer: NodeJS.Timeout;
  graceTimer: NodeJS.Timeout | null;
  lastSample: Map<string, { t: number; written: number; deadSum: number }>;
  rates: Map<string, { rate: number; deadtime: number }>;
  finished: Promise<RunSummary>;
  resolveFinished: (s: RunSummary) => void;
  drainers: Promise<void>[];
  /** Resolves when every instance is ready (or the run ended before). */
  ready: Promise<void>;
  resolveReady: () => void;
}

/** Where the worker entry lives: built JS next to the bundle, or the TypeScript source via the tsx bootstrap. */
export function workerEntry(): { file: URL; extra: Record<string, string> } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return {
      file: new URL('../../src-workers/ts-bootstrap.mjs', here),
      extra: { __entry: new URL('../../src-workers/worker.ts', here).href },
    };
  }
  for (const rel of ['./worker.js', '../worker.js', '../main/worker.js']) {
    const u = new URL(rel, here);
    if (existsSync(u)) return { file: u, extra: {} };
  }
  throw new Error(`the worker entry (worker.js) was not found next to ${here}; run "npm run build"`);
}

export class Engine implements EngineHandle {
  readonly setupPath: string;
  private plan: RunPlan;
  private _state: RunState = 'idle';
  private run: Run | null = null;
  private lastSummary: RunSummary | null = null;
  private lastStatus: StatusReport;
  private listeners = new Map<keyof EngineEvents, Set<(p: never) => void>>();
  private observers = new Set<{ buffer: string; hz: number; listener: (s: EventSnapshot) => void; stop: () => void; lastSeq: number; rb: RingBuffer | null; obs: ReturnType<RingBuffer['observer']> | null }>();

  // Histogram readers and their subscriptions: histograms and strip charts (live-analysis.ts).
  private readonly analysis: LiveAnalysis;

  constructor(plan: RunPlan) {
    this.plan = plan;
    this.setupPath = plan.setupPath;
    this.analysis = new LiveAnalysis(plan, (level, message) => this.log(level, 'histogram', message));
    this.lastStatus = this.idleStatus();
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
    let dir: string;
    try {
      dir = createRunDirectory(outputDirectory, this.plan.setupName, started);
      snapshotSetup(dir, this.plan.setupPath, this.plan.snapshotFiles);
    } catch (e) {
      this.setState('failed');
      this.setState('idle');
      throw new Error(`cannot create the run directory in ${outputDirectory}: ${(e as Error).message}`);
    }

    this.analysis.choose(options.histograms);
    const buffers = new Map<string, RingBuffer>();
    for (const b of this.plan.buffers) {
      const groups = [...readerGroups(this.plan, b.name), ...this.analysis.groupsFor(b.name)];
      const layout: RingBufferLayout = { name: b.name, slots: b.slots, samples: b.samples, fields: b.fields, groups };
      buffers.set(b.name, RingBuffer.create(layout));
    }

    const nInstances = this.plan.functions.reduce((n, f) => n + f.num_process, 0);
    const maxAssign = Math.max(1, ...this.plan.functions.map((f) => f.assign.length));
    const statsStride = STAT.OUT0 + maxAssign;
    const control = new Int32Array(new SharedArrayBuffer(RUN_CONTROL.LENGTH * 4));
    const stats = new Float64Array(new SharedArrayBuffer(nInstances * statsStride * 8));

    let resolveFinished!: (s: RunSummary) => void;
    const finished = new Promise<RunSummary>((r) => (resolveFinished = r));
    let resolveReady!: () => void;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const run: Run = {
      dir,
      started,
      startedAt: performance.now(),
      buffers,
      control,
      stats,
      instances: [],
      runevents: options.runevents ?? this.plan.runevents,
      runtime: options.runtime ?? this.plan.runtime,
      endReason: null,
      errors: new Map(),
      exports: new Set(),
      ended: new Set(),
      pausedAt: null,
      pausedTotal: 0,
      runtimeTimer: null,
      statusTimer: setInterval(() => this.publishStatus(), 1000),
      graceTimer: null,
      lastSample: new Map(),
      rates: new Map(),
      finished,
      resolveFinished,
      drainers: [],
      ready,
      resolveReady,
    };
    this.run = run;
    this.log('info', 'engine', `run started in ${dir} (runevents ${run.runevents || 'unlimited'}, runtime ${run.runtime ? `${run.runtime} s` : 'unlimited'})`);

    const entry = workerEntry();
    let slot = 0;
    for (const fn of this.plan.functions) {
      const counter = new SharedArrayBuffer(8);
      run.errors.set(fn.name, []);
      for (let i = 0; i < fn.num_process; i++) {
        const channel = new MessageChannel();
        const init: WorkerInit = {
          name: fn.name,
          fkt_name: fn.fkt_name,
          instance: i,
          instances: fn.num_process,
          builtin: fn.builtin,
          moduleUrl: fn.moduleUrl,
          config: fn.config,
          on_error: fn.on_error,
          assign: fn.assign.map((a) => ({ ...a, descriptor: buffers.get(a.buffer)!.descriptor })),
          group: fn.name,
          control: control.buffer as SharedArrayBuffer,
          counter,
          runevents: isSource(fn) ? run.runevents : 0,
          stats: stats.buffer as SharedArrayBuffer,
          statsOffset: slot * statsStride,
          runDirectory: dir,
          setupDirectory: dirname(this.plan.setupPath),
          params: channel.port2,
        };
        const worker = new Worker(entry.file, {
          workerData: { ...init, ...entry.extra },
          transferList: [channel.port2],
          name: `${fn.name}#${i}`,
        });
        const inst: Instance = { fn, index: i, worker, params: channel.port1, state: 'starting', ready: false, done: false, exited: false, extra: {}, statsOffset: slot * statsStride };
        slot++;
        run.instances.push(inst);
        worker.on('message', (m: WorkerMessage) => this.onWorkerMessage(run, inst, m));
        worker.on('error', (e) => {
          this.recordError(run, inst, { counter: null, message: e.message, stack: e.stack, policy: 'stop' });
          this.onInstanceDone(run, inst, false);
        });
        worker.on('exit', () => {
          inst.exited = true;
          if (!inst.done) this.onInstanceDone(run, inst, false);
          this.maybeFinish(run);
        });
      }
    }
    // The run finishes only after the histogram readers counted the last event (they end with their buffers).
    run.drainers.push(...this.analysis.begin({ buffers, control: control.buffer as SharedArrayBuffer, runDirectory: dir, setupDirectory: dirname(this.plan.setupPath), entry }));
    // Running, and the runtime clock, begin when every function has loaded its code and opened its buffers.
    await Promise.race([ready, finished]);
  }

  private onInstanceReady(run: Run, inst: Instance): void {
    inst.ready = true;
    if (inst.state === 'starting') inst.state = 'running';
    if (!run.instances.every((i) => i.ready) || run.endReason !== null) return;
    run.startedAt = performance.now();
    this.armRuntime(run);
    this.setState('running');
    run.resolveReady();
  }

  // ------------------------------------------------------------- control

  pause(): void {
    const run = this.run;
    if (!run || this._state !== 'running') return;
    Atomics.store(run.control, RUN_CONTROL.PAUSE, 1);
    this.wake(run);
    for (const b of this.sourceBuffers()) run.buffers.get(b)!.pause();
    run.pausedAt = performance.now();
    if (run.runtimeTimer) clearTimeout(run.runtimeTimer);
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
    if (run.pausedAt !== null) run.pausedTotal += performance.now() - run.pausedAt;
    run.pausedAt = null;
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
    if (run.runtimeTimer) clearTimeout(run.runtimeTimer);
    run.runtimeTimer = null;
    if (run.runtime <= 0) return;
    const left = run.runtime * 1000 - this.activeMs(run);
    run.runtimeTimer = setTimeout(() => this.beginStop(run, 'runtime'), Math.max(0, left));
  }

  /** Milliseconds the run has been running, paused time excluded. */
  private activeMs(run: Run): number {
    const paused = run.pausedTotal + (run.pausedAt !== null ? performance.now() - run.pausedAt : 0);
    return performance.now() - run.startedAt - paused;
  }

  async stop(): Promise<RunSummary> {
    const run = this.run;
    if (!run) return this.waitForEnd();
    this.beginStop(run, 'stop');
    return run.finished;
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
        for (const inst of run.instances) if (!inst.exited) void inst.worker.terminate();
      }, ABORT_GRACE_MS).unref();
    }
    return run.finished;
  }

  /** Graceful stop: sources stop, everything committed drains through every stage. */
  private beginStop(run: Run, reason: EndReason): void {
    if (run.endReason === null) run.endReason = reason;
    if (Atomics.load(run.control, RUN_CONTROL.STOP) === 1) return;
    this.log('info', 'engine', `stopping (${reason}): sources stop, buffered events drain`);
    Atomics.store(run.control, RUN_CONTROL.STOP, 1);
    if (run.pausedAt !== null) this.unpause(run);
    else this.wake(run);
    if (run.runtimeTimer) clearTimeout(run.runtimeTimer);
    if (this._state === 'running' || this._state === 'paused' || this._state === 'starting') this.setState('stopping');
    // A user source that ignores io.signal still ends: its buffers end after a grace period.
    run.graceTimer = setTimeout(() => {
      for (const b of this.sourceBuffers()) {
        if (!run.ended.has(b)) {
          this.log('warn', 'engine', `a source of ${b} did not stop within ${SOURCE_GRACE_MS / 1000} s; ending ${b}`);
          this.endBuffer(run, b);
        }
      }
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
    if (this.run) return this.run.finished;
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
    for (const o of this.observers) o.stop();
    this.observers.clear();
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
    if (m.policy === 'stop') this.beginStop(run, 'error');
  }

  private onInstanceDone(run: Run, inst: Instance, ok: boolean): void {
    if (inst.done) return;
    inst.done = true;
    inst.state = ok ? 'ended' : 'failed';
    // The function has returned; a thread kept alive by a forgotten timer is ended for it.
    setTimeout(() => {
      if (!inst.exited) void inst.worker.terminate();
    }, EXIT_GRACE_MS).unref();
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
        if (writersDone) this.endBuffer(run, a.buffer);
      }
      // A reader group whose every thread is gone would block its buffer's writers forever: drain it here.
      for (const a of inst.fn.assign) {
        if (a.mode === 'read' && !run.ended.has(`drain:${a.buffer}:${inst.fn.name}`)) {
          run.ended.add(`drain:${a.buffer}:${inst.fn.name}`);
          run.drainers.push(this.drainGroup(run, a.buffer, inst.fn.name));
        }
      }
    }
    this.publishStatus();
    this.maybeFinish(run);
  }

  private endBuffer(run: Run, buffer: string): void {
    if (run.ended.has(buffer)) return;
    run.ended.add(buffer);
    run.buffers.get(buffer)!.end();
  }

  /** Releases what a finished reader group left, so the writers of its buffer never wait on it. */
  private async drainGroup(run: Run, buffer: string, group: string): Promise<void> {
    const reader = run.buffers.get(buffer)!.reader(group);
    let dropped = 0;
    for (;;) {
      const ev = await reader.nextAsync();
      if (ev === 'timeout') continue;
      if (!ev) break;
      dropped++;
    }
    reader.close();
    if (dropped > 0) this.log('warn', 'engine', `${dropped} event(s) of ${buffer} were not processed by ${group}, which had ended`);
  }

  private maybeFinish(run: Run): void {
    if (this.run !== run || !run.instances.every((i) => i.done && i.exited)) return;
    for (const b of run.buffers.keys()) this.endBuffer(run, b);
    void Promise.all(run.drainers).then(() => this.finish(run));
  }

  private finish(run: Run): void {
    if (this.run !== run) return;
    clearInterval(run.statusTimer);
    if (run.runtimeTimer) clearTimeout(run.runtimeTimer);
    if (run.graceTimer) clearTimeout(run.graceTimer);
    const reason: EndReason = run.endReason ?? 'source_ended';
    const finalStatus = this.collectStatus(run);
    const summary: RunSummary = {
      setup: this.plan.setupPath,
      started: run.started.toISOString(),
      ended: new Date().toISOString(),
      end_reason: reason,
      run_directory: run.dir,
      runevents: run.runevents,
      runtime: run.runtime,
      buffers: Object.fromEntries(finalStatus.buffers.map((b) => [b.name, { written: b.written, released: b.released, deadtime_mean: b.deadtime_mean }])),
      functions: Object.fromEntries(
        finalStatus.functions.map((f) => {
          const sum = (k: 'events_in' | 'failed_events') => f.instances.reduce((n, i) => n + i[k], 0);
          const out: Record<string, number> = {};
          for (const i of f.instances) for (const [b, n] of Object.entries(i.events_out)) out[b] = (out[b] ?? 0) + n;
          const state: FunctionState = f.instances.some((i) => i.state === 'failed') ? 'failed' : 'ended';
          return [f.name, { fkt_name: f.fkt_name, instances: f.instances.length, state, events_in: sum('events_in'), events_out: out, failed_events: sum('failed_events'), errors: f.errors }];
        }),
      ),
      exports: [...run.exports].sort(),
    };
    writeFileSync(join(run.dir, 'run.json'), JSON.stringify(summary, null, 2) + '\n');
    this.log('info', 'engine', `run ended (${reason}); ${Object.entries(summary.buffers).map(([n, b]) => `${n}: ${b.written}`).join(', ')}`);
    this.lastStatus = { ...finalStatus, state: reason === 'error' || reason === 'abort' ? 'failed' : 'ended' };
    this.lastSummary = summary;
    this.run = null;
    this.setState(this.lastStatus.state);
    this.emit('status', this.lastStatus);
    this.emit('ended', summary);
    run.resolveFinished(summary);
  }

  // -------------------------------------------------------------- status

  status(): StatusReport {
    return this.lastStatus;
  }

  private idleStatus(): StatusReport {
    return {
      state: this._state,
      elapsed: 0,
      source_events: 0,
      buffers: this.plan.buffers.map((b) => ({ name: b.name, slots: b.slots, written: 0, released: Object.fromEntries(readerGroups(this.plan, b.name).map((g) => [g, 0])), filled: 0, rate: 0, deadtime: 0, deadtime_mean: 0 })),
      functions: this.plan.functions.map((f) => ({ name: f.name, fkt_name: f.fkt_name, instances: [], errors: [] })),
      run_directory: null,
    };
  }

  private publishStatus(): void {
    if (this.run) this.lastStatus = this.collectStatus(this.run);
    else this.lastStatus = { ...this.lastStatus, state: this._state };
    this.emit('status', this.lastStatus);
  }

  private collectStatus(run: Run): StatusReport {
    const now = performance.now();
    const buffers: BufferStatus[] = [];
    for (const b of this.plan.buffers) {
      const st = run.buffers.get(b.name)!.status();
      const deadSum = st.deadtime_mean * st.written;
      const prev = run.lastSample.get(b.name);
      let rate = run.rates.get(b.name) ?? { rate: 0, deadtime: 0 };
      if (!prev) run.lastSample.set(b.name, { t: now, written: st.written, deadSum });
      else if (now - prev.t >= 500) {
        const dn = st.written - prev.written;
        rate = { rate: (dn * 1000) / (now - prev.t), deadtime: dn > 0 ? (deadSum - prev.deadSum) / dn : 0 };
        run.rates.set(b.name, rate);
        run.lastSample.set(b.name, { t: now, written: st.written, deadSum });
      }
      buffers.push({ name: b.name, slots: b.slots, written: st.written, released: st.released, filled: st.filled, rate: rate.rate, deadtime: rate.deadtime, deadtime_mean: st.deadtime_mean });
    }
    const functions: FunctionStatus[] = this.plan.functions.map((f) => ({
      name: f.name,
      fkt_name: f.fkt_name,
      errors: [...(run.errors.get(f.name) ?? [])],
      instances: run.instances
        .filter((i) => i.fn === f)
        .map((i) => {
          const s = run.stats;
          const events_out: Record<string, number> = {};
          f.assign.forEach((a, k) => {
            if (a.mode === 'write') events_out[a.buffer] = s[i.statsOffset + STAT.OUT0 + k];
          });
          return { instance: i.index, state: i.state, events_in: s[i.statsOffset + STAT.EVENTS_IN], events_out, failed_events: s[i.statsOffset + STAT.FAILED], extra: { ...i.extra } };
        }),
    }));
    const source_events = functions
      .filter((f) => isSource(this.plan.functions.find((p) => p.name === f.name)!))
      .reduce((n, f) => n + f.instances.reduce((m, i) => m + Object.values(i.events_out).reduce((a, b) => a + b, 0), 0), 0);
    return { state: this._state, elapsed: (now - run.startedAt) / 1000, source_events, buffers, functions, run_directory: run.dir };
  }

  // ------------------------------------------------------------ observers

  observe(buffer: string, hz: number, listener: (snapshot: EventSnapshot) => void): Unsubscribe {
    if (!this.plan.buffers.some((b) => b.name === buffer)) throw new Error(`no ring buffer named "${buffer}" (buffers: ${this.plan.buffers.map((b) => b.name).join(', ')})`);
    const sub = {
      buffer,
      hz,
      listener,
      lastSeq: -1,
      rb: null as RingBuffer | null,
      obs: null as ReturnType<RingBuffer['observer']> | null,
      stop: () => {},
    };
    sub.stop = fixedRateTimer(1000 / Math.max(0.1, Math.min(hz, 120)), () => {
      const rb = this.run?.buffers.get(buffer) ?? null;
      if (!rb) return;
      if (rb !== sub.rb) {
        sub.rb = rb;
        sub.obs = rb.observer();
        sub.lastSeq = -1;
      }
      const snap = sub.obs!.latest();
      if (!snap || snap.seq === sub.lastSeq) return;
      sub.lastSeq = snap.seq;
      listener({ buffer, seq: snap.seq, counter: snap.counter, timestamp: snap.timestamp, deadtime: snap.deadtime, fields: snap.fields });
    });
    this.observers.add(sub);
    return () => {
      sub.stop();
      this.observers.delete(sub);
    };
  }
}
