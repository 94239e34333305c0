// The bridge: the one typed contract between an engine host (the web-mode
// server `ringscope serve`, later the Electron utility process) and the UI.
// Commands flow UI → host, events host → UI; both are discriminated unions on
// `type`. The same messages travel over a WebSocket (browser mode) and a
// MessagePort (Electron); src-shared/bridge/codec.ts puts them on the wire.
// Pure types and constants: no Node, no DOM.
import type { FunctionError, RunState, RunSummary, StatusReport } from '../engine/status';

/** Bumped when a message changes incompatibly; the host states it in `hello`. */
export const PROTOCOL_VERSION = 1;

/** Snapshots per second a host sends by default (newest wins, never queued). */
export const DEFAULT_DISPLAY_HZ = 30;

/**
 * Snapshots a host may send a client before the client acknowledges them (flow control). A client
 * acknowledges at its next animation frame, up to a frame or two later on a busy machine; with 3
 * in flight a 30 Hz stream does not wait for that, and a slow client still never queues more.
 */
export const SNAPSHOT_WINDOW = 3;

// ---------------------------------------------------------------- shared data

/** A ring buffer's layout and the setup's display hints, as the engine describes it to hosts and the UI. */
export interface BufferInfo {
  name: string;
  slots: number;
  samples: number;
  fields: { name: string; dtype: string }[];
  display?: Record<string, unknown>;
  /** Reader-group names (Functions entries reading it). */
  groups: string[];
  /** True when some function observes it (RB_assign: observe); any buffer may be snapshot by hosts. */
  observed: boolean;
  /** What it holds in words: the setup's `description:`, else what the built-in writing it says ("raw waveforms"). */
  description?: string;
}

/** A function of the setup as the window names it. */
export interface FunctionInfo {
  name: string;
  fkt_name: string;
  /** The setup's `description:`, else the built-in's label ("decay finder"). */
  description?: string;
}

/** One setup-validation problem, located in its file. */
export interface SetupProblem {
  severity: 'error' | 'warning' | 'note';
  message: string;
  file?: string | null;
  line?: number | null;
  column?: number | null;
  /** Key path of the offending value (`Functions.Fkt_2.num_process` or its parts). */
  path?: string | readonly (string | number)[] | null;
}

/** The loaded setup: what the UI needs to show it and whether it can run. */
export interface SetupInfo {
  /** The setup file as the host names it (relative to the host's working folder when inside it). */
  path: string;
  title?: string;
  description?: string;
  /** Empty when the setup failed validation. */
  buffers: BufferInfo[];
  problems: SetupProblem[];
  /** True when an engine was created (no error stands): Start is possible. */
  runnable: boolean;
  /** The setup's own run limits (0 = none), used when Start gives none. */
  runevents?: number;
  runtime?: number;
  /** Where the run limits are written ("Fkt_main", "general: of config/x.yaml"), when they are set. */
  limitsFrom?: { runevents?: string; runtime?: string };
  /** A source that ends by itself after so many events (the muon source's events_required), and which. */
  sourceEvents?: { events: number; from: string };
  /** The functions, with what each does. */
  functions?: FunctionInfo[];
  /** The setup's YAML text as the engine loaded it (absent when the host could not or may not read it). */
  text?: string;
  /** True when the engine runs text a page sent (unsaved edits) rather than the file at `path`. */
  draft?: boolean;
  /** True when the host refuses to save at `path` (shipped examples): Save As makes a copy. */
  readOnly?: boolean;
  /** Content of each config file the setup names, keyed by the name as written (for the editor's parameter origins). */
  configs?: Record<string, unknown>;
}

/** A setup the host offers to open (its examples). */
export interface SetupEntry {
  title: string;
  /** As `open` takes it (relative to the host's working folder when inside it). */
  path: string;
  description?: string;
}

/** A line of the run log. */
export interface LogLine {
  time: number;
  level: 'info' | 'warn' | 'error';
  source: string;
  message: string;
}

/** Log lines a host keeps and hands a page that connects (the log panel's history). */
export const LOG_HISTORY = 500;

/** One file of a run directory, as the run panel lists it. */
export interface RunFileEntry {
  /** Relative to the run directory, with `/` (a Parquet dataset's parts: `name.parquet/part-…`). */
  path: string;
  size: number;
  /** Where the page downloads it (browser mode only: this session's runs, behind the access token). */
  url?: string;
}

/** The files of the current (or last) run and how fast they grow. */
export interface RunFiles {
  run_directory: string;
  files: RunFileEntry[];
  /** Bytes of all files together. */
  total: number;
  /** Bytes per second the run directory grew over the last few seconds (null when not measured yet). */
  growth: number | null;
  /** True while the run writes. */
  active: boolean;
}

/** A run command a page carried out (sent to every page: `self` tells the page that sent it). */
export type RunControlCommand = 'start' | 'pause' | 'resume' | 'stop' | 'abort';

/** Element types a snapshot field may carry (the setup's dtype names). */
export type SampleType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

/** The typed array that holds samples of each SampleType. */
export type SampleArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** One field of a snapshot: its samples as a typed array. */
export interface SnapshotField {
  name: string;
  dtype: SampleType;
  data: SampleArray;
}

/** A copy of the newest event of a buffer, for display only (never for counting). */
export interface Snapshot {
  buffer: string;
  /** The buffer's commit sequence number of this event. */
  seq: number;
  counter: number;
  timestamp: number;
  deadtime: number;
  /** In the buffer's field order. */
  fields: SnapshotField[];
}

/** Histogram updates per second a host sends at most (bins change slowly; the fit needs no more). */
export const HISTOGRAM_HZ = 4;

/** Width in ms of the finest strip-chart buckets (min/max of every event in it). */
export const STRIP_BUCKET_MS = 100;

/** Most bins a histogram may have. */
export const MAX_HISTOGRAM_BINS = 10_000;

/** The unbinned exponential fit of a histogram's values in [t_min, t_max] (src-shared/fit). */
export interface HistogramFitSpec {
  t_min: number;
  t_max: number;
  /** Fit a flat background fraction too. */
  background?: boolean;
}

/** What a histogram shows: a field of a scalar buffer (samples = 1), its binning, an optional fit. */
export interface HistogramRequest {
  buffer: string;
  field: string;
  bins: number;
  /** Lower edge of the first bin and upper edge of the last. */
  range: [number, number];
  fit?: HistogramFitSpec | null;
}

/** A fit result as it travels (LifetimeFit of src-shared/fit); non-finite numbers travel as null. */
export interface HistogramFitResult {
  tau: number | null;
  sigma: number | null;
  /** Values inside [t_min, t_max] that the fit used. */
  n: number;
  t_min: number;
  t_max: number;
  converged: boolean;
  message?: string;
  background_fraction?: number | null;
  background_sigma?: number | null;
  /** True when older values were no longer kept: the fit used the newest `kept` values only. */
  partial: boolean;
  kept: number;
}

/** A histogram's contents, counted by the engine's `histogram` reader group from every event (never from snapshots). */
export interface HistogramUpdate {
  id: string;
  buffer: string;
  field: string;
  /** Lower edge of the first bin and upper edge of the last. */
  range: [number, number];
  counts: number[];
  underflow: number;
  overflow: number;
  /** Values in range (the sum of counts). */
  entries: number;
  /** NaN values (counted nowhere else). */
  invalid: number;
  /** Events counted: entries + underflow + overflow + invalid. */
  events: number;
  /** True when every event of the buffer in this run is counted (false after counting restarted). */
  complete: boolean;
  /** True once the run has ended and its last event is counted. */
  final: boolean;
  fit: HistogramFitResult | null;
  /** Smallest and largest finite value counted (null before any): for "fit the range to the data". */
  low?: number | null;
  high?: number | null;
  /** Why the counts are not simply "every event of this run" (counting restarted, no reader …). */
  note?: string;
}

/** Min and max of every field over the events of one time bucket (from every event, not snapshots). */
export interface StripBucket {
  /** Bucket start: ms since the epoch, from the events' timestamps. */
  t: number;
  /** Bucket width in ms. */
  dt: number;
  /** Events in the bucket. */
  n: number;
  /** Per field in StripUpdate.fields order; null where the bucket has no finite value. */
  min: (number | null)[];
  max: (number | null)[];
}

/** A strip-chart history: tiers of buckets, finest first (see src-shared/analysis/strip.ts). */
export interface StripHistoryData {
  fields: string[];
  tiers: { width: number; span: number | null; buckets: StripBucket[] }[];
}

/** Strip-chart data of a scalar buffer: the history on subscribe or a new run (`reset`), then new finest buckets. */
export interface StripUpdate {
  buffer: string;
  fields: string[];
  /** True: replaces what the client holds (`history` carries it). */
  reset: boolean;
  history?: StripHistoryData;
  /** New buckets of STRIP_BUCKET_MS, in time order (a bucket may continue one sent before: merge same `t`). */
  buckets: StripBucket[];
  /** The newest event: its timestamp and values (null: not finite). */
  latest: { t: number; values: (number | null)[] } | null;
  /** Events of the buffer read this run. */
  events: number;
  final: boolean;
}

/** Who may send run-control commands; browser mode lets every connected page control. */
export type ControlPolicy = 'all';

/** A serial port of the host's machine, as offered for a serial source's `port` parameter. */
export interface SerialPortEntry {
  /** What goes into the setup: /dev/ttyACM0, COM3 … */
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  /** USB ids, hex. */
  vendorId?: string;
  productId?: string;
  /** A name that stays the same when the device is plugged in elsewhere (Linux: /dev/serial/by-id/…). */
  byId?: string;
}

// ------------------------------------------------------------------ commands

/** Commands, UI → host. `req` (optional) is echoed in the host's `ack`. */
export type Command =
  /** Opens the setup at `path`; with `text`, the engine loads that text (unsaved edits) as if it were the file there. */
  | { type: 'open'; req?: number; path: string; text?: string }
  /**
   * Writes `text` to `path` (a .yaml/.yml file) and, when no run is active, opens it. `from`: the path the
   * text was opened from, so relative paths in it are rewritten for a new folder (Save As). Refused when
   * another file exists at `path` unless `overwrite`.
   */
  | { type: 'save_setup'; req?: number; path: string; text: string; from?: string; overwrite?: boolean }
  /** Asks for the setups the host offers (answered with `setup_list`). */
  | { type: 'list_setups'; req?: number }
  /** Asks for the serial ports of the host's machine (answered with `port_list`). */
  | { type: 'list_ports'; req?: number }
  | { type: 'start'; req?: number; runevents?: number; runtime?: number }
  | { type: 'pause'; req?: number }
  | { type: 'resume'; req?: number }
  | { type: 'stop'; req?: number }
  /** Aborts the run now (files closed as they are): the second Stop, for a function that does not stop. */
  | { type: 'abort'; req?: number }
  | { type: 'set_param'; req?: number; function: string; name: string; value: unknown }
  /** Writes a Channel Access PV of any server (caput with completion): the ack comes when the server has done it, or says why not. */
  | { type: 'pv_put'; req?: number; pv: string; value: number | string | number[] }
  /** Snapshots of `buffer` (null: none) at most `hz` per second (capped by the host). */
  | { type: 'subscribe'; req?: number; buffer: string | null; hz?: number }
  /** The client consumed `count` snapshots; the host may send that many more. */
  | { type: 'snapshot_ack'; count: number }
  /** Sets this client's histogram `id` (spec null removes it); `histogram` events follow at most HISTOGRAM_HZ. */
  | { type: 'histogram'; req?: number; id: string; spec: HistogramRequest | null }
  /** Strip-chart data of a scalar buffer (null: none), of `fields` (default all): a reset `strip` event, then updates. */
  | { type: 'strip'; req?: number; buffer: string | null; fields?: string[] };

export type CommandType = Command['type'];

// -------------------------------------------------------------------- events

export interface HelloEvent {
  type: 'hello';
  protocol: number;
  server: { name: 'ringscope'; version: string; host: 'serve' | 'electron' };
  control: ControlPolicy;
  /** Highest snapshot rate the host sends. */
  maxHz: number;
  setup: SetupInfo | null;
  status: StatusReport | null;
  statusSeq: number;
  /** The summary of the last finished run, if any. */
  lastRun: RunSummary | null;
  /** The newest lines of the run log (at most LOG_HISTORY), oldest first. */
  log?: LogLine[];
  /** The files of the current or last run. */
  runFiles?: RunFiles | null;
}

/** Events, host → UI. */
export type HostEvent =
  | HelloEvent
  /** A setup was opened (or failed to open), for every client. */
  | { type: 'setup'; setup: SetupInfo }
  /** A status report; `seq` rises by one per report (clients use it as a handshake). */
  | { type: 'status'; seq: number; status: StatusReport }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'histogram'; histogram: HistogramUpdate }
  | { type: 'strip'; strip: StripUpdate }
  /** Something went wrong that the user should read; `function` for a failed worker function. */
  | { type: 'error'; message: string; function?: FunctionError }
  | { type: 'log'; line: LogLine }
  | { type: 'run_ended'; summary: RunSummary }
  /** The run directory's files and growth: while a run writes (every few seconds) and once at its end. */
  | { type: 'run_files'; files: RunFiles }
  /** A page carried out a run command; `self` is true on the page that sent it ("paused from another window"). */
  | { type: 'control'; command: RunControlCommand; self: boolean }
  /** The answer to `list_setups`, to the asking client only. */
  | { type: 'setup_list'; examples: SetupEntry[]; folder: string; saveAnywhere: boolean }
  /** The answer to `list_ports`, to the asking client only: the ports found; `warning` when the list may be incomplete. */
  | { type: 'port_list'; ports: SerialPortEntry[]; warning?: string }
  /** The answer to `save_setup`, to the saving client only (before its ack): the text as written and its problems. `applied`: the engine now runs it. */
  | { type: 'setup_saved'; path: string; text: string; problems: SetupProblem[]; applied: boolean }
  /** The outcome of a command that carried `req`; `code` names a refusal the page may act on ('exists': save_setup would replace another file). */
  | { type: 'ack'; req: number; ok: boolean; message?: string; code?: string };

export type HostEventType = HostEvent['type'];

/** The run states in which a run exists (Start is not possible). */
export const ACTIVE_STATES: readonly RunState[] = ['starting', 'running', 'paused', 'stopping'];

/** True when a run is in progress in this state. */
export function isActive(state: RunState | null | undefined): boolean {
  return state != null && ACTIVE_STATES.includes(state);
}
