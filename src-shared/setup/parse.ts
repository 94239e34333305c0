// Setup text → typed Setup + its YAML Document + every structural problem at
// once (file, line, column, key path). Pure: runs in Node and in the renderer's
// editor. File checks (config files, modules) are the Node loader's job.
import { isCollection, isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { BUILTINS, BUILTIN_PREFIX, builtinId, type BuiltinSpec } from '../builtins/catalog';
import { didYouMean } from './didyoumean';
import { computeOffsets, LIMITS } from '../ringbuffer/layout';
import { parseDType } from './dtype';
import { isRecord } from './merge';
import { checkBuiltinParams } from './params';
import { findNode } from './edit';
import { validateEpicsSection } from './epics-schema';
import { YamlSource, parseKeyPath, type Entry } from './source';
import type {
  Assign,
  AssignMode,
  BufferSpec,
  DisplayHints,
  FieldSpec,
  FunctionSpec,
  KeyPath,
  OnError,
  Problem,
  Setup,
  Severity,
} from './types';

/** Top-level keys RingScope reads. */
export const SETUP_KEYS = ['title', 'description', 'output_directory', 'RingBuffer', 'Functions', 'FunctionConfigs', 'epics'] as const;
/** mimoCoRB keys that only its Python GUI reads: accepted, ignored, noted. */
export const MIMOCORB_GUI_KEYS = ['GUI_control', 'KBD_control'] as const;
export const BUFFER_KEYS = ['number_of_slots', 'channel_per_slot', 'data_type', 'display'] as const;
export const DISPLAY_KEYS = ['sample_time_ns', 'units', 'trigger_level', 'pre_trigger_samples', 'colors', 'histogram'] as const;
export const HISTOGRAM_KEYS = ['field', 'range', 'bins'] as const;
export const MAIN_KEYS = ['config_file', 'runtime', 'runevents'] as const;
export const FUNCTION_KEYS = ['file_name', 'fkt_name', 'num_process', 'RB_assign', 'config_file', 'config', 'on_error'] as const;
export const ASSIGN_MODES: readonly AssignMode[] = ['read', 'write', 'observe'];
export const ON_ERROR_VALUES: readonly OnError[] = ['stop', 'skip_event'];
/** Columns every exported event carries besides its fields. */
export const METADATA_FIELDS = ['counter', 'timestamp', 'deadtime'] as const;
/** Ring buffers needing more memory than this in total get a warning. */
export const TOTAL_MEMORY_WARNING = 2 * 1024 ** 3;

export interface ParseOptions {
  /** The file name used in problems (default "setup.yaml"). */
  file?: string;
  /** The built-in catalog to validate against (default BUILTINS). */
  builtins?: Record<string, BuiltinSpec>;
}

/** Where things sit in the document, for locating later (file-check) problems. */
export interface SetupPaths {
  /** Buffer name → key path of its settings mapping, e.g. ['RingBuffer', 0, 'RB_1']. */
  buffers: Record<string, KeyPath>;
  /** Function name → key path of its settings mapping, e.g. ['Functions', 2, 'Fkt_2']. */
  functions: Record<string, KeyPath>;
  /** Key path of Fkt_main's settings, null when there is no Fkt_main. */
  main: KeyPath | null;
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

/** An empty setup with every default (what a file with errors falls back to). */
export function emptySetup(): Setup {
  return { output_directory: 'target', buffers: [], functions: [], main: { runtime: 0, runevents: 0 }, function_configs: {} };
}

/** Parses and structurally validates a setup file's text. */
export function parseSetup(text: string, options: ParseOptions = {}): ParsedSetup {
  return new SetupParser(text, options).run();
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

// ---------------------------------------------------------------------------

interface BufferDef {
  spec: BufferSpec;
  path: KeyPath;
  nameNode: Node | null;
  number: number | null;
  /** Where number_of_slots, channel_per_slot and data_type are written (for limit problems). */
  at: { slots?: Node | null; samples?: Node | null; data_type?: Node | null };
}

interface FunctionDef {
  spec: FunctionSpec;
  path: KeyPath;
  nameNode: Node | null;
  number: number | null;
  /** The node of each RB_assign entry's key, by buffer name. */
  assignNodes: Map<string, Node | null>;
  builtin: BuiltinSpec | null;
  configNode: Node | null;
}

function describe(node: Node | null): string {
  if (node === null) return 'empty';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return 'empty';
    if (typeof v === 'string') return v === '' ? 'empty text ""' : `"${v}"`;
    return String(v);
  }
  return 'an alias';
}

/** Ends a message with a full stop (or the ? or ! it has). */
function sentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

function scalarOf(node: Node | null): unknown {
  if (node === null) return null;
  if (isScalar(node)) return node.value ?? null;
  return undefined;
}

class SetupParser {
  private readonly src: YamlSource;
  private readonly problems: Problem[] = [];
  private readonly builtins: Record<string, BuiltinSpec>;
  private readonly setup = emptySetup();
  private readonly paths: SetupPaths = { buffers: {}, functions: {}, main: null };
  private readonly buffers = new Map<string, BufferDef>();
  private readonly functions = new Map<string, FunctionDef>();
  /** Buffers named in an RB_assign entry that was rejected: their connection problems are already reported. */
  private readonly rejected = new Set<string>();

  constructor(text: string, options: ParseOptions) {
    this.src = new YamlSource(text, options.file ?? 'setup.yaml');
    this.builtins = options.builtins ?? BUILTINS;
  }

  run(): ParsedSetup {
    this.problems.push(...this.src.syntaxProblems);
    // After a syntax error the document is a guess; checking it would mostly report echoes of that error.
    if (!this.src.broken) {
      this.problems.push(...this.src.duplicateKeys());
      this.top();
    }
    return {
      setup: this.setup,
      doc: this.src.doc,
      source: this.src,
      problems: sortProblems(this.problems),
      paths: this.paths,
    };
  }

  // --- reporting ------------------------------------------------------------

  private report(severity: Severity, node: Node | null | undefined, path: KeyPath, message: string, code: string, suggestion?: string): void {
    this.problems.push(this.src.problem(severity, node, path, message, { code, suggestion }));
  }

  /** Where to point for a problem with an entry's value: the value, or its key when the value is empty, merged or a block spanning the lines below. */
  private valueAt(e: Entry): Node | null {
    if (e.merged || e.raw === null || scalarOf(e.raw) === null) return e.keyNode;
    if (isCollection(e.raw) && !e.raw.flow) return e.keyNode;
    return e.raw;
  }

  private unknownKey(e: Entry, path: KeyPath, where: string, known: readonly string[]): void {
    const guess = didYouMean(e.key, known);
    this.report(
      'warning',
      e.keyNode,
      [...path, e.key],
      `Unknown key "${e.key}" in ${where}; RingScope keeps it in the file but ignores it.${guess ? ` Did you mean "${guess}"?` : ` Known keys: ${known.join(', ')}.`}`,
      'unknown-key',
      guess,
    );
  }

  private text(e: Entry, path: KeyPath, what: string, hint: string): string | undefined {
    const v = scalarOf(e.value);
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.report('error', this.valueAt(e), path, `${what} must be text (${hint}), not ${describe(e.value)}${this.src.aliasNote(e.raw)}.`, 'bad-type');
    return undefined;
  }

  private integer(e: Entry, path: KeyPath, min: number, what: string, hint: string): number | undefined {
    const v = scalarOf(e.value);
    if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
    const wrong = typeof v === 'number' && Number.isInteger(v) ? `${v} is too small` : `not ${describe(e.value)}`;
    this.report('error', this.valueAt(e), path, `${what} must be a whole number ≥ ${min} (${hint}); ${wrong}${this.src.aliasNote(e.raw)}.`, typeof v === 'number' ? 'out-of-range' : 'bad-type');
    return undefined;
  }

  private number(e: Entry, path: KeyPath, what: string, hint: string, min?: { value: number; exclusive: boolean }): number | undefined {
    const v = scalarOf(e.value);
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (!min || v > min.value || (!min.exclusive && v === min.value)) return v;
      this.report('error', this.valueAt(e), path, `${what} must be ${min.exclusive ? 'greater than' : 'at least'} ${min.value} (${hint}); it is ${v}.`, 'out-of-range');
      return undefined;
    }
    this.report('error', this.valueAt(e), path, `${what} must be a number (${hint}), not ${describe(e.value)}${this.src.aliasNote(e.raw)}.`, 'bad-type');
    return undefined;
  }

  private entriesOf(node: Node | null, path: KeyPath): Entry[] {
    return isMap(node) ? this.src.entries(node, path, this.problems) : [];
  }

  // --- top level ------------------------------------------------------------

  private top(): void {
    const root = this.src.doc.contents as Node | null;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
      this.report('error', null, [], 'The setup file is empty. A setup needs a RingBuffer: section (the buffers) and a Functions: section (what runs).', 'empty-file');
      return;
    }
    if (!isMap(root)) {
      this.report('error', root, [], `A setup file must be a mapping of sections (RingBuffer:, Functions:, …), not ${describe(root)}.`, 'bad-type');
      return;
    }
    const entries = this.entriesOf(root, []);
    const byKey = new Map(entries.map((e) => [e.key, e]));
    for (const e of entries) {
      if ((SETUP_KEYS as readonly string[]).includes(e.key)) continue;
      if ((MIMOCORB_GUI_KEYS as readonly string[]).includes(e.key)) {
        this.report('note', e.keyNode, [e.key], `${e.key} is read only by mimoCoRB's Python GUI; RingScope ignores it (the app has its own run controls).`, 'mimocorb-gui-key');
        continue;
      }
      this.unknownKey(e, [], 'the setup', [...SETUP_KEYS, ...MIMOCORB_GUI_KEYS]);
    }

    for (const key of ['title', 'description'] as const) {
      const e = byKey.get(key);
      if (e && scalarOf(e.value) !== null) {
        const v = this.text(e, [key], key, 'a line of text');
        if (v !== undefined) this.setup[key] = v;
      }
    }
    const out = byKey.get('output_directory');
    if (out) {
      const v = this.text(out, ['output_directory'], 'output_directory', 'a folder, relative to the setup file; default "target"');
      if (v !== undefined) this.setup.output_directory = v;
    }

    const rb = byKey.get('RingBuffer');
    if (!rb) this.report('error', null, ['RingBuffer'], 'The setup has no RingBuffer: section. Add one that lists the buffers, e.g. "RingBuffer:" followed by "  - RB_1: {number_of_slots: 128, channel_per_slot: 1, data_type: float32}".', 'missing-key');
    else this.ringBuffers(rb);

    const fk = byKey.get('Functions');
    if (!fk) this.report('error', null, ['Functions'], 'The setup has no Functions: section. Add one that lists what runs, e.g. "Functions:" followed by "  - Fkt_1: {file_name: modules/my_source, fkt_name: my_source, RB_assign: {RB_1: write}}".', 'missing-key');
    else this.functionList(fk);

    const fc = byKey.get('FunctionConfigs');
    if (fc) this.functionConfigs(fc);

    const ep = byKey.get('epics');
    if (ep && ep.value !== null && scalarOf(ep.value) !== null) {
      if (!isMap(ep.value)) this.report('error', this.valueAt(ep), ['epics'], `epics must be a mapping of settings, not ${describe(ep.value)}.`, 'bad-type');
      else this.setup.epics = this.src.toJS(ep.value) as Record<string, unknown>;
    }

    if (rb && fk) this.graph();
    if (this.setup.epics) this.epicsSection();
  }

  /** The epics: section's own checks, pointed at the node each problem names (or the nearest one that exists). */
  private epicsSection(): void {
    const problems = validateEpicsSection(this.setup.epics, { buffers: this.setup.buffers, functions: this.setup.functions });
    for (const p of problems) {
      const path = parseKeyPath(p.path);
      let node: Node | null = null;
      for (let n = path.length; n > 0 && !node; n--) node = findNode(this.src.doc, path.slice(0, n))?.node ?? null;
      this.report(p.severity, node, path, `${p.path}: ${p.message}`, p.code ?? 'epics', p.suggestion);
    }
  }

  /**
   * One `- NAME: {...}` list item: its name entry and settings entries. Recovers
   * from the common indentation slip where the settings sit level with the name.
   */
  private listItem(item: Node | null, path: KeyPath, what: 'buffer' | 'function', settingKeys: readonly string[]): { name: Entry; settings: Entry[] | null; settingsNode: Node | null } | null {
    const example = what === 'buffer' ? '- RB_1:' : '- Fkt_1:';
    const resolved = this.src.resolve(item);
    if (resolved === null || (isScalar(resolved) && resolved.value === null)) {
      this.report('error', item, path, `This list entry is empty. Write "${example}" with its settings indented below, or delete the dash.`, 'empty-entry');
      return null;
    }
    if (isScalar(resolved)) {
      const name = String(resolved.value);
      this.report('error', resolved, path, `"${name}" needs a colon and its settings: write "- ${name}:" and indent the settings below it.`, 'bad-entry');
      return null;
    }
    if (!isMap(resolved)) {
      this.report('error', resolved, path, `Each entry must be one ${what} written "${example}" with its settings indented below, not a nested list.`, 'bad-entry');
      return null;
    }
    const entries = this.src.entries(resolved, path, this.problems);
    if (entries.length === 0) {
      this.report('error', resolved, path, `This entry is an empty mapping; write "${example}" with its settings below.`, 'empty-entry');
      return null;
    }
    const [name, ...rest] = entries;
    if (rest.length === 0) return { name, settings: isMap(name.value) ? this.src.entries(name.value, [...path, name.key], this.problems) : null, settingsNode: name.value };
    const nameEmpty = name.value === null || scalarOf(name.value) === null;
    if (nameEmpty && rest.every((e) => settingKeys.includes(e.key) || didYouMean(e.key, settingKeys) !== undefined)) {
      this.report(
        'error',
        rest[0].keyNode,
        [...path, name.key],
        `The settings of ${name.key} are not indented under it: indent ${rest.map((e) => e.key).join(', ')} two spaces further than "${name.key}".`,
        'bad-indent',
      );
      return { name, settings: rest, settingsNode: null };
    }
    for (const e of rest) {
      this.report(
        'error',
        e.keyNode,
        [...path, e.key],
        `One ${what} per list entry: start "${e.key}" on its own line with a dash ("- ${e.key}:"), or indent it under ${name.key} if it is one of its settings.`,
        'bad-entry',
      );
    }
    return { name, settings: isMap(name.value) ? this.src.entries(name.value, [...path, name.key], this.problems) : null, settingsNode: name.value };
  }

  /** Checks "RB_3"/"Fkt_2"-style names; returns the number, or null (with a problem) when the name is wrong. */
  private numberedName(name: Entry, path: KeyPath, prefix: 'RB' | 'Fkt'): number | null {
    const m = new RegExp(`^${prefix}_(\\d+)$`).exec(name.key);
    if (m) return Number(m[1]);
    const loose = new RegExp(`^${prefix}[ _-]?(\\d+)$`, 'i').exec(name.key);
    const suggestion = loose ? `${prefix}_${Number(loose[1])}` : undefined;
    const what = prefix === 'RB' ? 'Buffers are named RB_1, RB_2, …' : 'Functions are named Fkt_main, Fkt_1, Fkt_2, …';
    this.report('error', name.keyNode, path, `${what}; "${name.key}" is not such a name.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`, 'bad-name', suggestion);
    return null;
  }

  private numbering(defs: Array<{ number: number | null; nameNode: Node | null; path: KeyPath }>, prefix: 'RB' | 'Fkt', section: string): void {
    const numbered = defs.filter((d) => d.number !== null);
    const bad = numbered.findIndex((d, i) => d.number !== i + 1);
    if (bad < 0) return;
    const list = numbered.map((d) => `${prefix}_${d.number}`).join(', ');
    this.report(
      'note',
      numbered[bad].nameNode,
      numbered[bad].path,
      `${section} are numbered ${list}, not ${prefix}_1, ${prefix}_2, … in order. RingScope accepts this; mimoCoRB itself needs consecutive numbers from ${prefix}_1.`,
      'numbering',
    );
  }

  // --- RingBuffer -----------------------------------------------------------

  private ringBuffers(section: Entry): void {
    const path = ['RingBuffer'];
    const seq = section.value;
    if (!isSeq(seq)) {
      const hint = isMap(seq) ? ' Put a dash before each buffer: "- RB_1:".' : '';
      this.report('error', this.valueAt(section), path, `RingBuffer must be a list of buffers, each written "- RB_1:" with its settings indented below; it is ${describe(seq)}.${hint}`, 'bad-type');
      return;
    }
    if (seq.items.length === 0) {
      this.report('error', this.valueAt(section), path, 'RingBuffer lists no buffers. Add at least one, e.g. "- RB_1: {number_of_slots: 128, channel_per_slot: 1, data_type: float32}".', 'empty-section');
      return;
    }
    const defs: BufferDef[] = [];
    seq.items.forEach((item, index) => {
      const itemPath = [...path, index];
      const parsed = this.listItem(item as Node | null, itemPath, 'buffer', BUFFER_KEYS);
      if (!parsed) return;
      const { name, settings, settingsNode } = parsed;
      const bpath = [...itemPath, name.key];
      const number = this.numberedName(name, bpath, 'RB');
      const earlier = this.buffers.get(name.key);
      if (earlier) {
        this.report('error', name.keyNode, bpath, `${name.key} is defined twice (first on line ${this.src.at(earlier.nameNode).line}). Rename one of them, e.g. to RB_${this.buffers.size + 1}.`, 'duplicate-name');
        return;
      }
      const spec: BufferSpec = { name: name.key, slots: 0, samples: 0, fields: [] };
      const def: BufferDef = { spec, path: bpath, nameNode: name.keyNode, number, at: {} };
      this.buffers.set(name.key, def);
      defs.push(def);
      this.setup.buffers.push(spec);
      this.paths.buffers[name.key] = bpath;
      if (settings === null) {
        if (settingsNode === null || scalarOf(settingsNode) === null)
          this.report('error', name.keyNode, bpath, `${name.key} has no settings: add number_of_slots, channel_per_slot and data_type, indented below it.`, 'missing-key');
        else this.report('error', settingsNode, bpath, `The settings of ${name.key} must be a mapping (number_of_slots: …, channel_per_slot: …, data_type: …), not ${describe(settingsNode)}.`, 'bad-type');
        return;
      }
      this.buffer(def, settings);
    });
    this.numbering(defs, 'RB', 'Buffers');
  }

  private buffer(def: BufferDef, settings: Entry[]): void {
    const { spec, path } = def;
    const by = new Map(settings.map((e) => [e.key, e]));
    for (const e of settings) if (!(BUFFER_KEYS as readonly string[]).includes(e.key)) this.unknownKey(e, path, spec.name, BUFFER_KEYS);

    const slots = by.get('number_of_slots');
    if (!slots) this.report('error', def.nameNode, [...path, 'number_of_slots'], `${spec.name} has no number_of_slots: add how many events it holds, e.g. "number_of_slots: 128".`, 'missing-key');
    else spec.slots = this.integer(slots, [...path, 'number_of_slots'], 1, `number_of_slots of ${spec.name}`, 'how many events the buffer holds') ?? 0;

    const ch = by.get('channel_per_slot');
    if (!ch) this.report('error', def.nameNode, [...path, 'channel_per_slot'], `${spec.name} has no channel_per_slot: add how many values each field holds per event (1 for single numbers, the sample count for waveforms).`, 'missing-key');
    else spec.samples = this.integer(ch, [...path, 'channel_per_slot'], 1, `channel_per_slot of ${spec.name}`, 'values per field in one event') ?? 0;

    const dt = by.get('data_type');
    if (!dt) this.report('error', def.nameNode, [...path, 'data_type'], `${spec.name} has no data_type: add one type for the whole event (e.g. "data_type: float32") or named fields ("data_type: {1: [chA, float32], 2: [chB, float32]}").`, 'missing-key');
    else spec.fields = this.dataType(spec.name, dt, [...path, 'data_type']);

    const display = by.get('display');
    if (display && scalarOf(display.value) !== null) spec.display = this.display(spec, display, [...path, 'display']);

    def.at = { slots: slots && this.valueAt(slots), samples: ch && this.valueAt(ch), data_type: dt && this.valueAt(dt) };
  }

  private dataType(buffer: string, e: Entry, path: KeyPath): FieldSpec[] {
    const node = e.value;
    const v = scalarOf(node);
    if (typeof v === 'string') {
      const r = parseDType(v);
      if (r.ok) return [{ name: 'data', dtype: r.dtype }];
      this.report('error', this.valueAt(e), path, `data_type of ${buffer}: ${sentence(r.message)}`, 'bad-dtype', r.suggestion);
      return [];
    }
    if (!isMap(node)) {
      const why = isSeq(node) ? 'a list' : describe(node);
      this.report(
        'error',
        this.valueAt(e),
        path,
        `data_type of ${buffer} must be one type for the whole event (e.g. float32) or numbered fields written "1: [name, type]" on separate lines; it is ${why}.`,
        isSeq(node) || v !== null ? 'bad-type' : 'missing-key',
      );
      return [];
    }
    const fields: FieldSpec[] = [];
    const seen = new Map<string, Node | null>();
    const entries = this.src.entries(node, path, this.problems);
    if (entries.length === 0) this.report('error', this.valueAt(e), path, `data_type of ${buffer} lists no fields. Add at least one, e.g. "1: [chA, float32]".`, 'empty-section');
    for (const f of entries) {
      const fpath = [...path, f.key];
      if (!/^\d+$/.test(f.key)) {
        this.report('warning', f.keyNode, fpath, `Field keys in data_type are numbers (1, 2, 3, …); "${f.key}" is not. RingScope uses the fields in the order written, whatever their keys.`, 'bad-field-key');
      }
      const pair = f.value;
      if (!isSeq(pair) || pair.items.length !== 2) {
        this.report('error', this.valueAt(f), fpath, `Each field of ${buffer} is written [name, type], e.g. "${f.key}: [chA, float32]"; this one is ${isSeq(pair) ? `a list of ${pair.items.length}` : describe(pair)}.`, 'bad-field');
        continue;
      }
      const nameNode = this.src.resolve(pair.items[0]);
      const typeNode = this.src.resolve(pair.items[1]);
      const name = scalarOf(nameNode);
      if (typeof name !== 'string' || name.trim() === '') {
        this.report('error', nameNode ?? pair, [...fpath, 0], `The field name must be text, e.g. [chA, float32]; it is ${describe(nameNode)}.`, 'bad-field');
        continue;
      }
      const type = scalarOf(typeNode);
      if (typeof type !== 'string') {
        this.report('error', typeNode ?? pair, [...fpath, 1], `The type of field ${name} must be a data type name such as float32 or int32; it is ${describe(typeNode)}.`, 'bad-dtype');
        continue;
      }
      const before = seen.get(name);
      if (before !== undefined) {
        this.report('error', nameNode, [...fpath, 0], `${buffer} has two fields named "${name}" (the other on line ${this.src.at(before).line}); field names must differ.`, 'duplicate-field');
        continue;
      }
      seen.set(name, nameNode);
      const r = parseDType(type);
      if (!r.ok) {
        this.report('error', typeNode, [...fpath, 1], `Field ${name} of ${buffer}: ${sentence(r.message)}`, 'bad-dtype', r.suggestion);
        continue;
      }
      if ((METADATA_FIELDS as readonly string[]).includes(name)) {
        this.report('warning', nameNode, [...fpath, 0], `Field "${name}" of ${buffer} has the name of an event's metadata column; exports would have two "${name}" columns. Rename the field.`, 'metadata-name');
      }
      fields.push({ name, dtype: r.dtype });
    }
    return fields;
  }

  private display(spec: BufferSpec, e: Entry, path: KeyPath): DisplayHints | undefined {
    if (!isMap(e.value)) {
      this.report('error', this.valueAt(e), path, `display of ${spec.name} must be a mapping of display hints (sample_time_ns, units, trigger_level, …), not ${describe(e.value)}.`, 'bad-type');
      return undefined;
    }
    const hints = this.src.toJS(e.value) as DisplayHints;
    const fieldNames = spec.fields.map((f) => f.name);
    const fieldRef = (n: Node | null, name: string, p: KeyPath, what: string): void => {
      if (fieldNames.length === 0 || fieldNames.includes(name)) return;
      const guess = didYouMean(name, fieldNames);
      this.report('warning', n, p, `${what} names field "${name}", which ${spec.name} does not have.${guess ? ` Did you mean "${guess}"?` : ` Its fields: ${fieldNames.join(', ')}.`}`, 'unknown-field', guess);
    };
    const where = `display of ${spec.name}`;
    for (const d of this.src.entries(e.value, path, this.problems)) {
      const p = [...path, d.key];
      switch (d.key) {
        case 'sample_time_ns':
          if (this.number(d, p, 'sample_time_ns', 'nanoseconds between two samples', { value: 0, exclusive: true }) === undefined) delete hints.sample_time_ns;
          break;
        case 'trigger_level':
          if (this.number(d, p, 'trigger_level', 'in the unit of the samples') === undefined) delete hints.trigger_level;
          break;
        case 'pre_trigger_samples': {
          const n = this.integer(d, p, 0, 'pre_trigger_samples', 'samples before the trigger');
          if (n === undefined) delete hints.pre_trigger_samples;
          else if (spec.samples > 0 && n >= spec.samples)
            this.report('warning', this.valueAt(d), p, `pre_trigger_samples (${n}) is not less than channel_per_slot (${spec.samples}) of ${spec.name}; the trigger point would lie outside the waveform.`, 'out-of-range');
          break;
        }
        case 'units':
          if (isMap(d.value)) {
            for (const u of this.src.entries(d.value, p, this.problems)) {
              fieldRef(u.keyNode, u.key, [...p, u.key], 'units');
              if (typeof scalarOf(u.value) !== 'string') this.report('error', this.valueAt(u), [...p, u.key], `The unit of ${u.key} must be text such as mV, not ${describe(u.value)}.`, 'bad-type');
            }
          } else if (typeof scalarOf(d.value) !== 'string') {
            this.report('error', this.valueAt(d), p, `units must be one unit for all fields (e.g. mV) or a mapping field → unit, not ${describe(d.value)}.`, 'bad-type');
            delete hints.units;
          }
          break;
        case 'colors':
          if (!isMap(d.value)) {
            this.report('error', this.valueAt(d), p, `colors must be a mapping field → colour, e.g. {chA: "#1f77b4", chB: orange}, not ${describe(d.value)}.`, 'bad-type');
            delete hints.colors;
            break;
          }
          for (const c of this.src.entries(d.value, p, this.problems)) {
            fieldRef(c.keyNode, c.key, [...p, c.key], 'colors');
            const col = scalarOf(c.value);
            if (typeof col !== 'string' || !/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|(rgb|rgba|hsl|hsla)\(.*\))$/.test(col))
              this.report('error', this.valueAt(c), [...p, c.key], `The colour of ${c.key} must be a CSS colour such as "#1f77b4" or orange (quote values starting with #), not ${describe(c.value)}.`, 'bad-type');
          }
          break;
        case 'histogram':
          this.histogram(d, p, fieldRef);
          break;
        default:
          this.unknownKey(d, path, where, DISPLAY_KEYS);
      }
    }
    return hints;
  }

  private histogram(d: Entry, p: KeyPath, fieldRef: (n: Node | null, name: string, p: KeyPath, what: string) => void): void {
    if (!isMap(d.value)) {
      this.report('error', this.valueAt(d), p, `histogram must be a mapping such as {field: decay_time, range: [0, 15000], bins: 75}, not ${describe(d.value)}.`, 'bad-type');
      return;
    }
    for (const h of this.src.entries(d.value, p, this.problems)) {
      const hp = [...p, h.key];
      if (h.key === 'field') {
        const f = this.text(h, hp, 'histogram field', 'the name of a field of this buffer');
        if (f !== undefined) fieldRef(this.valueAt(h), f, hp, 'histogram');
      } else if (h.key === 'bins') {
        this.integer(h, hp, 1, 'histogram bins', 'number of bins');
      } else if (h.key === 'range') {
        const r = h.value;
        const lo = isSeq(r) && r.items.length === 2 ? scalarOf(this.src.resolve(r.items[0])) : undefined;
        const hi = isSeq(r) && r.items.length === 2 ? scalarOf(this.src.resolve(r.items[1])) : undefined;
        if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo < hi))
          this.report('error', this.valueAt(h), hp, `histogram range must be [low, high] with low < high, e.g. [0, 15000]; it is ${isSeq(r) ? `[${r.items.map((i) => describe(this.src.resolve(i))).join(', ')}]` : describe(r)}.`, 'bad-type');
      } else {
        this.unknownKey(h, p, 'histogram', HISTOGRAM_KEYS);
      }
    }
  }

  // --- Functions ------------------------------------------------------------

  private functionList(section: Entry): void {
    const path = ['Functions'];
    const seq = section.value;
    if (!isSeq(seq)) {
      const hint = isMap(seq) ? ' Put a dash before each function: "- Fkt_1:".' : '';
      this.report('error', this.valueAt(section), path, `Functions must be a list, each entry written "- Fkt_1:" with its settings indented below; it is ${describe(seq)}.${hint}`, 'bad-type');
      return;
    }
    const defs: FunctionDef[] = [];
    let mainSeen: { index: number; node: Node | null } | null = null;
    seq.items.forEach((item, index) => {
      const itemPath = [...path, index];
      const parsed = this.listItem(item as Node | null, itemPath, 'function', [...FUNCTION_KEYS, ...MAIN_KEYS]);
      if (!parsed) return;
      const { name, settings, settingsNode } = parsed;
      const fpath = [...itemPath, name.key];
      if (name.key === 'Fkt_main' || (/^fkt[ _-]?main$/i.test(name.key) && name.key !== 'Fkt_main')) {
        if (name.key !== 'Fkt_main') {
          this.report('error', name.keyNode, fpath, `The main entry is spelt "Fkt_main", not "${name.key}".`, 'bad-name', 'Fkt_main');
          return;
        }
        if (mainSeen) {
          this.report('error', name.keyNode, fpath, `Fkt_main appears twice (first on line ${this.src.at(mainSeen.node).line}); merge the two into one.`, 'duplicate-name');
          return;
        }
        mainSeen = { index, node: name.keyNode };
        this.paths.main = fpath;
        if (index !== 0)
          this.report('warning', name.keyNode, fpath, 'Fkt_main should be the first entry of Functions; mimoCoRB reads only the first entry as Fkt_main. Move it to the top.', 'main-not-first');
        if (settings === null && settingsNode !== null && scalarOf(settingsNode) !== null)
          this.report('error', settingsNode, fpath, `The settings of Fkt_main must be a mapping (config_file, runtime, runevents), not ${describe(settingsNode)}.`, 'bad-type');
        this.main(settings ?? [], fpath);
        return;
      }
      const number = this.numberedName(name, fpath, 'Fkt');
      const earlier = this.functions.get(name.key);
      if (earlier) {
        this.report('error', name.keyNode, fpath, `${name.key} is defined twice (first on line ${this.src.at(earlier.nameNode).line}). Rename one of them.`, 'duplicate-name');
        return;
      }
      const spec: FunctionSpec = { name: name.key, file_name: '', fkt_name: '', builtin: null, num_process: 1, assign: [], on_error: 'stop' };
      const def: FunctionDef = { spec, path: fpath, nameNode: name.keyNode, number, assignNodes: new Map(), builtin: null, configNode: null };
      this.functions.set(name.key, def);
      defs.push(def);
      this.setup.functions.push(spec);
      this.paths.functions[name.key] = fpath;
      if (settings === null) {
        if (settingsNode === null || scalarOf(settingsNode) === null)
          this.report('error', name.keyNode, fpath, `${name.key} has no settings: add file_name, fkt_name, num_process and RB_assign, indented below it.`, 'missing-key');
        else this.report('error', settingsNode, fpath, `The settings of ${name.key} must be a mapping (file_name: …, fkt_name: …, RB_assign: …), not ${describe(settingsNode)}.`, 'bad-type');
        return;
      }
      this.fn(def, settings);
    });
    if (!mainSeen)
      this.report('note', section.keyNode, path, 'There is no Fkt_main entry, so runs have no time or event limit and there is no common config file. Add "- Fkt_main: {runtime: 0, runevents: 0}" as the first entry of Functions to set them.', 'no-main');
    if (seq.items.length === 0) {
      this.report('error', this.valueAt(section), path, 'Functions lists nothing to run. Add at least one function, e.g. a source that writes RB_1.', 'empty-section');
    } else if (this.functions.size === 0 && !this.problems.some((p) => p.severity === 'error' && p.path.startsWith('Functions['))) {
      this.report('error', section.keyNode, path, 'Functions lists nothing to run besides Fkt_main. Add at least one function, e.g. a source that writes RB_1.', 'empty-section');
    }
    this.numbering(defs, 'Fkt', 'Functions');
  }

  private main(settings: Entry[], path: KeyPath): void {
    for (const e of settings) {
      const p = [...path, e.key];
      switch (e.key) {
        case 'config_file': {
          const v = this.text(e, p, 'config_file of Fkt_main', 'the common config file, relative to the setup file');
          if (v !== undefined) this.setup.main.config_file = v;
          break;
        }
        case 'runtime':
          this.setup.main.runtime = this.number(e, p, 'runtime', 'seconds a run lasts; 0 = until stopped', { value: 0, exclusive: false }) ?? 0;
          break;
        case 'runevents':
          this.setup.main.runevents = this.integer(e, p, 0, 'runevents', 'events after which a run ends; 0 = no limit') ?? 0;
          break;
        default:
          this.unknownKey(e, path, 'Fkt_main', MAIN_KEYS);
      }
    }
  }

  private fn(def: FunctionDef, settings: Entry[]): void {
    const { spec, path } = def;
    const by = new Map(settings.map((e) => [e.key, e]));
    for (const e of settings) if (!(FUNCTION_KEYS as readonly string[]).includes(e.key)) this.unknownKey(e, path, spec.name, FUNCTION_KEYS);

    const file = by.get('file_name');
    if (!file) {
      this.report('error', def.nameNode, [...path, 'file_name'], `${spec.name} has no file_name: name its module (e.g. "file_name: modules/my_filter") or a built-in ("builtin:<kind>/<name>").`, 'missing-key');
    } else {
      const v = this.text(file, [...path, 'file_name'], `file_name of ${spec.name}`, 'a module path relative to the setup file, or builtin:<kind>/<name>');
      if (v !== undefined) {
        spec.file_name = v;
        const id = builtinId(v);
        if (id !== null) {
          spec.builtin = id;
          def.builtin = this.builtinSpec(id, file, [...path, 'file_name'], spec.name);
        } else if (/\.py$/i.test(v)) {
          this.report('error', this.valueAt(file), [...path, 'file_name'], `${v} is a Python module; RingScope runs JavaScript or TypeScript functions. Port it to a .js/.ts module, or use a built-in (builtin:<kind>/<name>).`, 'python-module');
        }
      }
    }

    const fkt = by.get('fkt_name');
    if (fkt) {
      const v = this.text(fkt, [...path, 'fkt_name'], `fkt_name of ${spec.name}`, spec.builtin ? 'the name of its parameter section' : 'the name of the function its module exports');
      if (v !== undefined) spec.fkt_name = v;
    } else if (spec.builtin !== null) {
      spec.fkt_name = spec.builtin.split('/').pop() ?? spec.builtin;
    } else if (file) {
      this.report('error', def.nameNode, [...path, 'fkt_name'], `${spec.name} has no fkt_name: name the function its module exports, e.g. "fkt_name: my_filter".`, 'missing-key');
    }

    const np = by.get('num_process');
    if (np) spec.num_process = this.integer(np, [...path, 'num_process'], 1, `num_process of ${spec.name}`, 'how many threads run it') ?? 1;

    const ra = by.get('RB_assign');
    if (!ra || scalarOf(ra.value) === null) {
      this.report('error', ra?.keyNode ?? def.nameNode, [...path, 'RB_assign'], `${spec.name} is not connected to any buffer: add RB_assign, e.g. "RB_assign: {RB_1: read}" (read, write or observe).`, 'missing-key');
    } else if (!isMap(ra.value)) {
      this.report('error', this.valueAt(ra), [...path, 'RB_assign'], `RB_assign of ${spec.name} must be a mapping buffer → use, e.g. {RB_1: read, RB_2: write}, not ${describe(ra.value)}.`, 'bad-type');
    } else {
      const entries = this.src.entries(ra.value, [...path, 'RB_assign'], this.problems);
      if (entries.length === 0) this.report('error', this.valueAt(ra), [...path, 'RB_assign'], `RB_assign of ${spec.name} is empty; connect it to at least one buffer, e.g. {RB_1: read}.`, 'empty-section');
      for (const a of entries) this.assign(def, a, [...path, 'RB_assign', a.key]);
    }

    const cf = by.get('config_file');
    if (cf) {
      const v = this.text(cf, [...path, 'config_file'], `config_file of ${spec.name}`, 'a YAML file relative to the setup file');
      if (v !== undefined) spec.config_file = v;
    }

    const cfg = by.get('config');
    if (cfg && scalarOf(cfg.value) !== null) {
      if (!isMap(cfg.value)) this.report('error', this.valueAt(cfg), [...path, 'config'], `config of ${spec.name} must be a mapping of parameters, e.g. {threshold: 30}, not ${describe(cfg.value)}.`, 'bad-type');
      else {
        spec.config = this.src.toJS(cfg.value) as Record<string, unknown>;
        def.configNode = cfg.value;
      }
    }

    const oe = by.get('on_error');
    if (oe) {
      const v = scalarOf(oe.value);
      if (typeof v === 'string' && (ON_ERROR_VALUES as readonly string[]).includes(v)) spec.on_error = v as OnError;
      else {
        const guess = typeof v === 'string' ? didYouMean(v, ON_ERROR_VALUES) : undefined;
        this.report('error', this.valueAt(oe), [...path, 'on_error'], `on_error of ${spec.name} must be "stop" (end the run) or "skip_event" (drop the event and go on), not ${describe(oe.value)}.${guess ? ` Did you mean "${guess}"?` : ''}`, 'bad-value', guess);
      }
    }

    if (def.builtin) {
      this.builtinRole(def);
      if (def.configNode) checkBuiltinParams(def.builtin, this.src, def.configNode, [...path, 'config'], `${spec.name} (builtin:${def.builtin.id})`, this.problems);
    }
  }

  private builtinSpec(id: string, e: Entry, path: KeyPath, fn: string): BuiltinSpec | null {
    const spec = this.builtins[id];
    if (spec) return spec;
    const ids = Object.keys(this.builtins).sort();
    const guess = didYouMean(id, ids);
    const list = ids.length === 0 ? ' This version has no built-ins yet.' : ` Built-ins: ${ids.map((i) => BUILTIN_PREFIX + i).join(', ')}.`;
    this.report(
      'error',
      this.valueAt(e),
      path,
      `${fn} names the built-in "${BUILTIN_PREFIX}${id}", which does not exist.${guess ? ` Did you mean "${BUILTIN_PREFIX}${guess}"?` : list}`,
      'unknown-builtin',
      guess ? BUILTIN_PREFIX + guess : undefined,
    );
    return null;
  }

  private builtinRole(def: FunctionDef): void {
    const spec = def.builtin!;
    const reads = def.spec.assign.filter((a) => a.mode === 'read');
    const writes = def.spec.assign.filter((a) => a.mode === 'write');
    if (def.spec.assign.length === 0) return;
    const where = (a: Assign | undefined): Node | null => (a ? (def.assignNodes.get(a.buffer) ?? def.nameNode) : def.nameNode);
    const p = [...def.path, 'RB_assign'];
    const who = `${def.spec.name} runs builtin:${spec.id}, a ${spec.kind}`;
    if (spec.kind === 'source') {
      if (reads.length) this.report('error', where(reads[0]), [...p, reads[0].buffer], `${who}: it writes events and cannot read a buffer. Remove "${reads[0].buffer}: read".`, 'builtin-role');
      if (!writes.length) this.report('error', where(undefined), p, `${who}: give it a buffer to write, e.g. "RB_1: write".`, 'builtin-role');
    } else if (spec.kind === 'sink') {
      if (writes.length) this.report('error', where(writes[0]), [...p, writes[0].buffer], `${who}: it reads events and cannot write a buffer. Remove "${writes[0].buffer}: write".`, 'builtin-role');
      if (!reads.length) this.report('error', where(undefined), p, `${who}: give it a buffer to read, e.g. "RB_2: read".`, 'builtin-role');
    } else {
      if (!reads.length) this.report('error', where(undefined), p, `${who}: give it a buffer to read, e.g. "RB_1: read".`, 'builtin-role');
      if (!writes.length) this.report('error', where(undefined), p, `${who}: give it a buffer to write, e.g. "RB_2: write".`, 'builtin-role');
    }
  }

  private assign(def: FunctionDef, a: Entry, path: KeyPath): void {
    const mode = scalarOf(a.value);
    let ok = true;
    if (typeof mode !== 'string' || !(ASSIGN_MODES as readonly string[]).includes(mode)) {
      const guess = typeof mode === 'string' ? didYouMean(mode, ASSIGN_MODES) : undefined;
      this.report(
        'error',
        this.valueAt(a),
        path,
        `${def.spec.name} uses ${a.key} as ${describe(a.value)}; use read (take every event), write (put events in) or observe (look at the newest event).${guess ? ` Did you mean "${guess}"?` : ''}`,
        'bad-value',
        guess,
      );
      ok = false;
    }
    if (!this.buffers.has(a.key)) {
      const names = [...this.buffers.keys()];
      const guess = didYouMean(a.key, names);
      this.report(
        'error',
        a.keyNode,
        path,
        `${def.spec.name} uses ${a.key}, which is not defined under RingBuffer.${guess ? ` Did you mean "${guess}"?` : names.length ? ` Defined buffers: ${names.join(', ')}.` : ''}`,
        'unknown-buffer',
        guess,
      );
      ok = false;
    }
    def.assignNodes.set(a.key, a.keyNode);
    if (ok) def.spec.assign.push({ buffer: a.key, mode: mode as AssignMode });
    else this.rejected.add(a.key);
  }

  // --- FunctionConfigs ------------------------------------------------------

  private functionConfigs(section: Entry): void {
    const path = ['FunctionConfigs'];
    if (scalarOf(section.value) === null) return;
    if (!isMap(section.value)) {
      this.report('error', this.valueAt(section), path, `FunctionConfigs must be a mapping fkt_name → parameters, e.g. {my_filter: {threshold: 30}}, not ${describe(section.value)}.`, 'bad-type');
      return;
    }
    const fktNames = [...this.functions.values()].map((d) => d.spec.fkt_name).filter((n) => n !== '');
    for (const e of this.src.entries(section.value, path, this.problems)) {
      const p = [...path, e.key];
      if (scalarOf(e.value) === null) {
        this.setup.function_configs[e.key] = {};
      } else if (!isMap(e.value)) {
        this.report('error', this.valueAt(e), p, `FunctionConfigs.${e.key} must be a mapping of parameters, e.g. {threshold: 30}, not ${describe(e.value)}.`, 'bad-type');
        continue;
      } else {
        const v = this.src.toJS(e.value);
        this.setup.function_configs[e.key] = isRecord(v) ? v : {};
      }
      if (fktNames.length > 0 && !fktNames.includes(e.key)) {
        const guess = didYouMean(e.key, fktNames);
        this.report('note', e.keyNode, p, `FunctionConfigs.${e.key} matches no function's fkt_name, so no function receives it.${guess ? ` Did you mean "${guess}"?` : ''}`, 'unused-config', guess);
      }
      for (const d of this.functions.values()) {
        if (d.builtin && d.spec.fkt_name === e.key) checkBuiltinParams(d.builtin, this.src, e.value, p, `${d.spec.name} (builtin:${d.builtin.id})`, this.problems);
      }
    }
  }

  // --- connections ----------------------------------------------------------

  private graph(): void {
    const writers = new Map<string, FunctionDef[]>();
    const readers = new Map<string, FunctionDef[]>();
    const observers = new Map<string, FunctionDef[]>();
    for (const d of this.functions.values()) {
      for (const a of d.spec.assign) {
        const m = a.mode === 'write' ? writers : a.mode === 'read' ? readers : observers;
        m.set(a.buffer, [...(m.get(a.buffer) ?? []), d]);
      }
    }
    for (const b of this.buffers.values()) {
      const name = b.spec.name;
      if (this.rejected.has(name)) continue;
      const w = writers.get(name) ?? [];
      const r = readers.get(name) ?? [];
      const o = observers.get(name) ?? [];
      if (w.length === 0 && (r.length > 0 || o.length > 0)) {
        const users = [...r, ...o].map((d) => d.spec.name).join(', ');
        this.report('error', b.nameNode, b.path, `No function writes ${name}, so ${users} would wait for events forever. Give a function "${name}: write" in its RB_assign, or remove ${name}.`, 'never-written');
      } else if (w.length === 0) {
        this.report('warning', b.nameNode, b.path, `${name} is not used by any function. Connect it in some RB_assign, or remove it.`, 'unused-buffer');
      } else if (r.length === 0 && o.length === 0) {
        this.report('warning', b.nameNode, b.path, `${name} is written but no function reads or observes it, so its events are discarded. Add a function with "${name}: read" (e.g. a sink that saves them), or remove the writer's assignment.`, 'never-read');
      } else if (r.length === 0) {
        this.report('note', b.nameNode, b.path, `${name} is only observed (by ${o.map((d) => d.spec.name).join(', ')}), not read: observers see the newest event, the rest are discarded.`, 'only-observed');
      }
    }
    this.cycles();
    this.limits(readers);
  }

  /** The ring buffer's own limits (src-shared/ringbuffer), checked here so they come with a line number. */
  private limits(readers: Map<string, FunctionDef[]>): void {
    let total = 0;
    for (const b of this.buffers.values()) {
      const { spec, path } = b;
      if (spec.slots > LIMITS.maxSlots)
        this.report('error', b.at.slots, [...path, 'number_of_slots'], `number_of_slots of ${spec.name} is ${spec.slots}; a ring buffer holds at most ${LIMITS.maxSlots} events.`, 'over-limit');
      if (spec.samples > LIMITS.maxSamples)
        this.report('error', b.at.samples, [...path, 'channel_per_slot'], `channel_per_slot of ${spec.name} is ${spec.samples}; at most ${LIMITS.maxSamples} values per field are possible.`, 'over-limit');
      if (spec.fields.length > LIMITS.maxFields)
        this.report('error', b.at.data_type, [...path, 'data_type'], `${spec.name} has ${spec.fields.length} fields; at most ${LIMITS.maxFields} are possible.`, 'over-limit');
      const groups = (readers.get(spec.name) ?? []).map((d) => d.spec.name);
      if (groups.length > LIMITS.maxGroups)
        this.report('error', b.nameNode, path, `${groups.length} functions read ${spec.name}; at most ${LIMITS.maxGroups} can (each is a reader group). Let one function pass events on through another buffer.`, 'over-limit');
      if (spec.slots < 1 || spec.samples < 1 || spec.fields.length === 0 || spec.slots > LIMITS.maxSlots || spec.samples > LIMITS.maxSamples) continue;
      const bytes = computeOffsets({ name: spec.name, slots: spec.slots, samples: spec.samples, fields: spec.fields, groups }).totalBytes;
      total += bytes;
      if (bytes > LIMITS.maxBytes) {
        const pow2 = 2 ** Math.ceil(Math.log2(spec.slots));
        const rounding = pow2 !== spec.slots ? ` (its ${spec.slots} slots take the room of ${pow2}: slots are rounded up to a power of two)` : '';
        this.report(
          'error',
          b.nameNode,
          path,
          `${spec.name} needs ${(bytes / 2 ** 20).toFixed(0)} MiB of memory${rounding}; one ring buffer may use at most ${LIMITS.maxBytes / 2 ** 20} MiB. Reduce number_of_slots or channel_per_slot.`,
          'over-limit',
        );
      }
    }
    if (total > TOTAL_MEMORY_WARNING && this.buffers.size > 1) {
      const first = [...this.buffers.values()][0];
      this.report('warning', first.nameNode, ['RingBuffer'], `The ring buffers together need ${(total / 2 ** 30).toFixed(1)} GiB of memory; make sure this computer has that much to spare.`, 'large-buffers');
    }
  }

  /** Data must flow one way: a path buffer → function → buffer … back to the first buffer never drains. */
  private cycles(): void {
    // Edges buffer → buffer through a function that reads the first and writes the second.
    const edges = new Map<string, Array<{ to: string; via: FunctionDef }>>();
    for (const d of this.functions.values()) {
      const reads = d.spec.assign.filter((a) => a.mode === 'read').map((a) => a.buffer);
      const writes = d.spec.assign.filter((a) => a.mode === 'write').map((a) => a.buffer);
      for (const r of reads) for (const w of writes) edges.set(r, [...(edges.get(r) ?? []), { to: w, via: d }]);
    }
    const state = new Map<string, 'active' | 'done'>();
    const stack: Array<{ buffer: string; via?: FunctionDef }> = [];
    const reported = new Set<string>();
    const visit = (buffer: string): void => {
      state.set(buffer, 'active');
      for (const { to, via } of edges.get(buffer) ?? []) {
        if (state.get(to) === 'active') {
          const start = stack.findIndex((s) => s.buffer === to);
          const loop = stack.slice(start);
          const key = loop.map((s) => s.buffer).sort().join(',');
          if (!reported.has(key)) {
            reported.add(key);
            // Each stack entry holds the function that led into its buffer; `via` closes the circle.
            const parts: string[] = [];
            loop.forEach((s, i) => parts.push(s.buffer, (i + 1 < loop.length ? loop[i + 1].via! : via).spec.name));
            parts.push(to);
            this.report(
              'error',
              via.assignNodes.get(to) ?? via.nameNode,
              [...via.path, 'RB_assign', to],
              `Data would flow in a circle: ${parts.join(' → ')}. Events could never drain at the end of a run; remove one of these assignments.`,
              'cycle',
            );
          }
        } else if (!state.has(to)) {
          stack.push({ buffer: to, via });
          visit(to);
          stack.pop();
        }
      }
      state.set(buffer, 'done');
    };
    for (const b of this.buffers.keys()) {
      if (state.has(b)) continue;
      stack.push({ buffer: b });
      visit(b);
      stack.pop();
    }
  }
}
