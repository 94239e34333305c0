// The state one parse shares between its sections (parse-*.ts): the source,
// the problems found so far, what was defined, and the helpers that read a
// value or report a problem in the setup's own words.
import { isCollection, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { BuiltinSpec } from '../builtins/catalog';
import { didYouMean } from './didyoumean';
import { YamlSource, type Entry } from './source';
import type { BufferSpec, FunctionSpec, KeyPath, Problem, Setup, Severity } from './types';

/** Where things sit in the document, for locating later (file-check) problems. */
export interface SetupPaths {
  /** Buffer name → key path of its settings mapping, e.g. ['RingBuffer', 0, 'RB_1']. */
  buffers: Record<string, KeyPath>;
  /** Function name → key path of its settings mapping, e.g. ['Functions', 2, 'Fkt_2']. */
  functions: Record<string, KeyPath>;
  /** Key path of Fkt_main's settings, null when there is no Fkt_main. */
  main: KeyPath | null;
}

/** An empty setup with every default (what a file with errors falls back to). */
export function emptySetup(): Setup {
  return { output_directory: 'target', buffers: [], functions: [], main: { runtime: 0, runevents: 0 }, function_configs: {} };
}

/** A buffer as the parser saw it: its spec and where it was written. */
export interface BufferDef {
  spec: BufferSpec;
  path: KeyPath;
  nameNode: Node | null;
  number: number | null;
  /** Where number_of_slots, channel_per_slot and data_type are written (for limit problems). */
  at: { slots?: Node | null; samples?: Node | null; data_type?: Node | null };
}

/** A function as the parser saw it: its spec and where it was written. */
export interface FunctionDef {
  spec: FunctionSpec;
  path: KeyPath;
  nameNode: Node | null;
  number: number | null;
  /** The node of each RB_assign entry's key, by buffer name. */
  assignNodes: Map<string, Node | null>;
  builtin: BuiltinSpec | null;
  configNode: Node | null;
}

/** How a value reads in a message: "a mapping", "a list", `"text"`, 42, empty. */
export function describe(node: Node | null): string {
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
export function sentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

/** A scalar's value (null when empty); undefined for a mapping, list or alias. */
export function scalarOf(node: Node | null): unknown {
  if (node === null) return null;
  if (isScalar(node)) return node.value ?? null;
  return undefined;
}

/** One parse: the shared state and the reporting and value helpers of every section. */
export class ParseContext {
  readonly src: YamlSource;
  readonly problems: Problem[] = [];
  readonly builtins: Record<string, BuiltinSpec>;
  readonly setup = emptySetup();
  readonly paths: SetupPaths = { buffers: {}, functions: {}, main: null };
  readonly buffers = new Map<string, BufferDef>();
  readonly functions = new Map<string, FunctionDef>();
  /** Buffers named in an RB_assign entry that was rejected: their connection problems are already reported. */
  readonly rejected = new Set<string>();

  constructor(text: string, file: string, builtins: Record<string, BuiltinSpec>) {
    this.src = new YamlSource(text, file);
    this.builtins = builtins;
  }

  // --- reporting ------------------------------------------------------------

  /** Adds one problem, located at `node` (line 1 without one) and named by its key path. */
  report(severity: Severity, node: Node | null | undefined, path: KeyPath, message: string, code: string, suggestion?: string): void {
    this.problems.push(this.src.problem(severity, node, path, message, { code, suggestion }));
  }

  /** Where to point for a problem with an entry's value: the value, or its key when the value is empty, merged or a block spanning the lines below. */
  valueAt(e: Entry): Node | null {
    if (e.merged || e.raw === null || scalarOf(e.raw) === null) return e.keyNode;
    if (isCollection(e.raw) && !e.raw.flow) return e.keyNode;
    return e.raw;
  }

  /** Warns about a key RingScope does not read, with a did-you-mean or the known keys. */
  unknownKey(e: Entry, path: KeyPath, where: string, known: readonly string[]): void {
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

  /** The value as non-blank text; otherwise an error and undefined. */
  text(e: Entry, path: KeyPath, what: string, hint: string): string | undefined {
    const v = scalarOf(e.value);
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.report('error', this.valueAt(e), path, `${what} must be text (${hint}), not ${describe(e.value)}${this.src.aliasNote(e.raw)}.`, 'bad-type');
    return undefined;
  }

  /** The value as a whole number ≥ `min`; otherwise an error and undefined. */
  integer(e: Entry, path: KeyPath, min: number, what: string, hint: string): number | undefined {
    const v = scalarOf(e.value);
    if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
    const wrong = typeof v === 'number' && Number.isInteger(v) ? `${v} is too small` : `not ${describe(e.value)}`;
    this.report('error', this.valueAt(e), path, `${what} must be a whole number ≥ ${min} (${hint}); ${wrong}${this.src.aliasNote(e.raw)}.`, typeof v === 'number' ? 'out-of-range' : 'bad-type');
    return undefined;
  }

  /** The value as a finite number (above `min` when given); otherwise an error and undefined. */
  number(e: Entry, path: KeyPath, what: string, hint: string, min?: { value: number; exclusive: boolean }): number | undefined {
    const v = scalarOf(e.value);
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (!min || v > min.value || (!min.exclusive && v === min.value)) return v;
      this.report('error', this.valueAt(e), path, `${what} must be ${min.exclusive ? 'greater than' : 'at least'} ${min.value} (${hint}); it is ${v}.`, 'out-of-range');
      return undefined;
    }
    this.report('error', this.valueAt(e), path, `${what} must be a number (${hint}), not ${describe(e.value)}${this.src.aliasNote(e.raw)}.`, 'bad-type');
    return undefined;
  }

  /** A mapping's entries; none for anything else. */
  entriesOf(node: Node | null, path: KeyPath): Entry[] {
    return isMap(node) ? this.src.entries(node, path, this.problems) : [];
  }

  // --- list items (RingBuffer and Functions) -------------------------------

  /**
   * One `- NAME: {...}` list item: its name entry and settings entries. Recovers
   * from the common indentation slip where the settings sit level with the name.
   */
  listItem(item: Node | null, path: KeyPath, what: 'buffer' | 'function', settingKeys: readonly string[]): { name: Entry; settings: Entry[] | null; settingsNode: Node | null } | null {
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
  numberedName(name: Entry, path: KeyPath, prefix: 'RB' | 'Fkt'): number | null {
    const m = new RegExp(`^${prefix}_(\\d+)$`).exec(name.key);
    if (m) return Number(m[1]);
    const loose = new RegExp(`^${prefix}[ _-]?(\\d+)$`, 'i').exec(name.key);
    const suggestion = loose ? `${prefix}_${Number(loose[1])}` : undefined;
    const what = prefix === 'RB' ? 'Buffers are named RB_1, RB_2, …' : 'Functions are named Fkt_main, Fkt_1, Fkt_2, …';
    this.report('error', name.keyNode, path, `${what}; "${name.key}" is not such a name.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`, 'bad-name', suggestion);
    return null;
  }

  /** Notes a section whose RB_n / Fkt_n numbers are not 1, 2, 3, … in order. */
  numbering(defs: Array<{ number: number | null; nameNode: Node | null; path: KeyPath }>, prefix: 'RB' | 'Fkt', section: string): void {
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
}
