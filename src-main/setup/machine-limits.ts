// What only shows on the machine and in the run directory: the ring buffers
// live in memory all at once (SharedArrayBuffers), so a setup whose buffers
// need more than this computer can give is an error before anything is
// allocated; two exporters writing the same file would fail at the start.
import { totalmem } from 'node:os';
import { computeOffsets, LIMITS } from '../../src-shared/ringbuffer/layout';
import { textExportExtension, textExportFormat } from '../../src-shared/builtins/sink-csv';
import type { KeyPath, Setup } from '../../src-shared/setup/types';

/** The share of this computer's memory all ring buffers together may take. */
export const BUFFER_MEMORY_SHARE = 0.5;

const MiB = 2 ** 20;

/** Problems (as key path + message) when the buffers together need more than BUFFER_MEMORY_SHARE of `memory` bytes. */
export function bufferMemoryProblems(setup: Setup, bufferPaths: Record<string, KeyPath>, memory = totalmem()): Array<{ path: KeyPath; message: string }> {
  const sizes: Array<{ name: string; bytes: number }> = [];
  for (const b of setup.buffers) {
    if (b.slots < 1 || b.samples < 1 || b.fields.length === 0 || b.slots > LIMITS.maxSlots || b.samples > LIMITS.maxSamples || b.fields.length > LIMITS.maxFields) continue;
    const groups = setup.functions.filter((f) => f.assign.some((a) => a.buffer === b.name && a.mode === 'read')).map((f) => f.name);
    if (groups.length > LIMITS.maxGroups) continue;
    sizes.push({ name: b.name, bytes: computeOffsets({ name: b.name, slots: b.slots, samples: b.samples, fields: b.fields, groups }).totalBytes });
  }
  const total = sizes.reduce((n, s) => n + s.bytes, 0);
  const allowed = memory * BUFFER_MEMORY_SHARE;
  if (total <= allowed || sizes.length === 0) return [];
  const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const each = sizes.map((s) => `${s.name} ${(s.bytes / MiB).toFixed(0)} MiB`).join(', ');
  return [
    {
      path: bufferPaths[largest.name] ?? ['RingBuffer'],
      message: `The ring buffers need ${(total / MiB).toFixed(0)} MiB of memory together (${each}); this computer has ${(memory / MiB).toFixed(0)} MiB, and the buffers may take at most ${BUFFER_MEMORY_SHARE * 100}% of it. Reduce number_of_slots or channel_per_slot, starting with ${largest.name}.`,
    },
  ];
}

/** The file extension each built-in exporter writes (sinks/csv: by its format). */
const EXPORT_EXT: Record<string, string> = { 'sinks/csv': 'csv', 'sinks/parquet': 'parquet' };

/** Reports built-in exporters whose files (filename or <function>_<buffer>, plus extension) would be the same file of a run directory. */
export function sameExportFiles(
  setup: Setup,
  functions: Record<string, { config: Record<string, unknown> }>,
  functionPaths: Record<string, KeyPath>,
  at: (severity: 'error', path: KeyPath, message: string, code: string) => void,
): void {
  const taken = new Map<string, string>();
  for (const f of setup.functions) {
    const ext = f.builtin === 'sinks/csv' ? textExportExtension(textExportFormat(functions[f.name]?.config ?? {}, f.fkt_name)) : f.builtin ? EXPORT_EXT[f.builtin] : undefined;
    const where = functionPaths[f.name];
    if (!ext || !where) continue;
    const buffer = f.assign.find((a) => a.mode === 'read')?.buffer ?? f.assign.find((a) => a.mode === 'observe')?.buffer ?? 'data';
    const name = functions[f.name]?.config.filename;
    const base = typeof name === 'string' && name ? name : `${f.name}_${buffer}`;
    const files = f.num_process > 1 ? Array.from({ length: f.num_process }, (_, i) => `${base}_${i}.${ext}`) : [`${base}.${ext}`];
    for (const file of files) {
      const other = taken.get(file);
      if (other) {
        at('error', [...where, 'config', 'filename'], `${f.name} and ${other} would both write ${file} into the run directory; the second could not create it. Give one of them another filename.`, 'same-export-file');
        break;
      }
      taken.set(file, f.name);
    }
  }
}
