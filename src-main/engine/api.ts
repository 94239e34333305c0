// The engine's public face, as hosts (CLI, web-mode server, Electron utility
// process, tests) use it. The implementation is engine.ts.
import type { BufferInfo, HistogramRequest, HistogramUpdate, LogLine, StripUpdate } from '../../src-shared/bridge/protocol';
import type { FunctionError, RunState, RunSummary, StatusReport } from '../../src-shared/engine/status';

/** A ring buffer as hosts see it: the bridge's BufferInfo, which the engine produces. */
export type { BufferInfo };

/** A copy of the newest committed event of an observed buffer (never torn). */
export interface EventSnapshot {
  buffer: string;
  /** The buffer's own commit sequence number of this event. */
  seq: number;
  counter: number;
  timestamp: number;
  deadtime: number;
  /** One array per field, in declaration order (copies, safe to keep). */
  fields: Record<string, ArrayLike<number | bigint> & { length: number }>;
}

export interface StartOptions {
  /** Overrides the setup's runevents (0 = unlimited). */
  runevents?: number;
  /** Overrides the setup's runtime in seconds (0 = unlimited). */
  runtime?: number;
  /** Overrides the setup's output_directory. */
  outputDirectory?: string;
  /**
   * Histogram readers: a reader group `histogram` and a thread that counts every event, for
   * histograms and strip charts (true: every scalar buffer; a list: those buffers). Hosts with
   * a window ask for it; the CLI does not, and pays nothing.
   */
  histograms?: boolean | string[];
}

/** A histogram a host watches; change it any time (re-binned from kept values where they cover the run). */
export interface HistogramSubscription {
  set(request: HistogramRequest): void;
  close(): void;
}

/** A line of the run's log as hosts see it: the bridge's LogLine, which the engine produces. */
export type { LogLine };

export interface EngineEvents {
  status: StatusReport;
  state: RunState;
  log: LogLine;
  error: FunctionError;
  ended: RunSummary;
}

export type Unsubscribe = () => void;

/**
 * One loaded setup and its runs. Created by `Engine.load(setupPath)` in
 * src-main/engine/engine.ts; a new run may be started after the previous one ended.
 */
export interface EngineHandle {
  readonly setupPath: string;
  /** Current state (idle before the first start). */
  readonly state: RunState;
  buffers(): BufferInfo[];
  start(options?: StartOptions): Promise<void>;
  pause(): void;
  resume(): void;
  /** Graceful: sources stop, everything drains and is written; resolves with run.json's content. */
  stop(): Promise<RunSummary>;
  /** Emergency stop: wakes every thread, closes files as they are. */
  abort(): Promise<RunSummary>;
  /** Changes a function's parameter while running (reaches io.onParam in its workers). */
  setParam(fn: string, name: string, value: unknown): void;
  /** The latest status report (also emitted as 'status'). */
  status(): StatusReport;
  /** Resolves when the current run has ended (immediately with the last summary if none is running). */
  waitForEnd(): Promise<RunSummary>;
  on<K extends keyof EngineEvents>(event: K, listener: (payload: EngineEvents[K]) => void): Unsubscribe;
  /** Snapshots of a buffer's newest event at most `hz` times a second, newest wins; only while a run is active. */
  observe(buffer: string, hz: number, listener: (snapshot: EventSnapshot) => void): Unsubscribe;
  /** Ends any run (graceful stop) and frees the buffers. */
  close(): Promise<void>;
  /**
   * A histogram of a scalar buffer's field, counted from every event by the run's histogram reader
   * (runs started with `histograms`); updates at most HISTOGRAM_HZ, the last with `final`. Throws for
   * a request that makes no sense (unknown buffer or field, bad bins or range).
   */
  histogram?(request: HistogramRequest, listener: (update: HistogramUpdate) => void): HistogramSubscription;
  /** Strip-chart buckets of a scalar buffer (all fields, or the named ones): the history at once, then new buckets. */
  strip?(buffer: string, fields: string[] | null, listener: (update: StripUpdate) => void): Unsubscribe;
}
