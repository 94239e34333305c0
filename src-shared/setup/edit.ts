// Editing a setup (or config) file by key path without losing what the user
// wrote. Two levels:
//  - setIn/deleteIn change the YAML Document (the `yaml` package's document API
//    keeps comments, order and unknown keys; writing it out re-indents the file
//    in one consistent style);
//  - editText changes the text itself: a scalar value that already exists is
//    replaced in place, so every other byte (indentation, quotes, spacing,
//    comments) stays as it was; anything else falls back to the Document.
import { isAlias, isCollection, isMap, isScalar, isSeq, visit, type Scalar, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { YAML_TO_STRING, YamlSource } from './source';
import type { KeyPath } from './types';

type Holder = { kind: 'pair'; pair: Pair; map: YAMLMap } | { kind: 'item'; seq: YAMLSeq; index: number };

function keyMatches(key: unknown, seg: string | number): boolean {
  return isScalar(key) && typeof key.value !== 'symbol' && key.value !== null && String(key.value) === String(seg);
}

/** The last pair of a mapping whose key reads as `seg` (PyYAML keeps the last duplicate). */
function lastPair(map: YAMLMap, seg: string | number): Pair | undefined {
  let found: Pair | undefined;
  for (const p of map.items as Pair[]) if (keyMatches(p.key, seg)) found = p;
  return found;
}

function seqIndex(seg: string | number): number | null {
  if (typeof seg === 'number') return Number.isInteger(seg) && seg >= 0 ? seg : null;
  return /^\d+$/.test(seg) ? Number(seg) : null;
}

function deref(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

interface Found {
  node: Node | null;
  holder: Holder | null;
  /** Some enclosing collection is written in flow style ({…} or […]). */
  inFlow: boolean;
}

/** The node at a key path (aliases followed on the way, not at the end), or null when absent. */
export function findNode(doc: Document, path: KeyPath): Found | null {
  let node: unknown = doc.contents;
  let holder: Holder | null = null;
  let inFlow = false;
  for (const seg of path) {
    node = deref(doc, node);
    if (isCollection(node) && node.flow) inFlow = true;
    if (isMap(node)) {
      const pair = lastPair(node, seg);
      if (!pair) return null;
      holder = { kind: 'pair', pair, map: node };
      node = pair.value;
    } else if (isSeq(node)) {
      const i = seqIndex(seg);
      if (i === null || i >= node.items.length) return null;
      holder = { kind: 'item', seq: node, index: i };
      node = node.items[i];
    } else {
      return null;
    }
  }
  return { node: (node as Node | null) ?? null, holder, inFlow };
}

function isScalarValue(v: unknown): v is string | number | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** A node for a plain value; short lists of plain values are written in flow style, [chA, float32]. */
function newNode(doc: Document, value: unknown): Node {
  if (isScalar(value) || isCollection(value)) return value as Node;
  const node = doc.createNode(value) as Node;
  visit(node, {
    Seq(_, seq) {
      if (seq.items.length <= 8 && seq.items.every((i) => isScalar(i))) seq.flow = true;
    },
  });
  return node;
}

/** A new node for `value` that keeps the old node's anchor, comments, blank line, and quoting or flow style. */
function replacement(doc: Document, old: unknown, value: unknown): Node {
  const fresh = newNode(doc, value);
  if (old && typeof old === 'object' && !isAlias(old)) {
    const o = old as Node;
    if (o.anchor && !fresh.anchor) fresh.anchor = o.anchor;
    if (o.comment) fresh.comment = o.comment;
    if (o.commentBefore) fresh.commentBefore = o.commentBefore;
    if (o.spaceBefore) fresh.spaceBefore = o.spaceBefore;
    if (isScalar(o) && isScalar(fresh) && typeof fresh.value === 'string' && typeof o.value === 'string' && (o.type === 'QUOTE_DOUBLE' || o.type === 'QUOTE_SINGLE'))
      fresh.type = o.type;
    if (isCollection(o) && isCollection(fresh) && o.flow) fresh.flow = true;
  }
  return fresh;
}

function keyNodeFor(doc: Document, map: YAMLMap, seg: string | number): unknown {
  // data_type's field keys are numbers in the file (1: [chA, float32]); keep new ones numbers too.
  const numeric = (map.items as Pair[]).length > 0 && (map.items as Pair[]).every((p) => isScalar(p.key) && typeof p.key.value === 'number');
  if ((typeof seg === 'number' || numeric) && /^\d+$/.test(String(seg))) return doc.createNode(Number(seg));
  return doc.createNode(String(seg));
}

/**
 * Sets the value at a key path in the Document, keeping comments. Missing
 * mappings on the way are created (also in place of an empty value); a
 * sequence index may address an existing item or the end (append).
 */
export function setIn(doc: Document, path: KeyPath, value: unknown): void {
  if (path.length === 0) {
    doc.contents = replacement(doc, doc.contents, value) as typeof doc.contents;
    return;
  }
  let node: unknown = doc.contents;
  if (node === null || (isScalar(node) && node.value === null)) node = doc.contents = doc.createNode({}) as typeof doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    node = deref(doc, node);
    if (isMap(node)) {
      const pair = lastPair(node, seg);
      if (last) {
        if (pair) pair.value = replacement(doc, pair.value, value);
        else node.items.push(doc.createPair(keyNodeFor(doc, node, seg), newNode(doc, value)) as Pair);
        return;
      }
      if (pair && pair.value !== null && !(isScalar(pair.value) && pair.value.value === null)) {
        node = pair.value;
      } else {
        const fresh = doc.createNode({});
        if (pair) pair.value = replacement(doc, pair.value, fresh);
        else node.items.push(doc.createPair(keyNodeFor(doc, node, seg), fresh) as Pair);
        node = fresh;
      }
    } else if (isSeq(node)) {
      const idx = seqIndex(seg);
      if (idx === null || idx > node.items.length) throw new Error(`cannot set ${JSON.stringify(path)}: index ${String(seg)} is outside the list of ${node.items.length}`);
      if (last) {
        if (idx === node.items.length) node.items.push(newNode(doc, value));
        else node.items[idx] = replacement(doc, node.items[idx], value);
        return;
      }
      if (idx === node.items.length) node.items.push(doc.createNode({}));
      node = node.items[idx];
    } else {
      throw new Error(`cannot set ${JSON.stringify(path)}: ${JSON.stringify(path.slice(0, i))} is not a mapping or list`);
    }
  }
}

/** Removes the key (every duplicate of it) or list item at a key path; false if it was not there. */
export function deleteIn(doc: Document, path: KeyPath): boolean {
  if (path.length === 0) return false;
  const parent = path.length === 1 ? { node: doc.contents as Node | null } : findNode(doc, path.slice(0, -1));
  if (!parent) return false;
  const node = deref(doc, parent.node);
  const seg = path[path.length - 1];
  if (isMap(node)) {
    const before = node.items.length;
    node.items = (node.items as Pair[]).filter((p) => !keyMatches(p.key, seg));
    return node.items.length !== before;
  }
  if (isSeq(node)) {
    const idx = seqIndex(seg);
    if (idx === null || idx >= node.items.length) return false;
    node.items.splice(idx, 1);
    return true;
  }
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** True when `text` written plain reads back as that same string (not a number, boolean, null …). */
function readsAsString(text: string): boolean {
  const probe = new YamlSource(text, '');
  return !probe.broken && probe.toJS(probe.doc.contents as Node | null) === text;
}

const PLAIN_UNSAFE_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;

/** The source text of a scalar in the style of the one it replaces, or null to fall back. */
function scalarSource(value: string | number | boolean | null, old: Scalar, inFlow: boolean): string | null {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (old.type === 'BLOCK_FOLDED' || old.type === 'BLOCK_LITERAL') return null;
  const double = JSON.stringify(value);
  if (old.type === 'QUOTE_DOUBLE') return double;
  if (old.type === 'QUOTE_SINGLE') return /[\n\r\t\\]/.test(value) ? double : `'${value.replace(/'/g, "''")}'`;
  const plainOk =
    value !== '' &&
    value === value.trim() &&
    !/[\n\r\t]/.test(value) &&
    !PLAIN_UNSAFE_START.test(value) &&
    !/: |\s#|:$/.test(value) &&
    !(inFlow && /[,[\]{}]/.test(value)) &&
    readsAsString(value);
  return plainOk ? value : double;
}

/** Parses text for editing; throws when the YAML has syntax errors (it cannot be rewritten safely). */
function editable(text: string): YamlSource {
  const src = new YamlSource(text, '');
  if (src.broken) throw new Error(`cannot edit a file with YAML syntax errors: ${src.syntaxProblems[0]?.message ?? ''}`);
  return src;
}

/**
 * Sets the value at a key path and returns the new text. An existing scalar
 * replaced by a scalar is edited in place (the rest of the text is unchanged
 * byte for byte); otherwise the Document is edited and written out whole
 * (comments and order kept, indentation normalised).
 */
export function editText(text: string, path: KeyPath, value: unknown): string {
  const src = editable(text);
  const expected = src.doc.clone();
  setIn(expected, path, value);
  const found = findNode(src.doc, path);
  const node = found?.node;
  if (found && isScalar(node) && isScalarValue(value) && node.range && node.range[1] > node.range[0]) {
    const source = scalarSource(value, node, found.inFlow);
    if (source !== null) {
      const candidate = text.slice(0, node.range[0]) + source + text.slice(node.range[1]);
      const check = new YamlSource(candidate, '');
      if (!check.broken && deepEqual(check.doc.toJS({ maxAliasCount: -1 }), expected.toJS({ maxAliasCount: -1 }))) return candidate;
    }
  }
  return expected.toString(YAML_TO_STRING);
}

/** Removes the key or list item at a key path and returns the new text (written out via the Document). */
export function deleteText(text: string, path: KeyPath): string {
  const src = editable(text);
  if (!deleteIn(src.doc, path)) return text;
  return src.doc.toString(YAML_TO_STRING);
}

/** The Document written out in RingScope's style (comments and order kept). */
export function documentText(doc: Document): string {
  return doc.toString(YAML_TO_STRING);
}
