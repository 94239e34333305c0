// What the engine needs to start a run, derived from a loaded setup.
import type { DType } from '../../src-shared/ringbuffer';
import type { PythonInit } from '../../src-workers/runtime/protocol';

export interface PlannedBuffer {
  name: string;
  slots: number;
  samples: number;
  fields: { name: string; dtype: DType }[];
  display?: Record<string, unknown>;
}

export interface PlannedFunction {
  name: string;
  fkt_name: string;
  builtin: string | null;
  /** File URL of a user module; null for built-ins. */
  moduleUrl: string | null;
  /** A mimoCoRB Python module: how its worker runs it. */
  python?: PythonInit | null;
  num_process: number;
  assign: { buffer: string; mode: 'read' | 'write' | 'observe' }[];
  config: Record<string, unknown>;
  on_error: 'stop' | 'skip_event';
}

export interface RunPlan {
  /** Absolute path of the setup file. */
  setupPath: string;
  /** Used in the run directory's name. */
  setupName: string;
  /** Absolute default output directory. */
  outputDirectory: string;
  runtime: number;
  runevents: number;
  buffers: PlannedBuffer[];
  functions: PlannedFunction[];
  /** Absolute paths of the setup and every config file, copied into the run directory. */
  snapshotFiles: string[];
  /** The setup text that was validated: the run directory keeps it (an unsaved draft may differ from the file, or have none yet). */
  setupText?: string;
}

/** The reader groups of a buffer: one per Functions entry that reads it. */
export function readerGroups(plan: RunPlan, buffer: string): string[] {
  return plan.functions.filter((f) => f.assign.some((a) => a.buffer === buffer && a.mode === 'read')).map((f) => f.name);
}

/** True for a function that writes but reads nothing: its events are the run's source events. */
export function isSource(f: PlannedFunction): boolean {
  return f.assign.some((a) => a.mode === 'write') && !f.assign.some((a) => a.mode === 'read');
}
