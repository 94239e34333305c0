// Setup text → typed Setup + its YAML Document + every structural problem at
// once (file, line, column, key path). Pure: runs in Node and in the renderer's
// editor. File checks (config files, modules) are the Node loader's job.
import { isMap, isScalar, type Document, type Node } from 'yaml';
import { BUILTINS, type BuiltinSpec } from '../builtins/catalog';
import { findNode } from './edit';
import { validateEpicsSection } from './epics-schema';
import { MIMOCORB_GUI_KEYS, SETUP_KEYS } from './keys';
import { ParseContext, describe, scalarOf, type SetupPaths } from './parse-context';
import { ringBuffers } from './parse-buffers';
import { functionConfigs, functionList } from './parse-functions';
import { graph } from './parse-connections';
import { parseKeyPath, type YamlSource } from './source';
import type { Problem, Setup, Severity } from './types';

export {
  ASSIGN_MODES,
  BUFFER_KEYS,
  DISPLAY_KEYS,
  FUNCTION_KEYS,
  HISTOGRAM_KEYS,
  MAIN_KEYS,
  METADATA_FIELDS,
  MIMOCORB_GUI_KEYS,
  ON_ERROR_VALUES,
  SETUP_KEYS,
  MAX_NUM_PROCESS,
  MAX_THREADS,
  RESERVED_NAMES,
  TOTAL_MEMORY_WARNING,
} from './keys';
export { emptySetup, type SetupPaths } from './parse-context';

export interface ParseOptions {
  /** The file name used in problems (default "setup.yaml"). */
  file?: string;
  /** The built-in catalog to validate against (default BUILTINS). */
  builtins?: Record<string, BuiltinSpec>;
}

export interface ParsedSetup {
  setup: Setup;
  /** The document the setup came from (comments, order and unknown keys kept). */
  doc: Document.Parsed;
  /** The text, line counter and node helpers of the setup file. */
  source: YamlSource;
  /** Every structural problem, sorted by position. */
  problems: Problem[];
  paths: SetupPaths;
}

/** Parses and structurally validates a setup file's text. */
export function parseSetup(text: string, options: ParseOptions = {}): ParsedSetup {
  const ctx = new ParseContext(text, options.file ?? 'setup.yaml', options.builtins ?? BUILTINS);
  ctx.problems.push(...ctx.src.syntaxProblems);
  // After a syntax error the document is a guess; checking it would mostly report echoes of that error.
  if (!ctx.src.broken) {
    ctx.problems.push(...ctx.src.duplicateKeys());
    top(ctx);
  }
  return {
    setup: ctx.setup,
    doc: ctx.src.doc,
    source: ctx.src,
    problems: sortProblems(ctx.problems),
    paths: ctx.paths,
  };
}

/** True when any problem is an error (nothing may start). */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Problems ordered by file (`files` first, then in order of appearance), line, column; severity breaks ties. */
export function sortProblems(problems: readonly Problem[], files: readonly string[] = []): Problem[] {
  const fileOrder = new Map<string, number>();
  for (const f of files) if (!fileOrder.has(f)) fileOrder.set(f, fileOrder.size);
  for (const p of problems) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
  const rank: Record<Severity, number> = { error: 0, warning: 1, note: 2 };
  // The same mapping may be checked for two functions (a shared parameter section); report once.
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.file}\0${p.line}\0${p.column}\0${p.severity}\0${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line || a.column - b.column || rank[a.severity] - rank[b.severity],
  );
}

// --- top level ------------------------------------------------------------

function top(ctx: ParseContext): void {
  const root = ctx.src.doc.contents as Node | null;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    ctx.report('error', null, [], 'The setup file is empty. A setup needs a RingBuffer: section (the buffers) and a Functions: section (what runs).', 'empty-file');
    return;
  }
  if (!isMap(root)) {
    ctx.report('error', root, [], `A setup file must be a mapping of sections (RingBuffer:, Functions:, …), not ${describe(root)}.`, 'bad-type');
    return;
  }
  const entries = ctx.entriesOf(root, []);
  const byKey = new Map(entries.map((e) => [e.key, e]));
  for (const e of entries) {
    if ((SETUP_KEYS as readonly string[]).includes(e.key)) continue;
    if ((MIMOCORB_GUI_KEYS as readonly string[]).includes(e.key)) {
      ctx.report('note', e.keyNode, [e.key], `${e.key} is read only by mimoCoRB's Python GUI; RingScope ignores it (the app has its own run controls).`, 'mimocorb-gui-key');
      continue;
    }
    ctx.unknownKey(e, [], 'the setup', [...SETUP_KEYS, ...MIMOCORB_GUI_KEYS]);
  }

  for (const key of ['title', 'description'] as const) {
    const e = byKey.get(key);
    if (e && scalarOf(e.value) !== null) {
      const v = ctx.text(e, [key], key, 'a line of text');
      if (v !== undefined) ctx.setup[key] = v;
    }
  }
  const out = byKey.get('output_directory');
  if (out) {
    const v = ctx.text(out, ['output_directory'], 'output_directory', 'a folder, relative to the setup file; default "target"');
    if (v !== undefined) ctx.setup.output_directory = v;
  }
  const py = byKey.get('python');
  if (py) {
    const v = ctx.text(py, ['python'], 'python', 'the Python interpreter that runs Python modules (a path, relative to the setup file, or a command on PATH)');
    if (v !== undefined) ctx.setup.python = v;
  }

  const rb = byKey.get('RingBuffer');
  if (!rb) ctx.report('error', null, ['RingBuffer'], 'The setup has no RingBuffer: section. Add one that lists the buffers, e.g. "RingBuffer:" followed by "  - RB_1: {number_of_slots: 128, channel_per_slot: 1, data_type: float32}".', 'missing-key');
  else ringBuffers(ctx, rb);

  const fk = byKey.get('Functions');
  if (!fk) ctx.report('error', null, ['Functions'], 'The setup has no Functions: section. Add one that lists what runs, e.g. "Functions:" followed by "  - Fkt_1: {file_name: modules/my_source, fkt_name: my_source, RB_assign: {RB_1: write}}".', 'missing-key');
  else functionList(ctx, fk);

  const fc = byKey.get('FunctionConfigs');
  if (fc) functionConfigs(ctx, fc);

  const ep = byKey.get('epics');
  if (ep && ep.value !== null && scalarOf(ep.value) !== null) {
    if (!isMap(ep.value)) ctx.report('error', ctx.valueAt(ep), ['epics'], `epics must be a mapping of settings, not ${describe(ep.value)}.`, 'bad-type');
    else ctx.setup.epics = ctx.src.toJS(ep.value) as Record<string, unknown>;
  }

  if (rb && fk) graph(ctx);
  if (ctx.setup.epics) epicsSection(ctx);
}

/** The epics: section's own checks, pointed at the node each problem names (or the nearest one that exists). */
function epicsSection(ctx: ParseContext): void {
  const problems = validateEpicsSection(ctx.setup.epics, { buffers: ctx.setup.buffers, functions: ctx.setup.functions });
  for (const p of problems) {
    const path = parseKeyPath(p.path);
    let node: Node | null = null;
    for (let n = path.length; n > 0 && !node; n--) node = findNode(ctx.src.doc, path.slice(0, n))?.node ?? null;
    ctx.report(p.severity, node, path, `${p.path}: ${p.message}`, p.code ?? 'epics', p.suggestion);
  }
}
