// Does a recorded file fit the buffer it is replayed into? The exports hold
// counter, timestamp, deadtime and one column per field (Parquet: array fields
// as fixed-size lists; CSV: name_0 … name_{n−1}). This compares the file's
// columns with the buffer's fields and says, in one message, which are missing
// and which hold the wrong kind of values.
import { describeLayout, isIntegerDType, type FieldLayout } from '../runtime/event-layout';

/** What a column of the file holds. */
export interface ColumnInfo {
  name: string;
  /** The type as the file states it, for messages ("float32", "Utf8", "FixedSizeList[100]<Float32>"). */
  type: string;
  /** 'int' and 'float' are numbers, 'time' a timestamp type; null anything else (text, booleans …). */
  kind: 'int' | 'float' | 'time' | null;
  /** Values per row: 1 for a plain column, n for a fixed-size list, -1 for a variable-length list. */
  size: number;
}

/** The problems of replaying a file with these columns into a buffer of this layout; empty when it fits. */
export function matchColumns(columns: readonly ColumnInfo[], layout: readonly FieldLayout[]): string[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const missing: string[] = [];
  const wrong: string[] = [];
  const need = (name: string, check: (c: ColumnInfo) => string | null) => {
    const c = byName.get(name);
    if (!c) missing.push(name);
    else {
      const why = check(c);
      if (why) wrong.push(`"${name}" ${why}`);
    }
  };
  const scalar = (what: string, int: boolean) => (c: ColumnInfo): string | null => {
    if (c.size !== 1) return `holds ${c.size < 0 ? 'lists' : `lists of ${c.size} values`} (${c.type}); ${what} takes one value per event`;
    if (c.kind === null) return `holds ${c.type}, not numbers; ${what} is a number`;
    if (int && c.kind === 'float') return `holds ${c.type} values; ${what} is ${what === 'the counter' ? 'a whole number' : 'an integer field'} and would lose the fractions`;
    return null;
  };
  need('counter', scalar('the counter', true));
  need('timestamp', (c) => (c.kind === 'time' ? (c.size === 1 ? null : `holds lists (${c.type})`) : scalar('the timestamp', false)(c)));
  for (const f of layout) {
    const what = `the buffer field ${f.name} (${f.dtype}${f.samples > 1 ? ` × ${f.samples}` : ''})`;
    need(f.name, (c) => {
      if (c.kind === null || c.kind === 'time') return `holds ${c.type}, not numbers; ${what} holds numbers`;
      if (c.size !== f.samples) {
        if (c.size < 0) return `holds lists of varying length (${c.type}); ${what} needs exactly ${f.samples} per event`;
        return `holds ${c.size === 1 ? 'one value' : `${c.size} values`} per event; ${what} has ${f.samples}`;
      }
      if (isIntegerDType(f.dtype) && c.kind === 'float') return `holds ${c.type} values; ${what} is an integer field and would lose the fractions`;
      return null;
    });
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`missing column${missing.length === 1 ? '' : 's'} ${missing.map((m) => `"${m}"`).join(', ')}`);
  if (wrong.length) problems.push(`mistyped: ${wrong.join('; ')}`);
  return problems;
}

/** The error for a file that does not fit: names the file, the problems, what the file has and what the buffer needs. */
export function mismatchMessage(file: string, problems: string[], columns: readonly ColumnInfo[], layout: readonly FieldLayout[]): string {
  const has = columns.map((c) => `${c.name} (${c.type})`).join(', ');
  return (
    `replay: ${file} does not fit the buffer: ${problems.join('. ')}. ` +
    `The file has ${has || 'no columns'}; the buffer needs counter, timestamp and ${describeLayout(layout)}.`
  );
}

/** Thrown when a recorded file does not fit the buffer. */
export class ReplayMismatchError extends Error {
  override name = 'ReplayMismatchError';
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
  }
}

/**
 * CSV array fields come as name_0 … name_{n−1}: folds such a group into one
 * column per field (size n, counting from name_0 while the names continue) so
 * that matchColumns treats both formats alike; `index` gives the CSV column
 * positions of each field's values. Columns that belong to no field are left out.
 */
export function foldCsvColumns(names: readonly string[], kinds: readonly ColumnInfo['kind'][], layout: readonly FieldLayout[]): { columns: ColumnInfo[]; index: Map<string, number[]> } {
  const at = new Map(names.map((n, i) => [n, i]));
  const columns: ColumnInfo[] = [];
  const index = new Map<string, number[]>();
  const kindName = (k: ColumnInfo['kind']) => (k === null ? 'text' : k === 'int' ? 'int' : 'float');
  for (const n of ['counter', 'timestamp', 'deadtime']) {
    const i = at.get(n);
    if (i === undefined) continue;
    columns.push({ name: n, type: kindName(kinds[i]), kind: n === 'timestamp' && kinds[i] !== null ? 'time' : kinds[i], size: 1 });
    index.set(n, [i]);
  }
  for (const f of layout) {
    const idx: number[] = [];
    while (at.has(`${f.name}_${idx.length}`)) idx.push(at.get(`${f.name}_${idx.length}`)!);
    // A plain column "name" is one value; name_0 alone is also one value (an export of samples = 1 never writes it, but a spreadsheet might).
    if (idx.length === 0 || (idx.length === 1 && at.has(f.name))) {
      const i = at.get(f.name) ?? idx[0];
      if (i === undefined) continue;
      columns.push({ name: f.name, type: kindName(kinds[i]), kind: kinds[i], size: 1 });
      index.set(f.name, [i]);
      continue;
    }
    let kind: ColumnInfo['kind'] = 'int';
    for (const i of idx) {
      if (kinds[i] === null) kind = null;
      else if (kinds[i] === 'float' && kind === 'int') kind = 'float';
    }
    const type = idx.length === 1 ? `column ${f.name}_0, ${kindName(kind)}` : `${idx.length} columns ${f.name}_0 … ${f.name}_${idx.length - 1}, ${kindName(kind)}`;
    columns.push({ name: f.name, type, kind, size: idx.length });
    index.set(f.name, idx);
  }
  return { columns, index };
}
