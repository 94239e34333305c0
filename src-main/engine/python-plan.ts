// mimoCoRB Python functions in a run plan: the Python side's folder for those
// that run, and display hints for the buffers of its plotting functions, which
// do not run (the window's panels show those buffers).
import type { DisplayHints } from '../../src-shared/setup/types';
import type { LoadedSetup, ResolvedFunction } from '../setup';
import { pythonBridgeDir } from '../setup/python-modules';
import type { PlannedBuffer } from './plan';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Display hints from a plot function's parameters (mimoCoRB's plot_waveform / plot_histograms configuration). */
export function displayHints(fn: ResolvedFunction): DisplayHints {
  const c = fn.config;
  const hints: DisplayHints = {};
  if (typeof c.title === 'string') hints.title = c.title;
  if (fn.display === 'waveform') {
    for (const key of ['sample_time_ns', 'trigger_level', 'pre_trigger_samples', 'channel_range'] as const) {
      const v = num(c[key]);
      if (v !== undefined) hints[key] = v;
    }
    hints.units = 'mV';
  } else if (c.histograms && typeof c.histograms === 'object') {
    // mimoCoRB: name: [min, max, nbins, ymax, label, log]
    const list = Object.entries(c.histograms as Record<string, unknown>).flatMap(([field, v]) => {
      if (!Array.isArray(v) || num(v[0]) === undefined || num(v[1]) === undefined || num(v[2]) === undefined) return [];
      return [{ field, range: [v[0], v[1]] as [number, number], bins: v[2] as number, ...(typeof v[4] === 'string' ? { title: v[4] } : {}) }];
    });
    if (list.length) {
      hints.histograms = list;
      hints.histogram = { field: list[0].field, range: list[0].range, bins: list[0].bins };
    }
  }
  return hints;
}

/** Adds the plot functions' hints to their buffers (what the setup's own display: says wins). */
export function applyDisplayFunctions(loaded: LoadedSetup, buffers: PlannedBuffer[]): void {
  for (const f of loaded.setup.functions) {
    const r = loaded.functions[f.name];
    if (!r?.display) continue;
    const buffer = buffers.find((b) => b.name === f.assign[0]?.buffer);
    if (buffer) buffer.display = { ...displayHints(r), ...(buffer.display ?? {}) };
  }
}

/** What a worker needs to run a Python function; null for other functions. */
export function pythonInit(r: ResolvedFunction): { python: string; module: string; shown: string; bridgeDir: string } | null {
  return r.python ? { ...r.python, bridgeDir: pythonBridgeDir() } : null;
}
