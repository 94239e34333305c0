// A run as the engine keeps it (engine.ts): its ring buffers, shared control
// and statistics, worker instances and outcome, how they are created and
// ended, and the clock that keeps paused time out of the runtime limit.
import { dirname } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { RingBuffer, type RingBufferLayout } from '../../src-shared/ringbuffer';
import type { DiskStatus, EndReason, FunctionError, FunctionState, RunSummary } from '../../src-shared/engine/status';
import { DiskWatch } from './disk-watch';
import { RUN_CONTROL, STAT, type WorkerInit } from '../../src-workers/runtime/protocol';
import { isSource, readerGroups, type PlannedFunction, type RunPlan } from './plan';
import type { ForkServers } from './python-forkserver';
import type { WorkerEntry } from './worker-entry';

export interface Instance {
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
  /** Two Int32 words per RB_assign entry: what the instance's reader or writer holds (Reader/Writer `track`). */
  track: Int32Array;
  /** Set when the engine itself terminated the thread (abort, a thread that outlived its function). */
  terminated: boolean;
  /** Set once the thread's death (crash, exit before its function returned) was recorded as an error. */
  crashed: boolean;
}

export interface Run {
  dir: string;
  started: Date;
  buffers: Map<string, RingBuffer>;
  control: Int32Array;
  stats: Float64Array;
  instances: Instance[];
  runevents: number;
  runtime: number;
  /** When running began, the time spent paused, and the runtime timer. */
  clock: RunClock;
  endReason: EndReason | null;
  /** The error that stopped the run (run.json's `error`), in words naming the function. */
  error: string | null;
  /** Status ticks so far: run.json is rewritten every RUN_FILE_EVERY_S of them. */
  ticks: number;
  /** Set once a rewrite of run.json failed (warned once). */
  runFileProblem: string | null;
  /** Free space on the output disk, sampled every status tick; warned about once. */
  disk: DiskWatch;
  diskStatus: DiskStatus | null;
  diskWarned: boolean;
  errors: Map<string, FunctionError[]>;
  exports: Set<string>;
  /** Which function wrote each export, from which buffer (run.json's export_sources, for `ringscope recover`). */
  exportSources: Map<string, { function: string; buffer: string }>;
  ended: Set<string>;
  statusTimer: NodeJS.Timeout;
  graceTimer: NodeJS.Timeout | null;
  /** Per buffer, what the status rates were last computed from (status-report.ts). */
  sampling: RateSampling;
  finished: Deferred<RunSummary>;
  drainers: Promise<void>[];
  /** Resolves when every instance is ready (or the run ended before). */
  ready: Deferred<void>;
  /** The run's Python fork servers (python-forkserver.ts); null before they started or without Python functions. */
  forks: ForkServers | null;
}

/** Per buffer, the sample the rates were last computed from, and those rates. */
export interface RateSampling {
  lastSample: Map<string, { t: number; written: number; deadSum: number }>;
  rates: Map<string, { rate: number; deadtime: number }>;
}

/** A promise and the function that resolves it. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A run's clock: running time excludes paused time, and the runtime limit counts running time only. */
export class RunClock {
  /** performance.now() when running began (reset when every instance is ready). */
  startedAt = performance.now();
  pausedAt: number | null = null;
  pausedTotal = 0;
  runtimeTimer: NodeJS.Timeout | null = null;

  /** Marks the start of a pause and holds the runtime timer. */
  pause(): void {
    this.pausedAt = performance.now();
    this.disarm();
  }

  /** Ends a pause (if any), adding it to the paused total. */
  unpause(): void {
    if (this.pausedAt !== null) this.pausedTotal += performance.now() - this.pausedAt;
    this.pausedAt = null;
  }

  /** (Re)starts the runtime timer for what is left of `runtime` seconds of running time (0 = unlimited). */
  arm(runtime: number, onLimit: () => void): void {
    if (this.runtimeTimer) clearTimeout(this.runtimeTimer);
    this.runtimeTimer = null;
    if (runtime <= 0) return;
    const left = runtime * 1000 - this.activeMs();
    this.runtimeTimer = setTimeout(onLimit, Math.max(0, left));
  }

  /** Stops the runtime timer (a pause, a stop, the end). */
  disarm(): void {
    if (this.runtimeTimer) clearTimeout(this.runtimeTimer);
  }

  /** Milliseconds the run has been running, paused time excluded. */
  activeMs(): number {
    const paused = this.pausedTotal + (this.pausedAt !== null ? performance.now() - this.pausedAt : 0);
    return performance.now() - this.startedAt - paused;
  }
}

/** What a new run takes besides the plan: its directory and limits, the engine's extra reader groups and status tick. */
export interface RunOptions {
  dir: string;
  started: Date;
  runevents: number;
  runtime: number;
  /** Reader groups a buffer gets besides the plan's (the histogram reader's). */
  groupsFor: (buffer: string) => string[];
  /** Called every second until the run finishes (clearInterval(run.statusTimer)). */
  statusTick: () => void;
}

/** A new run: its ring buffers, shared control and statistics (statsStride numbers per instance); no instances yet. */
export function createRun(plan: RunPlan, o: RunOptions): { run: Run; statsStride: number } {
  const buffers = new Map<string, RingBuffer>();
  for (const b of plan.buffers) {
    const groups = [...readerGroups(plan, b.name), ...o.groupsFor(b.name)];
    const layout: RingBufferLayout = { name: b.name, slots: b.slots, samples: b.samples, fields: b.fields, groups };
    buffers.set(b.name, RingBuffer.create(layout));
  }

  const nInstances = plan.functions.reduce((n, f) => n + f.num_process, 0);
  const maxAssign = Math.max(1, ...plan.functions.map((f) => f.assign.length));
  const statsStride = STAT.OUT0 + maxAssign;
  const control = new Int32Array(new SharedArrayBuffer(RUN_CONTROL.LENGTH * 4));
  const stats = new Float64Array(new SharedArrayBuffer(nInstances * statsStride * 8));

  const finished = deferred<RunSummary>();
  const ready = deferred<void>();
  const run: Run = {
    dir: o.dir,
    started: o.started,
    clock: new RunClock(),
    buffers,
    control,
    stats,
    instances: [],
    runevents: o.runevents,
    runtime: o.runtime,
    endReason: null,
    error: null,
    ticks: 0,
    runFileProblem: null,
    disk: new DiskWatch(o.dir),
    diskStatus: null,
    diskWarned: false,
    errors: new Map(),
    exports: new Set(),
    exportSources: new Map(),
    ended: new Set(),
    statusTimer: setInterval(o.statusTick, 1000),
    graceTimer: null,
    sampling: { lastSample: new Map(), rates: new Map() },
    finished,
    drainers: [],
    ready,
    forks: null,
  };
  return { run, statsStride };
}

/** Starts instance `index` of a function in its own worker thread (the engine listens to it); `counter` is shared by the function's instances. */
export function spawnInstance(plan: RunPlan, run: Run, fn: PlannedFunction, index: number, counter: SharedArrayBuffer, statsOffset: number, entry: WorkerEntry): Instance {
  const channel = new MessageChannel();
  const track = new Int32Array(new SharedArrayBuffer(Math.max(1, fn.assign.length) * 8));
  const init: WorkerInit = {
    name: fn.name,
    fkt_name: fn.fkt_name,
    instance: index,
    instances: fn.num_process,
    builtin: fn.builtin,
    moduleUrl: fn.moduleUrl,
    python: fn.python ? { ...fn.python, forkServer: run.forks?.socketFor(fn.python.python) ?? null } : null,
    config: fn.config,
    on_error: fn.on_error,
    assign: fn.assign.map((a) => ({ ...a, descriptor: run.buffers.get(a.buffer)!.descriptor })),
    group: fn.name,
    control: run.control.buffer as SharedArrayBuffer,
    counter,
    runevents: isSource(fn) ? run.runevents : 0,
    stats: run.stats.buffer as SharedArrayBuffer,
    statsOffset,
    track: track.buffer as SharedArrayBuffer,
    runDirectory: run.dir,
    setupDirectory: dirname(plan.setupPath),
    params: channel.port2,
  };
  const worker = new Worker(entry.file, {
    workerData: { ...init, ...entry.extra },
    transferList: [channel.port2],
    name: `${fn.name}#${index}`,
  });
  return { fn, index, worker, params: channel.port1, state: 'starting', ready: false, done: false, exited: false, extra: {}, statsOffset, track, terminated: false, crashed: false };
}

/** Ends an instance's thread from outside (it is not an error of the function). */
export function terminateInstance(inst: Instance): void {
  if (inst.exited) return;
  inst.terminated = true;
  void inst.worker.terminate();
}

/**
 * After an instance's thread has gone: gives back what its readers and writers still held, so the
 * other threads never wait on it. Events it had taken and not finished count as its failed events.
 */
export function reclaimInstance(run: Run, inst: Instance): number {
  let lost = 0;
  inst.fn.assign.forEach((a, k) => {
    const track = inst.track.subarray(2 * k, 2 * k + 2);
    const rb = run.buffers.get(a.buffer)!;
    if (a.mode === 'read') lost += rb.reclaimReader(inst.fn.name, track);
    else if (a.mode === 'write') rb.reclaimWriter(track);
  });
  if (lost > 0) run.stats[inst.statsOffset + STAT.FAILED] += lost;
  return lost;
}

/** Ends a buffer for its readers, once. */
export function endBuffer(run: Run, buffer: string): void {
  if (run.ended.has(buffer)) return;
  run.ended.add(buffer);
  run.buffers.get(buffer)!.end();
}

/** Releases what a finished reader group left, so the writers of its buffer never wait on it. */
export async function drainGroup(run: Run, buffer: string, group: string, warn: (message: string) => void): Promise<void> {
  const reader = run.buffers.get(buffer)!.reader(group);
  let dropped = 0;
  for (;;) {
    const ev = await reader.nextAsync();
    if (ev === 'timeout') continue;
    if (!ev) break;
    dropped++;
  }
  reader.close();
  if (dropped > 0) warn(`${dropped} event(s) of ${buffer} were not processed by ${group}, which had ended`);
}
