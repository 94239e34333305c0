// The built-in worker functions, by id (`builtin:<kind>/<name>` in a setup).
// Each module's default export has the user-function shape: (io) => void | Promise<void>.
import type { FunctionIO } from '../runtime/io';

type Loader = () => Promise<{ default: (io: FunctionIO) => unknown }>;

const BUILTIN_MODULES: Record<string, Loader> = {
  'sources/serial': () => import('./sources/serial'),
  'sources/sensors': () => import('./sources/sensors'),
  'sources/replay': () => import('./sources/replay'),
  'sources/muon': () => import('./sources/muon'),
  'filters/lifetime': () => import('./filters/lifetime'),
  'sinks/csv': () => import('./sinks/csv'),
  'sinks/parquet': () => import('./sinks/parquet'),
  'filters/spectrum': () => import('./filters/spectrum'),
  'sinks/drain': () => import('./sinks/drain'),
  'sources/tar_parquet': () => import('./sources/tar-parquet'),
  // The engine's histogram reader (src-main/engine/live-analysis.ts); setups cannot name it (not in the catalog).
  'internal/histogram': () => import('./internal/histogram'),
};

/** The ids of all built-in functions. */
export function builtinIds(): string[] {
  return Object.keys(BUILTIN_MODULES);
}

/** Loads a built-in function by id ('sources/muon'); throws naming the known ids if absent. */
export async function loadBuiltin(id: string): Promise<(io: FunctionIO) => unknown> {
  const load = BUILTIN_MODULES[id];
  if (!load) throw new Error(`unknown built-in "builtin:${id}" (known: ${builtinIds().join(', ') || 'none'})`);
  return (await load()).default;
}
