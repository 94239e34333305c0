// The shape of a built-in's declaration: its kind, summary and parameters.
// The spec files (<kind>-<name>.ts) and the catalog both import it, so the
// catalog can import every spec without a loop.

/** One parameter of a built-in. */
export interface ParamSpec {
  name: string;
  /** 'list': a YAML sequence (e.g. the lifetime filter's signatures); 'mapping': key: value pairs (e.g. header_alias). */
  type: 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'list' | 'mapping';
  unit?: string;
  default: unknown;
  min?: number;
  max?: number;
  /** The allowed values of an 'enum'. */
  choices?: string[];
  help: string;
  /** Takes effect while running (the UI may change it without a restart). */
  live?: boolean;
  /** Values the UI offers from the host's machine: 'serial-ports' lists its serial ports (anything may still be typed). */
  suggest?: 'serial-ports';
  /** 'read': a path the function reads (relative to the setup's folder); a served session allows it only inside its roots. */
  path?: 'read';
  /** A file name in the run directory: no folders ('/', '\\'), not '.' or '..'. */
  fileName?: boolean;
}

export type BuiltinKind = 'source' | 'filter' | 'sink';

/** A buffer's record layout as a built-in's layout check sees it. */
export interface LayoutBuffer {
  name: string;
  /** channel_per_slot: values per field. */
  samples: number;
  fields: ReadonlyArray<{ name: string; dtype: string }>;
}

/** What is wrong between a built-in and one buffer it reads or writes (the message names fields and dtypes). */
export interface LayoutProblem {
  buffer: string;
  message: string;
}

/** A built-in function: id 'sources/muon' is named in a setup as `builtin:sources/muon`. */
export interface BuiltinSpec {
  id: string;
  kind: BuiltinKind;
  summary: string;
  /** A few words for the window, where a setup gives no description ("muon simulation", "decay finder"). */
  label?: string;
  /** What it writes into each output buffer, in RB_assign order ("raw waveforms"), where the buffer has no description. */
  writes?: string[];
  params: ParamSpec[];
  /**
   * Checks the fields (names, dtypes, samples) of the buffers it reads and writes, in RB_assign
   * order, against what it produces and consumes; absent when any layout will do (the sinks).
   */
  layout?: (buffers: { reads: LayoutBuffer[]; writes: LayoutBuffer[] }) => LayoutProblem[];
}
