// The messages between the engine and a function's worker thread, and the
// layout of the shared control and statistics memory. Control that must reach
// a thread blocked in Atomics.wait travels through shared memory; the rest
// (parameters) through a MessagePort that the thread polls synchronously.
import type { MessagePort } from 'node:worker_threads';
import type { RingBufferDescriptor } from '../../src-shared/ringbuffer';

/** Indices into the run's shared control Int32Array. */
export const RUN_CONTROL = {
  /** 1 once the run stops: sources end their loops, io.signal aborts. */
  STOP: 0,
  /** 1 while paused: sources wait before producing the next event. */
  PAUSE: 1,
  /** Bumped on every change of STOP/PAUSE, the word sleepers wait on. */
  WAKE: 2,
  /** 1 once the runevents limit was reached by some source. */
  LIMIT_HIT: 3,
  LENGTH: 4,
} as const;

/** Per-instance statistics (Float64Array, written by the instance, read by the engine). */
export const STAT = {
  EVENTS_IN: 0,
  FAILED: 1,
  /** Then one slot per written buffer, in RB_assign order. */
  OUT0: 2,
} as const;

export interface WorkerInit {
  /** Functions entry name (Fkt_2) and the exported function's name. */
  name: string;
  fkt_name: string;
  instance: number;
  instances: number;
  /** 'builtin:sinks/csv' resolves via the built-in table; otherwise a file URL of a user module. */
  builtin: string | null;
  moduleUrl: string | null;
  /** Set for a mimoCoRB Python module: the worker runs it in a Python process (src-workers/python). */
  python?: PythonInit | null;
  config: Record<string, unknown>;
  on_error: 'stop' | 'skip_event';
  assign: { buffer: string; mode: 'read' | 'write' | 'observe'; descriptor: RingBufferDescriptor }[];
  /** Reader group of this function on each buffer it reads (its own name). */
  group: string;
  control: SharedArrayBuffer;
  /** BigInt64Array[1]: the next source counter, claimed with Atomics.add. */
  counter: SharedArrayBuffer;
  /** 0 = unlimited. */
  runevents: number;
  stats: SharedArrayBuffer;
  statsOffset: number;
  /** Int32Array of two words per assign entry: the held range of that reader or writer (see Reader/Writer `track`). */
  track: SharedArrayBuffer;
  runDirectory: string;
  /** The setup file's folder: relative paths in parameters start here. */
  setupDirectory: string;
  /** Port on which the engine sends parameter changes. */
  params: MessagePort;
}

/** How to run a Python function: the interpreter, the module, and the folder of RingScope's Python side. */
export interface PythonInit {
  /** The interpreter: a path or a command on PATH. */
  python: string;
  /** Absolute path of the .py module. */
  module: string;
  /** The module as the setup names it (file_name), for messages. */
  shown: string;
  /** The folder holding ringscope_bridge.py and the mimocorb.buffer_control stand-in. */
  bridgeDir: string;
  /** The Unix socket of the run's fork server for this interpreter; absent or null: start a Python of its own. */
  forkServer?: string | null;
}

/** Worker → engine. */
export type WorkerMessage =
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'error'; counter: number | null; message: string; stack?: string; policy: 'stop' | 'skip_event' }
  | { type: 'export'; path: string; buffer: string }
  | { type: 'extra'; values: Record<string, number | string> }
  | { type: 'ready' }
  | { type: 'done'; ok: boolean };

/** Engine → worker, on the params port. */
export type ParamMessage = { type: 'param'; name: string; value: unknown };
