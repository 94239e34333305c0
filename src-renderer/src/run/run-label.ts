// The run a plot or an export belongs to, for PNG and CSV headers: the run
// directory's name (setup name and start time) and the date it was made.
import type { AppState } from '../store/appStore';

export interface RunLabel {
  /** For file names: the run directory's name, or the setup's. */
  name: string;
  /** A line for the export: "Muon lifetime, run muon_2026-12-06T061234" (exportLine adds the date). */
  text: string;
}

function baseName(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;
}

/** The current (or last) run's label; memoised on its inputs so selectors return the same object. */
let memo: { key: string; label: RunLabel } | null = null;

export function runLabel(s: Pick<AppState, 'status' | 'lastRun' | 'setup'>): RunLabel {
  const dir = s.status?.run_directory ?? s.lastRun?.run_directory ?? null;
  const setupName = s.setup ? baseName(s.setup.path).replace(/\.ya?ml$/i, '') : 'ringscope';
  const key = `${dir}|${setupName}|${s.setup?.title ?? ''}`;
  if (memo?.key === key) return memo.label;
  const name = dir ? baseName(dir) : setupName;
  const title = s.setup?.title ? `${s.setup.title}, ` : '';
  const label = { name, text: `${title}${dir ? `run ${name}` : 'no run yet'}` };
  memo = { key, label };
  return label;
}

/** The label with the time of the export: "Muon lifetime, run muon_…, exported 2026-12-06 06:30 UTC". */
export function exportLine(label: RunLabel, now = new Date()): string {
  return `${label.text}, exported ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
