// The `io` object a worker function receives: its config, ring-buffer handles
// and the helpers (source / filter / sink / observe) that run the event loop
// with run control, error policy and statistics built in.
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { RingBuffer, type EventView, type Observer, type Reader, type RingBufferLayout, type Writer } from '../../src-shared/ringbuffer';
import { RUN_CONTROL, STAT, type ParamMessage, type WorkerInit, type WorkerMessage } from './protocol';
import { fileNameProblem } from '../../src-shared/builtins/catalog';
import { fillOutput, type FieldValues } from './field-values';

export type { FieldValues } from './field-values';
/** Returned by a filter: reject (null/false), forward the input (true), or one entry per writer: values, true (a copy of the input) or null (skip). */
export type FilterResult = null | false | true | (FieldValues | true | null | undefined)[];

export interface SinkOptions {
  /** Called when no event arrived for a while (about 200 ms): flush files here (a promise is awaited). */
  onIdle?: () => void | Promise<void>;
}

export interface ObservedEvent {
  seq: number;
  counter: number;
  timestamp: number;
  deadtime: number;
  fields: Record<string, ArrayLike<number | bigint>>;
}

export interface Log {
  (message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What every worker function receives. */
export interface FunctionIO {
  /** Functions entry name (e.g. Fkt_2), exported function name, instance number (0-based) and count. */
  name: string;
  fkt_name: string;
  instance: number;
  instances: number;
  /** Merged parameters; live changes update it too. */
  config: Record<string, unknown>;
  readers: Record<string, Reader>;
  writers: Record<string, Writer>;
  observers: Record<string, Observer>;
  /** The record layout (fields, samples, slots) of every buffer this function uses, by name. */
  layouts: Record<string, RingBufferLayout>;
  log: Log;
  /** Aborted when the run stops. */
  signal: AbortSignal;
  /** The run directory; exports go here. */
  runDirectory: string;
  /** The setup file's folder: resolve relative paths in parameters against it. */
  setupDirectory: string;
  /** Registers a handler for a parameter changed while running. */
  onParam(name: string, fn: (value: unknown) => void): void;
  /** Calls fill(event) for each free slot of the first writer until it returns false or the run stops. */
  source(fill: (event: EventView) => boolean | void | Promise<boolean | void>): Promise<void>;
  /** Calls fn(input, writers) per event of the first reader and writes what it returns. */
  filter(fn: (input: EventView, writers: Writer[]) => FilterResult | Promise<FilterResult>): Promise<void>;
  /** Calls fn(event) per event of the first reader, then fn(null) once at end of stream (flush and close there). */
  sink(fn: (event: EventView | null) => void | Promise<void>, options?: SinkOptions): Promise<void>;
  /** Calls fn with a copy of the newest event of the first observed buffer, at most hz times a second, until the run stops. */
  observe(fn: (event: ObservedEvent) => void | Promise<void>, hz?: number): Promise<void>;
  /** Sleeps, waking early when the run stops; resolves false if it stopped. */
  sleep(seconds: number): boolean;
  /** The path of an export file in the run directory: `filename` parameter or `<Fkt>_<buffer>`, plus ext. */
  exportPath(ext: string, buffer?: string): string;
  /** Extra counters shown in the status (line errors, missed ticks …). */
  setStatus(values: Record<string, number | string>): void;
  /** True once the run is stopping. */
  readonly stopping: boolean;
}

const POLL_MS = 200;

function post(msg: WorkerMessage): void {
  parentPort?.postMessage(msg);
}

function describe(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return { message: e.message, stack: e.stack };
  return { message: String(e) };
}

function isPromise<T>(x: unknown): x is Promise<T> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

/** Thrown out of a helper loop to end the function after an error under the `stop` policy. */
export class StopAfterError extends Error {}

/** What the runtime's own adapters (the Python bridge) use besides FunctionIO: the counting and error handling of the helpers. */
export interface RuntimeInternals {
  countIn(n: number): void;
  countOut(w: Writer, n: number): void;
  /** Reports a function error (stack: e.g. a Python traceback); true when the run goes on (skip_event). */
  fail(e: Error, counter: number | null): boolean;
  /** The next source counter, or null once runevents is reached. */
  claimCounter(): number | null;
  paused(): boolean;
  stopping(): boolean;
  /** Lists a file the function writes among the run's exports (run.json). */
  registerExport(path: string, buffer: string): void;
}

/** The io object as the worker runtime holds it. */
export type RuntimeIO = FunctionIO & { close(): void; failed: boolean; internal: RuntimeInternals };

/** Builds the io object for one worker function instance. */
export function createIO(init: WorkerInit): RuntimeIO {
  const ctrl = new Int32Array(init.control);
  const counter = new BigInt64Array(init.counter);
  const stats = new Float64Array(init.stats, init.statsOffset * 8, STAT.OUT0 + init.assign.length);
  const buffers = new Map<string, RingBuffer>();
  const readers: Record<string, Reader> = {};
  const writers: Record<string, Writer> = {};
  const observers: Record<string, Observer> = {};
  const layouts: Record<string, RingBufferLayout> = {};
  const outIndex = new Map<Writer, number>();
  const isSource = !init.assign.some((a) => a.mode === 'read');
  init.assign.forEach((a, i) => {
    let rb = buffers.get(a.buffer);
    if (!rb) buffers.set(a.buffer, (rb = RingBuffer.open(a.descriptor)));
    layouts[a.buffer] = a.descriptor.layout;
    // What this thread holds is mirrored in shared memory: should the thread die, the engine gives it back.
    const track = new Int32Array(init.track, i * 8, 2);
    if (a.mode === 'read') readers[a.buffer] = rb.reader(init.group, { track });
    else if (a.mode === 'observe') observers[a.buffer] = rb.observer();
    else {
      const w = rb.writer({ deadtime: isSource ? 'measure' : 'keep', track });
      writers[a.buffer] = w;
      outIndex.set(w, STAT.OUT0 + i);
    }
  });

  const abort = new AbortController();
  const paramHandlers = new Map<string, ((v: unknown) => void)[]>();
  const config = { ...init.config };
  let failed = false;
  let lastPoll = 0;

  const applyParam = (m: ParamMessage) => {
    config[m.name] = m.value;
    for (const h of paramHandlers.get(m.name) ?? []) {
      try {
        h(m.value);
      } catch (e) {
        post({ type: 'log', level: 'error', message: `parameter ${m.name}: ${describe(e).message}` });
      }
    }
  };
  init.params.on('message', applyParam);
  init.params.unref();

  const stopping = () => Atomics.load(ctrl, RUN_CONTROL.STOP) === 1;
  const checkStop = () => {
    if (stopping() && !abort.signal.aborted) abort.abort();
    return abort.signal.aborted;
  };
  // Async functions never enter the helpers' loops: keep the signal current for them.
  const signalTimer = setInterval(checkStop, POLL_MS);
  signalTimer.unref();

  /** Delivers pending parameter changes to a thread busy in a synchronous loop. */
  const poll = (force = false) => {
    const now = performance.now();
    if (!force && now - lastPoll < 50) return;
    lastPoll = now;
    for (let m = receiveMessageOnPort(init.params); m; m = receiveMessageOnPort(init.params)) applyParam(m.message as ParamMessage);
    checkStop();
  };

  const log = Object.assign((message: string) => post({ type: 'log', level: 'info', message }), {
    info: (message: string) => post({ type: 'log', level: 'info', message }),
    warn: (message: string) => post({ type: 'log', level: 'warn', message }),
    error: (message: string) => post({ type: 'log', level: 'error', message }),
  });

  let lastError: string | null = null;
  /** Reports a function error; returns true when the loop should go on (skip_event). */
  const onError = (e: unknown, ev: { counter: number } | null): boolean => {
    const { message, stack } = describe(e);
    // A sink's final flush repeats the write error that stopped it: report it once.
    if (ev === null && message === lastError) return false;
    lastError = message;
    post({ type: 'error', counter: ev ? ev.counter : null, message, stack, policy: init.on_error });
    if (init.on_error === 'skip_event') {
      stats[STAT.FAILED]++;
      return true;
    }
    failed = true;
    return false;
  };

  const first = <T>(rec: Record<string, T>, what: string): T => {
    const v = Object.values(rec)[0];
    if (!v) throw new Error(`${init.name} (${init.fkt_name}) uses io.${what} but RB_assign gives it no buffer to ${what === 'source' ? 'write' : what === 'observe' ? 'observe' : 'read'}`);
    return v;
  };

  /** Blocks until a slot is free; null when the buffer ended or the run was aborted. */
  const acquire = (w: Writer): EventView | null => {
    for (;;) {
      const ev = w.acquire(POLL_MS);
      if (ev !== 'timeout') return ev;
      poll(true);
    }
  };

  const next = (r: Reader): EventView | null => {
    for (;;) {
      const ev = r.next(POLL_MS);
      if (ev !== 'timeout') return ev;
      poll(true);
    }
  };

  const claimCounter = (): number | null => {
    const c = Number(Atomics.add(counter, 0, 1n));
    if (init.runevents > 0 && c >= init.runevents) {
      Atomics.store(ctrl, RUN_CONTROL.LIMIT_HIT, 1);
      return null;
    }
    return c;
  };

  const waitWhilePaused = () => {
    while (Atomics.load(ctrl, RUN_CONTROL.PAUSE) === 1 && !stopping()) {
      const w = Atomics.load(ctrl, RUN_CONTROL.WAKE);
      if (Atomics.load(ctrl, RUN_CONTROL.PAUSE) !== 1) break;
      Atomics.wait(ctrl, RUN_CONTROL.WAKE, w, POLL_MS);
      poll(true);
    }
  };

  /** Gives back whatever the writers hold: a function that threw after an acquire leaks no slot. */
  const cancelHeld = () => {
    for (const w of Object.values(writers)) w.cancel();
  };

  const writeOut = (w: Writer, input: EventView, values: FieldValues | true): boolean => {
    const out = acquire(w);
    if (!out) return false;
    out.counter = input.counter;
    out.timestamp = input.timestamp;
    out.deadtime = input.deadtime;
    try {
      fillOutput(out, input, values, config.missing_fields === 'zero');
    } catch (e) {
      w.cancel();
      throw e;
    }
    w.commit();
    stats[outIndex.get(w)!]++;
    return true;
  };

  const io: RuntimeIO = {
    internal: {
      countIn: (n) => void (stats[STAT.EVENTS_IN] += n),
      countOut: (w, n) => void (stats[outIndex.get(w)!] += n),
      fail: (e, counter) => onError(e, counter === null ? null : { counter }),
      claimCounter,
      paused: () => Atomics.load(ctrl, RUN_CONTROL.PAUSE) === 1,
      stopping,
      registerExport: (path, buffer) => post({ type: 'export', path, buffer }),
    },
    name: init.name,
    fkt_name: init.fkt_name,
    instance: init.instance,
    instances: init.instances,
    config,
    readers,
    writers,
    observers,
    layouts,
    log,
    signal: abort.signal,
    runDirectory: init.runDirectory,
    setupDirectory: init.setupDirectory,
    get stopping() {
      return stopping();
    },
    get failed() {
      return failed;
    },
    onParam(name, fn) {
      const list = paramHandlers.get(name) ?? [];
      list.push(fn);
      paramHandlers.set(name, list);
    },

    async source(fill) {
      const w = first(writers, 'source');
      for (;;) {
        poll();
        waitWhilePaused();
        if (checkStop()) return;
        const c = claimCounter();
        if (c === null) return;
        const ev = acquire(w);
        if (!ev) return;
        ev.counter = c;
        ev.timestamp = Date.now();
        let r: boolean | void;
        try {
          const res = fill(ev);
          r = isPromise<boolean | void>(res) ? await res : res;
        } catch (e) {
          cancelHeld();
          if (onError(e, { counter: c })) continue;
          return;
        }
        if (r === false) {
          w.cancel();
          return;
        }
        w.commit();
        stats[outIndex.get(w)!]++;
      }
    },

    async filter(fn) {
      const r = first(readers, 'filter');
      const outs = Object.values(writers);
      for (;;) {
        poll();
        const ev = next(r);
        if (!ev) return;
        stats[STAT.EVENTS_IN]++;
        try {
          const res = fn(ev, outs);
          const result = isPromise<FilterResult>(res) ? await res : res;
          if (result === true) {
            if (!outs[0]) throw new Error('the filter returned true (forward the input) but RB_assign gives it no buffer to write');
            writeOut(outs[0], ev, true);
          } else if (Array.isArray(result)) {
            if (result.length > outs.length) {
              throw new Error(`the filter returned ${result.length} outputs but RB_assign gives it ${outs.length} buffer(s) to write`);
            }
            result.forEach((values, i) => {
              if (values) writeOut(outs[i], ev, values);
            });
          }
        } catch (e) {
          cancelHeld();
          if (onError(e, ev)) continue;
          return;
        }
      }
    },

    async sink(fn, options = {}) {
      const r = first(readers, 'sink');
      try {
        for (;;) {
          poll();
          let ev = r.next(POLL_MS);
          // While no event comes, the sink may flush; an asynchronous flush is awaited (its thread's event loop turns).
          while (ev === 'timeout') {
            poll(true);
            const idle = options.onIdle?.();
            if (isPromise(idle)) await idle;
            ev = r.next(POLL_MS);
          }
          if (!ev) return;
          stats[STAT.EVENTS_IN]++;
          try {
            const res = fn(ev);
            if (isPromise(res)) await res;
          } catch (e) {
            if (onError(e, ev)) continue;
            return;
          }
        }
      } finally {
        // The final flush runs on every path, so files are complete however the run ends.
        try {
          const res = fn(null);
          if (isPromise(res)) await res;
        } catch (e) {
          onError(e, null);
        }
      }
    },

    async observe(fn, hz = 10) {
      const o = first(observers, 'observe');
      const rb = buffers.get(Object.keys(observers)[0])!;
      let lastSeq = -1;
      const period = 1000 / Math.max(0.1, hz);
      for (;;) {
        // A run that stops (or ends) between two looks still shows its newest event once; an aborted one does not.
        const stopped = checkStop();
        const snap = rb.status().aborted ? null : o.latest();
        if (snap && snap.seq !== lastSeq) {
          lastSeq = snap.seq;
          try {
            const res = fn(snap);
            if (isPromise(res)) await res;
          } catch (e) {
            if (!onError(e, snap)) return;
          }
        }
        const st = rb.status();
        if (stopped || st.aborted || (st.ended && st.filled === 0)) return;
        // A stop wakes the wait (the signal timer aborts): a slow observer does not hold up the end of a run.
        await new Promise<void>((res) => {
          const done = () => {
            clearTimeout(t);
            abort.signal.removeEventListener('abort', done);
            res();
          };
          const t = setTimeout(done, period);
          abort.signal.addEventListener('abort', done);
        });
        poll();
      }
    },

    sleep(seconds) {
      const until = performance.now() + seconds * 1000;
      for (;;) {
        if (checkStop()) return false;
        const left = until - performance.now();
        if (left <= 0) return true;
        const w = Atomics.load(ctrl, RUN_CONTROL.WAKE);
        Atomics.wait(ctrl, RUN_CONTROL.WAKE, w, Math.min(left, POLL_MS));
        poll();
      }
    },

    exportPath(ext, buffer) {
      const b = buffer ?? Object.keys(readers)[0] ?? Object.keys(observers)[0] ?? 'data';
      const base = typeof config.filename === 'string' && config.filename ? config.filename : `${init.name}_${b}`;
      // An export stays inside its run directory, whatever the setup says (../../x would write anywhere).
      const problem = fileNameProblem(base);
      if (problem) throw new Error(`${init.name}: filename ${problem}`);
      const suffix = init.instances > 1 ? `_${init.instance}` : '';
      const path = `${init.runDirectory}/${base}${suffix}.${ext.replace(/^\./, '')}`;
      post({ type: 'export', path, buffer: b });
      return path;
    },

    setStatus(values) {
      post({ type: 'extra', values });
    },

    /** Runs on every path out of the function (worker.ts): held slots go back, every handle closes. */
    close() {
      clearInterval(signalTimer);
      for (const w of Object.values(writers)) w.close();
      for (const r of Object.values(readers)) r.close();
      init.params.close();
    },
  };
  return io;
}
