// The typed setup the engine and the UI consume, and the problems validation
// reports. Plain data: structured-clonable, no YAML nodes.
import type { DType } from './dtype';

export type { DType } from './dtype';

/** One named field of a buffer's event record: `samples` values of one dtype. */
export interface FieldSpec {
  name: string;
  dtype: DType;
}

/** Display hints for a buffer (our addition to mimoCoRB's schema); all optional. */
export interface DisplayHints {
  /** Time between two samples of a waveform, in nanoseconds. */
  sample_time_ns?: number;
  /** Unit of the samples: one for all fields, or per field name. */
  units?: string | Record<string, string>;
  /** Trigger level drawn as a line, in the samples' unit. */
  trigger_level?: number;
  /** Samples before the trigger point (where the time axis has its zero). */
  pre_trigger_samples?: number;
  /** CSS colour per field name. */
  colors?: Record<string, string>;
  /** True: the oscilloscope opens on this buffer (default: the first waveform buffer, the raw data). */
  scope?: boolean;
  /** The histogram the UI shows first for this buffer; `fit: false`: no lifetime fit at first; `expected`: the value the fit should find (the muon lifetime), in the field's unit, shown beside the fit. */
  histogram?: { field?: string; range?: [number, number]; bins?: number; fit?: boolean; expected?: number };
  /** From a mimoCoRB plot function (plot_waveform / plot_histograms): the panel's title, the oscilloscope's range in mV, every histogram it drew. */
  title?: string;
  channel_range?: number;
  histograms?: { field: string; range: [number, number]; bins: number; title?: string }[];
  /** Unknown keys are kept (and warned about), never dropped. */
  [key: string]: unknown;
}

export interface BufferSpec {
  /** RB_1, RB_2, … */
  name: string;
  /** number_of_slots: events the buffer holds. */
  slots: number;
  /** channel_per_slot: values per field in one event. */
  samples: number;
  /** Fields in the order they appear in the file. */
  fields: FieldSpec[];
  display?: DisplayHints;
  /** What the buffer holds, in words for the window ("raw waveforms"); optional. */
  description?: string;
}

export type AssignMode = 'read' | 'write' | 'observe';

export interface Assign {
  buffer: string;
  mode: AssignMode;
}

export type OnError = 'stop' | 'skip_event';

export interface FunctionSpec {
  /** The entry's name: Fkt_1, Fkt_2, … (also the name of its reader groups). */
  name: string;
  /** As written: a module path relative to the setup file, or builtin:<kind>/<name>. */
  file_name: string;
  /** The exported function (user module), or the parameter section name (built-in). */
  fkt_name: string;
  /** 'sources/muon' for `builtin:sources/muon`, null for a user module. */
  builtin: string | null;
  /** Worker threads running this function; they share one reader group per buffer read. */
  num_process: number;
  /** RB_assign, in file order. */
  assign: Assign[];
  /** As written, relative to the setup file. */
  config_file?: string;
  /** The inline `config:` mapping (our addition). */
  config?: Record<string, unknown>;
  on_error: OnError;
  /** What the function does, in words for the window ("decay finder"); optional. */
  description?: string;
}

export interface MainSpec {
  /** The common config file, as written (relative to the setup file). */
  config_file?: string;
  /** Seconds; 0 = no limit. As written in Fkt_main (see resolveRunLimits for the effective value). */
  runtime: number;
  /** Events; 0 = no limit. As written in Fkt_main. */
  runevents: number;
}

export interface Setup {
  title?: string;
  description?: string;
  /** As written (default 'target'), relative to the setup file. */
  output_directory: string;
  buffers: BufferSpec[];
  /** Without Fkt_main, in file order. */
  functions: FunctionSpec[];
  main: MainSpec;
  /** The setup's FunctionConfigs section, keyed by fkt_name. */
  function_configs: Record<string, Record<string, unknown>>;
  /** The Python interpreter for Python modules, as written (`python:`); else RINGSCOPE_PYTHON, else python3 on PATH. */
  python?: string;
  /** The epics: section, unvalidated here. */
  epics?: Record<string, unknown>;
}

export type Severity = 'error' | 'warning' | 'note';

export interface Problem {
  severity: Severity;
  /** Plain words: what is wrong and what to do. */
  message: string;
  /** The file as the user named it (setup file or a config file). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Key path inside that file, e.g. "RingBuffer[0].RB_1.number_of_slots". */
  path: string;
  /** A stable identifier of the kind of problem, e.g. 'unknown-key'. */
  code?: string;
  /** A replacement the editor may offer (the did-you-mean candidate). */
  suggestion?: string;
}

/** A key path as segments: map keys are strings, sequence indices numbers. */
export type KeyPath = ReadonlyArray<string | number>;
