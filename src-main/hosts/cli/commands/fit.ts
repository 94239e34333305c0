// `ringscope fit <run directory | file.csv | file.parquet>`: the muon lifetime
// from an export's decay times, by an unbinned maximum-likelihood fit.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { expectedCounts, fitLifetime, type LifetimeFit } from '../../../../src-shared/fit/lifetime';
import { Histogram } from '../../../../src-shared/fit/histogram';
import { ExportReadError, exportColumns, findColumn, readExportColumn } from '../../../../src-workers/formats/export-columns';
import { isParquetDataset } from '../../../../src-workers/formats/parquet-dataset';
import type { CliCommand } from '../command';

const HELP = `Usage: ringscope fit <run directory | file.parquet | file.csv | file.txt> [options]

Fits the lifetime to the decay times of a muon run: an unbinned maximum-likelihood
fit of an exponential truncated to [min, max], optionally plus a flat background.
For a run directory, the export that holds the field is read (Parquet preferred
over CSV); events exported more than once (same counter) are counted once.

Options:
  --field NAME    the column with the decay times (default decay_time; a header
                  header_alias gave it, such as "decay time (ns)", is found too)
  --min NS        lower edge of the fit window in ns (default 400)
  --max NS        upper edge of the fit window in ns (default 14000)
  --bins N        bins of the text histogram (default 30; 0 = no histogram)
  --background    fit a flat background fraction as well
  --json          print one JSON object instead of text
  -h, --help      show this help

Exit status: 0 fitted, 1 no data or the fit failed, 2 for a usage error.
`;

/** Decay times read from exports, one value per distinct event counter. */
export interface FitInput {
  files: string[];
  field: string;
  values: Float64Array;
  /** Rows seen twice (the same counter in two files or twice in one) and counted once. */
  duplicates: number;
}

class UserError extends Error {}

function usage(message: string): number {
  process.stderr.write(`ringscope fit: ${message}\n\n${HELP}`);
  return 2;
}

/** The exports of a run directory: run.json's list (found again by name if the folder moved), else the files in it. */
function runExports(dir: string): string[] {
  const runJson = join(dir, 'run.json');
  let listed: string[] = [];
  if (existsSync(runJson)) {
    try {
      const summary = JSON.parse(readFileSync(runJson, 'utf8')) as { exports?: unknown };
      if (Array.isArray(summary.exports)) listed = summary.exports.filter((e): e is string => typeof e === 'string');
    } catch (e) {
      throw new UserError(`${runJson} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const files = listed.length
    ? listed.map((e) => (existsSync(e) ? e : join(dir, basename(e)))).filter((e) => existsSync(e))
    : readdirSync(dir).map((f) => join(dir, f));
  return files.filter((f) => ['.parquet', '.csv', '.txt'].includes(extname(f).toLowerCase()));
}

/** Finds the export(s) of a run directory that hold `field`: Parquet if any has it, else CSV. */
export async function chooseExports(dir: string, field: string): Promise<string[]> {
  const files = runExports(dir);
  const parquet: string[] = [];
  const csv: string[] = [];
  const seen: string[] = [];
  for (const f of files) {
    const columns = await exportColumns(f);
    if (findColumn(columns, field) < 0) {
      seen.push(`${basename(f)}: ${columns.slice(0, 12).join(', ')}${columns.length > 12 ? ' …' : ''}`);
      continue;
    }
    if (extname(f).toLowerCase() === '.parquet') parquet.push(f);
    else csv.push(f);
  }
  const chosen = parquet.length ? parquet : csv;
  if (chosen.length === 0) {
    throw new UserError(
      files.length
        ? `no export in ${dir} has a column "${field}" (looked at ${seen.join('; ')}); give the decay times' column as its header is written with --field`
        : `${dir} holds no .parquet, .csv or .txt export`,
    );
  }
  return chosen.sort();
}

/** Reads `field` from a run directory or an export file, each event (counter) once. */
export async function readFitInput(target: string, field: string): Promise<FitInput> {
  const path = resolve(target);
  if (!existsSync(path)) throw new UserError(`${target} does not exist`);
  let files: string[];
  if (statSync(path).isDirectory() && !isParquetDataset(path)) files = await chooseExports(path, field);
  else {
    const ext = extname(path).toLowerCase();
    if (ext !== '.parquet' && ext !== '.csv' && ext !== '.txt') throw new UserError(`${target} is neither a run directory nor a .parquet, .csv or .txt (mimoCoRB) file`);
    files = [path];
  }
  const seen = new Set<bigint>();
  const values: number[] = [];
  let duplicates = 0;
  const add = (counter: bigint | null, value: number): void => {
    if (counter !== null) {
      if (seen.has(counter)) {
        duplicates++;
        return;
      }
      seen.add(counter);
    }
    values.push(value);
  };
  for (const f of files) await readExportColumn(f, field, add);
  return { files, field, values: Float64Array.from(values), duplicates };
}

function fmt(x: number, digits = 0): string {
  if (x === Number.POSITIVE_INFINITY) return '∞';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A text histogram of the values in the fit window, with the fit's expectation per bin. */
export function textHistogram(values: ArrayLike<number>, fit: LifetimeFit, bins: number, width = 40): string {
  const h = new Histogram({ bins, min: fit.t_min, max: fit.t_max });
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // the window is closed at t_max; the histogram's last bin is open
    h.add(v === fit.t_max ? Math.max(fit.t_min, fit.t_max - h.binWidth / 2) : v);
  }
  const expected = fit.converged ? expectedCounts(fit, h) : null;
  const top = Math.max(1, ...h.counts, ...(expected ?? []));
  const edges = h.edges();
  const w = Math.max(...Array.from(edges, (e) => fmt(e).length));
  const lines: string[] = [];
  for (let i = 0; i < bins; i++) {
    const c = h.counts[i]!;
    const len = Math.round((c / top) * width);
    let bar = '█'.repeat(len).padEnd(width);
    if (expected) {
      const at = Math.min(width - 1, Math.max(0, Math.round((expected[i]! / top) * width) - 1));
      bar = bar.slice(0, at) + (at < len ? '┃' : '│') + bar.slice(at + 1);
    }
    lines.push(`${fmt(edges[i]!).padStart(w)}–${fmt(edges[i + 1]!).padStart(w)} ns ${bar} ${String(c).padStart(6)}${expected ? `  fit ${expected[i]!.toFixed(1)}` : ''}`);
  }
  return lines.join('\n');
}

export const fit: CliCommand = async (argv) => {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        field: { type: 'string', default: 'decay_time' },
        min: { type: 'string', default: '400' },
        max: { type: 'string', default: '14000' },
        bins: { type: 'string', default: '30' },
        background: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const o = args.values;
  if (o.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length !== 1) {
    return usage(args.positionals.length === 0 ? 'name a run directory or an export file, e.g. "ringscope fit runs/muon_2026-…".' : 'fit one run or file at a time.');
  }
  const tMin = Number(o.min);
  const tMax = Number(o.max);
  const bins = Number(o.bins);
  if (!Number.isFinite(tMin) || !Number.isFinite(tMax) || !(tMin < tMax)) return usage(`--min and --max must be numbers with min < max (got ${o.min}, ${o.max}).`);
  if (!Number.isInteger(bins) || bins < 0 || bins > 1000) return usage(`--bins must be a whole number from 0 to 1000 (got ${o.bins}).`);

  let input: FitInput;
  try {
    input = await readFitInput(args.positionals[0]!, o.field!);
  } catch (e) {
    if (e instanceof UserError || e instanceof ExportReadError) {
      process.stderr.write(`ringscope fit: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const result = fitLifetime(input.values, { t_min: tMin, t_max: tMax, background: o.background });
  const ok = result.converged;

  if (o.json) {
    const out = {
      files: input.files,
      field: input.field,
      events: input.values.length,
      duplicates: input.duplicates,
      ...result,
      // JSON has no infinity
      tau: Number.isFinite(result.tau) ? result.tau : null,
      sigma: Number.isFinite(result.sigma) ? result.sigma : null,
      ...(result.background_sigma !== undefined ? { background_sigma: Number.isFinite(result.background_sigma) ? result.background_sigma : null } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return ok ? 0 : 1;
  }

  const from = input.files.length === 1 ? input.files[0]! : `${input.files.length} files (${input.files.map((f) => basename(f)).join(', ')})`;
  // A column found under its header_alias name is named as written in the file.
  const columns = await exportColumns(input.files[0]!);
  const header = columns[findColumn(columns, input.field)];
  const lines = [
    `${input.field}${header && header !== input.field ? ` (column "${header}")` : ''} from ${from}`,
    `${fmt(input.values.length)} events${input.duplicates ? ` (${fmt(input.duplicates)} exported twice, counted once)` : ''}, ${fmt(result.n)} in [${fmt(tMin)}, ${fmt(tMax)}] ns`,
  ];
  if (ok) {
    lines.push(`τ = ${fmt(result.tau)} ± ${fmt(result.sigma)} ns   (n = ${fmt(result.n)}, unbinned maximum likelihood${o.background ? ', with flat background' : ''})`);
    if (result.background_fraction !== undefined) {
      lines.push(`background fraction = ${fmt(100 * result.background_fraction, 1)} ± ${fmt(100 * (result.background_sigma ?? 0), 1)} %`);
    }
    if (result.message) lines.push(`note: ${result.message}`);
  } else {
    lines.push(`no lifetime: ${result.message ?? 'the fit did not converge'}`);
  }
  if (bins > 0 && result.n > 0) lines.push('', textHistogram(input.values, result, bins));
  process.stdout.write(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
};
