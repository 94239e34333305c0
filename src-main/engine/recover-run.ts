// Completing the run directory of a run that was killed (SIGKILL, a power cut):
// run.json still says "running" with the counts of its last rewrite. Every export
// is made readable (a torn last CSV line cut off; Parquet parts that were closed
// but not yet renamed kept, the one being written removed), its events counted,
// and run.json completed: end_reason "killed", each sink's counts set to what its
// file holds.
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { RunProgress, RunSummary } from '../../src-shared/engine/status';
import { isParquetDataset, parquetFiles, parquetRows, settleDataset } from '../../src-workers/formats/parquet-dataset';
import { giveReserveUp, RUN_FILE, writeRunFile } from './run-file';

/** A run directory that cannot be recovered: the message says why. */
export class RecoverError extends Error {}

/** Cuts a CSV back to its last whole line; returns the number of data lines and whether it cut. */
function settleCsv(path: string): { rows: number; cut: boolean } {
  const text = readFileSync(path);
  const end = text.lastIndexOf(0x0a) + 1;
  let cut = false;
  if (end < text.length) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, end);
    } finally {
      closeSync(fd);
    }
    cut = true;
  }
  let lines = 0;
  for (let i = 0; i < end; i++) if (text[i] === 0x0a) lines++;
  return { rows: Math.max(0, lines - 1), cut };
}

/** True when a file starts with Parquet's magic: a single-file export of an older version (it cannot be repaired). */
function isParquetFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.toString('latin1') === 'PAR1';
  } finally {
    closeSync(fd);
  }
}

/** Where an export listed in run.json lies now (the run directory may have moved). */
function located(dir: string, listed: string): string {
  return existsSync(listed) ? listed : join(dir, basename(listed));
}

/** Recovers the run in `dir`; returns the completed run.json. Throws RecoverError naming what is wrong. */
export async function recoverRun(dir: string): Promise<RunSummary> {
  const runJson = join(dir, RUN_FILE);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RecoverError(`${dir} is not a folder`);
  if (!existsSync(runJson)) throw new RecoverError(`${dir} holds no run.json: not a run directory (or the run was killed before it started)`);
  let run: RunSummary | RunProgress;
  try {
    run = JSON.parse(readFileSync(runJson, 'utf8')) as RunSummary | RunProgress;
  } catch (e) {
    throw new RecoverError(`${runJson} is not valid JSON: ${(e as Error).message}`);
  }
  if (run.state !== 'running') throw new RecoverError(`${runJson} is complete already (the run ended: ${run.end_reason}); nothing to recover`);

  const rows: Record<string, number> = {};
  const actions: string[] = [];
  const exports: string[] = [];
  for (const listed of run.exports) {
    const path = located(dir, listed);
    const name = basename(path);
    if (extname(path).toLowerCase() === '.parquet') {
      actions.push(...settleDataset(path).map((a) => `${name}: ${a}`));
      if (isParquetDataset(path) && parquetFiles(path).length === 0) {
        // Killed before the sink had closed even its first (empty) part: no events were saved there.
        rmSync(path, { recursive: true, force: true });
        actions.push(`${name}: removed the dataset folder, killed before its first part (no events saved)`);
        continue;
      }
      if (isParquetDataset(path)) rows[listed] = await parquetRows(path);
      else if (existsSync(path) && isParquetFile(path)) actions.push(`${name}: a single Parquet file without its footer (written before datasets); it cannot be repaired`);
    } else if (extname(path).toLowerCase() === '.csv' && existsSync(path)) {
      const csv = settleCsv(path);
      rows[listed] = csv.rows;
      if (csv.cut) actions.push(`${name}: cut a torn last line`);
    }
    if (existsSync(path)) exports.push(listed);
  }

  // Each sink's counts become what its file holds; a buffer has written at least what any group released.
  const buffers = structuredClone(run.buffers);
  const functions = structuredClone(run.functions);
  for (const [listed, n] of Object.entries(rows)) {
    const source = run.export_sources?.[listed];
    if (!source) continue;
    const b = buffers[source.buffer];
    const f = functions[source.function];
    if (b) b.released[source.function] = n;
    if (f) f.events_in = n;
  }
  for (const b of Object.values(buffers)) b.written = Math.max(b.written, ...Object.values(b.released));

  const { updated, ...counts } = run;
  const summary: RunSummary = {
    ...counts,
    state: 'ended',
    // The last time the run was known to be alive.
    ended: updated,
    end_reason: 'killed',
    error: null,
    buffers,
    functions,
    exports,
    recovered: { at: new Date().toISOString(), rows, actions },
  };
  const problem = writeRunFile(dir, summary);
  if (problem) throw new RecoverError(problem);
  giveReserveUp(dir);
  rmSync(`${runJson}.tmp`, { force: true });
  return summary;
}
