// One YAML file as validation sees it: the text, its Document (the `yaml`
// package's document API, which keeps comments and order), a line counter for
// 1-based line/column positions, and helpers to walk mappings the way PyYAML
// (and so mimoCoRB) reads them.
import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type DocumentOptions,
  type Node,
  type Pair,
  type ParseOptions,
  type ScalarTag,
  type SchemaOptions,
  type Tags,
  type ToStringOptions,
  type YAMLMap,
} from 'yaml';
import { aliasBomb, MAX_ALIAS_VALUES } from './alias-size';
import type { KeyPath, Problem, Severity } from './types';

// PyYAML (YAML 1.1) reads yes/no/on/off as booleans; mimoCoRB files may rely on
// that. The rest of YAML 1.1 we leave out on purpose: its `y`/`n` booleans and
// sexagesimal numbers (1:30 = 90) surprise more than they help. Listed before
// the core tags so that a `yes` in the file is written back as `yes`.
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;
const pyBoolTag: ScalarTag = {
  identify: (v) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: PY_BOOL,
  resolve: (s) => /^(?:yes|on)$/i.test(s),
  stringify: ({ source, value }) =>
    source && PY_BOOL.test(source) && /^(?:yes|on)$/i.test(source) === value ? source : value ? 'true' : 'false',
};

/**
 * How RingScope reads every setup and config file: YAML 1.2 core schema plus
 * PyYAML's yes/no/on/off booleans and `<<` merge keys; duplicate keys allowed
 * (PyYAML keeps the last one; we warn).
 */
export const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  schema: 'core',
  merge: true,
  uniqueKeys: false,
  customTags: (tags: Tags) => [pyBoolTag, ...tags],
  prettyErrors: true,
};

/** How edited documents are written back: mimoCoRB's style (`[a, b]`, no line folding). */
export const YAML_TO_STRING: ToStringOptions = {
  flowCollectionPadding: false,
  lineWidth: 0,
};

/** A parsed YAML file with positions. */
export class YamlSource {
  readonly doc: Document.Parsed;
  readonly lines = new LineCounter();
  /** YAML syntax errors and warnings, as problems. */
  readonly syntaxProblems: Problem[] = [];

  /** The aliases would expand the file beyond MAX_ALIAS_VALUES (it is not read further). */
  readonly aliasBomb: boolean;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    // Old Mac files end lines with a lone CR, which YAML counts as a line break but the parser does not.
    // CR → LF keeps every offset, so lines, columns and in-place edits still match the text as written.
    this.doc = parseDocument(text.replace(/\r(?!\n)/g, '\n'), { ...YAML_OPTIONS, lineCounter: this.lines });
    for (const e of this.doc.errors) this.syntaxProblems.push(this.syntaxProblem('error', e.message, e.pos[0], e.code));
    for (const w of this.doc.warnings) this.syntaxProblems.push(this.syntaxProblem('warning', w.message, w.pos[0], w.code));
    const bomb = this.doc.errors.length === 0 ? aliasBomb(this.doc) : null;
    this.aliasBomb = bomb !== null;
    if (bomb) {
      const { line, column } = this.at(bomb.alias);
      this.syntaxProblems.push({
        severity: 'error',
        message: `YAML aliases: the aliases (*name) of this file would expand it to more than ${MAX_ALIAS_VALUES.toLocaleString('en')} values (nested aliases of aliases, as in a "billion laughs" file), so it is not read. Write the values out, or alias smaller parts.`,
        file,
        line,
        column,
        path: '',
        code: 'yaml-alias-bomb',
      });
    }
  }

  /** True when the file has YAML syntax errors or an alias bomb (its content cannot be trusted). */
  get broken(): boolean {
    return this.doc.errors.length > 0 || this.aliasBomb;
  }

  /** 1-based line and column of a text offset. */
  position(offset: number): { line: number; column: number } {
    const p = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    if (p.line === 0) return { line: 1, column: offset + 1 };
    return { line: p.line, column: p.col };
  }

  /** 1-based line and column where a node starts (1:1 without a node). */
  at(node: Node | null | undefined): { line: number; column: number } {
    const start = node?.range?.[0];
    return start === undefined ? { line: 1, column: 1 } : this.position(start);
  }

  /** A problem located at a node. */
  problem(
    severity: Severity,
    node: Node | null | undefined,
    path: KeyPath,
    message: string,
    extra: { code?: string; suggestion?: string } = {},
  ): Problem {
    const { line, column } = this.at(node);
    const p: Problem = { severity, message, file: this.file, line, column, path: formatKeyPath(path) };
    if (extra.code !== undefined) p.code = extra.code;
    if (extra.suggestion !== undefined) p.suggestion = extra.suggestion;
    return p;
  }

  private syntaxProblem(severity: Severity, message: string, offset: number, code: string): Problem {
    const { line, column } = this.position(offset);
    // The yaml package appends a source excerpt after " at line N, column M:"; the excerpt
    // is for terminals, and the position is in our own fields.
    const plain = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
    return { severity, message: `YAML syntax: ${plain}`, file: this.file, line, column, path: '', code: `yaml-${code.toLowerCase()}` };
  }

  /** The node an alias points to (or the node itself). */
  resolve(node: unknown): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node as Node;
  }

  /** A node's plain JavaScript value (aliases and merge keys resolved). */
  toJS(node: Node | null): unknown {
    if (node === null) return null;
    // The alias check in the constructor bounds what aliases add; the yaml package's own
    // heuristic (anchor size × uses) refuses ordinary files that share a section many times.
    return node.toJS(this.doc, { maxAliasCount: -1 });
  }

  /**
   * Warnings for keys written twice in one mapping, anywhere in the file
   * (PyYAML, and so mimoCoRB, keeps the last one silently; so do we, but say so).
   */
  duplicateKeys(): Problem[] {
    const problems: Problem[] = [];
    const walk = (node: unknown, path: Array<string | number>): void => {
      if (isMap(node)) {
        const seen = new Map<string, Node>();
        for (const pair of node.items as Pair[]) {
          const k = pair.key as Node | null;
          if (!isScalar(k) || typeof k.value === 'symbol' || k.value === null || typeof k.value === 'object') continue;
          const key = String(k.value);
          const earlier = seen.get(key);
          if (earlier) {
            const first = this.at(earlier).line;
            problems.push(
              this.problem('warning', earlier, [...path, key], `"${key}" appears twice here (lines ${first} and ${this.at(k).line}); the last one counts, as in mimoCoRB. Delete the one on line ${first}.`, {
                code: 'duplicate-key',
              }),
            );
          }
          seen.set(key, k);
          walk(pair.value, [...path, key]);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => walk(item, [...path, i]));
      }
    };
    walk(this.doc.contents, []);
    return problems;
  }

  /**
   * The entries of a mapping as PyYAML sees them: `<<` merges expanded (explicit
   * keys win), duplicate keys reduced to the last one, non-scalar keys reported
   * as errors and skipped.
   */
  entries(map: YAMLMap, path: KeyPath, problems: Problem[]): Entry[] {
    const out = new Map<string, Entry>();
    const merged: Entry[] = [];
    for (const pair of map.items as Pair[]) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        // `<<: *base` or `<<: [*a, *b]` (earlier maps win among the merged ones).
        const source = this.resolve(pair.value);
        const maps = isSeq(source) ? source.items.map((i) => this.resolve(i)) : [source];
        for (const m of maps) {
          if (!isMap(m)) {
            problems.push(this.problem('error', keyNode, path, 'A << merge key must point to a mapping (an alias like *defaults, or a list of them).', { code: 'bad-merge' }));
            continue;
          }
          for (const e of this.entries(m, path, problems)) {
            if (!merged.some((x) => x.key === e.key)) merged.push({ ...e, keyNode, merged: true });
          }
        }
        continue;
      }
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        problems.push(this.problem('error', keyNode ?? map, path, 'Keys must be plain names; this one is a list, a mapping or empty. Write a name before the colon.', { code: 'bad-key' }));
        continue;
      }
      const key = String(keyNode.value);
      // A repeated key: the last one counts (duplicateKeys() reports it once for the whole file).
      out.delete(key);
      const raw = (pair.value as Node | null) ?? null;
      out.set(key, { key, keyNode, raw, value: this.resolve(raw), merged: false });
    }
    const result = [...out.values()];
    for (const m of merged) if (!out.has(m.key)) result.push(m);
    return result;
  }

  /** Where a value came from, for messages about aliased values: " (from &name on line N)". */
  aliasNote(raw: Node | null): string {
    if (!isAlias(raw)) return '';
    const target = this.resolve(raw);
    return target ? ` (its value comes from &${raw.source} on line ${this.at(target).line})` : '';
  }
}

/** One key of a mapping. */
export interface Entry {
  key: string;
  /** The key's node (for merged entries, the `<<` key). */
  keyNode: Node | null;
  /** The value node as written (maybe an alias). */
  raw: Node | null;
  /** The value node with aliases resolved; null for an empty value. */
  value: Node | null;
  /** Came in through a `<<` merge key. */
  merged: boolean;
}

/** "RingBuffer[0].RB_1.number_of_slots" for ['RingBuffer', 0, 'RB_1', 'number_of_slots']. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The inverse of formatKeyPath: "Functions[2].Fkt_2.RB_assign" → ['Functions', 2, 'Fkt_2', 'RB_assign']. */
export function parseKeyPath(text: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([^.[\]]+)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else out.push(m[3]);
  }
  if (re.lastIndex !== text.length) throw new Error(`not a key path: ${text}`);
  return out;
}
