// The engine's status and run-summary shapes: what the CLI prints, the UI
// shows, run.json stores and the bridge carries. Plain data, structured-clonable.

/** Run states; transitions: idle → starting → running ⇄ paused → stopping → ended | failed. */
export type RunState = 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'ended' | 'failed';

/** Why a run ended (run.json's end_reason); 'killed': the process died mid-run and `ringscope recover` completed run.json. */
export type EndReason = 'runevents' | 'runtime' | 'stop' | 'source_ended' | 'error' | 'abort' | 'killed';

/** One ring buffer's health, as of one status report. */
export interface BufferStatus {
  name: string;
  slots: number;
  /** Events committed so far this run. */
  written: number;
  /** Events released per reader group (group = the Functions entry name that reads it). */
  released: Record<string, number>;
  /** Slots holding an event not yet released by every group. */
  filled: number;
  /** Commits per second over the last status interval. */
  rate: number;
  /** Mean deadtime fraction (0–1) of the events written in the last interval. */
  deadtime: number;
  /** Mean deadtime over the whole run. */
  deadtime_mean: number;
}

export type FunctionState = 'starting' | 'running' | 'ended' | 'failed';

/** A function error as the user sees it. */
export interface FunctionError {
  function: string;
  fkt_name: string;
  instance: number;
  counter: number | null;
  message: string;
  stack?: string;
  /** The on_error policy applied: the run stopped, or the event was skipped. */
  policy: 'stop' | 'skip_event';
}

/** One function instance (worker thread). */
export interface InstanceStatus {
  instance: number;
  state: FunctionState;
  events_in: number;
  events_out: Record<string, number>;
  failed_events: number;
  /** Free-form extra counters a function reports (serial line errors, missed ticks …). */
  extra?: Record<string, number | string>;
}

export interface FunctionStatus {
  name: string;
  fkt_name: string;
  instances: InstanceStatus[];
  errors: FunctionError[];
}

/** One status report: about once a second and on every state change. */
export interface StatusReport {
  state: RunState;
  /** Seconds since start, excluding nothing (paused time included). */
  elapsed: number;
  /** Events written by the sources this run. */
  source_events: number;
  buffers: BufferStatus[];
  functions: FunctionStatus[];
  run_directory: string | null;
  /** Free space on the output disk while a run goes, and how long it lasts at the current rate. */
  disk?: DiskStatus | null;
}

/** Free space on the disk a run writes to. */
export interface DiskStatus {
  /** Bytes free (for this user). */
  free: number;
  /** Bytes per second the disk's free space shrinks by (over the last few seconds; 0 when it does not). */
  rate: number;
  /** Seconds until the disk is full at that rate (null when it does not fill). */
  seconds_left: number | null;
  /** Set when the disk is full in less than about five minutes: the warning to show. */
  warning: string | null;
}

/** run.json: the reconciled summary of a finished run. */
export interface RunSummary {
  /** 'ended' once the run ended (run.json of a running run says 'running': see RunProgress). */
  state: 'ended';
  setup: string;
  started: string;
  ended: string;
  end_reason: EndReason;
  /** For end_reason 'error': the error that stopped the run (function, file and cause); otherwise null. */
  error: string | null;
  run_directory: string;
  runevents: number;
  runtime: number;
  buffers: Record<string, { written: number; released: Record<string, number>; deadtime_mean: number }>;
  functions: Record<
    string,
    {
      fkt_name: string;
      instances: number;
      state: FunctionState;
      events_in: number;
      events_out: Record<string, number>;
      failed_events: number;
      errors: FunctionError[];
    }
  >;
  exports: string[];
  /** Which function wrote each export, reading which buffer. */
  export_sources?: Record<string, { function: string; buffer: string }>;
  /** Set by `ringscope recover` for a run that was killed: what it found in the files and what it did. */
  recovered?: {
    /** When recover ran (ISO time). */
    at: string;
    /** Events found in each export (rows; CSV: whole lines). */
    rows: Record<string, number>;
    /** What it repaired (a torn CSV line cut, an unfinished Parquet part removed …). */
    actions: string[];
  };
}

/** run.json while a run goes: written at the start and rewritten (atomically) every few seconds with the counts so far. */
export type RunProgress = Omit<RunSummary, 'state' | 'ended' | 'end_reason' | 'error'> & {
  state: 'running';
  ended: null;
  end_reason: null;
  error: null;
  /** When this file was written (ISO time). */
  updated: string;
};
