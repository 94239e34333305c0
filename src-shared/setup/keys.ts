// The keys and values a setup file may use, and the limits the parser warns
// about: shared by the parser's sections (parse*.ts) and re-exported by parse.ts.
import type { AssignMode, OnError } from './types';

/** Top-level keys RingScope reads. */
export const SETUP_KEYS = ['title', 'description', 'output_directory', 'RingBuffer', 'Functions', 'FunctionConfigs', 'epics', 'python'] as const;
/** mimoCoRB keys that only its Python GUI reads: accepted, ignored, noted. */
export const MIMOCORB_GUI_KEYS = ['GUI_control', 'KBD_control'] as const;
export const BUFFER_KEYS = ['number_of_slots', 'channel_per_slot', 'data_type', 'display', 'description'] as const;
export const DISPLAY_KEYS = ['sample_time_ns', 'units', 'trigger_level', 'pre_trigger_samples', 'colors', 'histogram', 'scope'] as const;
export const HISTOGRAM_KEYS = ['field', 'range', 'bins', 'fit', 'expected'] as const;
export const MAIN_KEYS = ['config_file', 'runtime', 'runevents'] as const;
export const FUNCTION_KEYS = ['file_name', 'fkt_name', 'num_process', 'RB_assign', 'config_file', 'config', 'on_error', 'description'] as const;
export const ASSIGN_MODES: readonly AssignMode[] = ['read', 'write', 'observe'];
export const ON_ERROR_VALUES: readonly OnError[] = ['stop', 'skip_event'];
/** Columns every exported event carries besides its fields. */
export const METADATA_FIELDS = ['counter', 'timestamp', 'deadtime'] as const;
/** Ring buffers needing more memory than this in total get a warning. */
export const TOTAL_MEMORY_WARNING = 2 * 1024 ** 3;

/** Most threads (num_process) one function may run: each is a worker thread with its own JavaScript heap. */
export const MAX_NUM_PROCESS = 64;
/** Most worker threads a whole setup may start (the sum of num_process). */
export const MAX_THREADS = 256;
/**
 * Names every JavaScript object already has (constructor, toString, valueOf, __proto__, hasOwnProperty …).
 * Events, exporters and user functions keep fields in plain objects keyed by name, where such a
 * name would meet the built-in property instead of the field; validation refuses them as field names.
 */
export const RESERVED_NAMES: readonly string[] = Object.getOwnPropertyNames(Object.prototype).sort();
