// The engine's public face, as hosts (CLI, web-mode server, Electron utility
// process, tests) use it. The implementation is src-main/engine/engine.ts.
import type { FunctionError, RunState, RunSummary, StatusReport } from '../../src-shared/engine/status';

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
}

export interface LogLine {
  time: number;
  level: 'info' | 'warn' | 'error';
  source: string;
  message: string;
}

export interface EngineEvents {
  status: StatusReport;
  state: RunState;
  log: LogLine;
  error: FunctionError;
  ended: RunSummary;
}

export type Unsubscribe = () => void;
