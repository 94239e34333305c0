// The setup editor's logic, without React or the DOM: what the form shows for a
// setup text (buffers, functions, each parameter with its value, where that
// value comes from and where an edit goes), how typed input becomes a value,
// and which problem belongs to which field. The YAML text stays the source of
// truth: every form edit is an editText on it (only that value changes; every
// comment and the rest of the file stay byte for byte), then a re-parse.
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { BUILTINS, checkParamValue, type BuiltinSpec, type ParamSpec } from '../../../src-shared/builtins/catalog';
import { deleteText, editText } from '../../../src-shared/setup/edit';
import { configLayers, mergeConfig } from '../../../src-shared/setup/merge';
import { hasErrors, parseSetup, type ParsedSetup } from '../../../src-shared/setup/parse';
import { formatKeyPath, YAML_OPTIONS } from '../../../src-shared/setup/source';
import type { KeyPath, Problem } from '../../../src-shared/setup/types';

/** One editable value of the form: where it lives in the file and what it holds now. */
export interface FieldValue {
  path: KeyPath;
  /** formatKeyPath(path): what problems name. */
  key: string;
  value: unknown;
}

export interface BufferFieldRow {
  /** The data_type key (1, 2, …), null when data_type is one type for the whole event. */
  id: string | null;
  name: FieldValue | null;
  dtype: FieldValue;
}

export interface BufferForm {
  name: string;
  path: KeyPath;
  key: string;
  slots: FieldValue;
  samples: FieldValue;
  /** Rows of data_type; empty when data_type is missing or not understood. */
  fields: BufferFieldRow[];
  /** True when data_type is a mapping of numbered fields (fields can be added and removed). */
  named: boolean;
}

export interface ParamForm {
  name: string;
  /** The built-in's declaration; undefined for a user function's parameter. */
  spec?: ParamSpec;
  value: unknown;
  /** Where the value comes from, for people: "default", "this file (Fkt_2.config)", "config/muon_config.yaml" … */
  origin: string;
  /** True when the value is written in the setup file itself (so it can be reset). */
  inFile: boolean;
  /** Where an edit is written (the layer that already sets it in this file, else the function's inline config). */
  editPath: KeyPath;
  key: string;
}

export interface FunctionForm {
  name: string;
  path: KeyPath;
  key: string;
  fileName: string;
  fktName: string;
  builtin: BuiltinSpec | null;
  numProcess: FieldValue;
  params: ParamForm[];
}

export interface EditorModel {
  parsed: ParsedSetup;
  /** YAML syntax errors: the form cannot edit the text until they are fixed in the YAML tab. */
  broken: boolean;
  buffers: BufferForm[];
  functions: FunctionForm[];
  problems: Problem[];
  errors: number;
}

/** Content of the config files a setup names, keyed as written (SetupInfo.configs). */
export type ConfigContents = Record<string, unknown>;

const field = (path: KeyPath, value: unknown): FieldValue => ({ path, key: formatKeyPath(path), value });

function valueAt(parsed: ParsedSetup, path: KeyPath): unknown {
  const v = parsed.doc.getIn(path as (string | number)[], false);
  return v && typeof v === 'object' && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : v;
}

// Reads a scalar as written (keys of data_type may be numbers in the file; getIn needs the same type).
function rawEntries(parsed: ParsedSetup, path: KeyPath): [string, unknown][] {
  const v = parsed.doc.getIn(path as (string | number)[], false);
  if (!v || typeof v !== 'object' || !('items' in v)) return [];
  const items = (v as { items: { key: unknown; value: unknown }[] }).items;
  return items.map((p) => {
    const k = p.key && typeof p.key === 'object' && 'value' in p.key ? (p.key as { value: unknown }).value : p.key;
    const val = p.value && typeof p.value === 'object' && 'toJSON' in p.value ? (p.value as { toJSON(): unknown }).toJSON() : p.value;
    return [String(k), val];
  });
}

function keySegment(parsed: ParsedSetup, path: KeyPath, key: string): string | number {
  // data_type's keys are numbers in most files: address them as numbers so the node is found.
  const v = parsed.doc.getIn(path as (string | number)[], false);
  if (v && typeof v === 'object' && 'items' in v) {
    for (const p of (v as { items: { key: unknown }[] }).items) {
      const k = p.key && typeof p.key === 'object' && 'value' in p.key ? (p.key as { value: unknown }).value : p.key;
      if (String(k) === key) return typeof k === 'number' ? k : key;
    }
  }
  return key;
}

/** The form for a setup text. `configs`: the config files' content from the host (for parameter values set there). */
export function buildModel(text: string, options: { file?: string; configs?: ConfigContents } = {}): EditorModel {
  const parsed = parseSetup(text, { file: options.file });
  const { setup, paths } = parsed;
  const broken = parsed.source.broken;
  const buffers: BufferForm[] = [];
  const functions: FunctionForm[] = [];
  if (!broken) {
    for (const b of setup.buffers) {
      const path = paths.buffers[b.name];
      if (!path) continue;
      const slotsPath = [...path, 'number_of_slots'];
      const samplesPath = [...path, 'channel_per_slot'];
      const dtPath = [...path, 'data_type'];
      const dt = valueAt(parsed, dtPath);
      const rows: BufferFieldRow[] = [];
      let named = false;
      if (typeof dt === 'string') {
        rows.push({ id: null, name: null, dtype: field(dtPath, dt) });
      } else if (dt && typeof dt === 'object' && !Array.isArray(dt)) {
        named = true;
        for (const [id, pair] of rawEntries(parsed, dtPath)) {
          const seg = keySegment(parsed, dtPath, id);
          const [n, t] = Array.isArray(pair) ? pair : [undefined, undefined];
          rows.push({ id, name: field([...dtPath, seg, 0], n), dtype: field([...dtPath, seg, 1], t) });
        }
      }
      buffers.push({
        name: b.name,
        path,
        key: formatKeyPath(path),
        slots: field(slotsPath, valueAt(parsed, slotsPath)),
        samples: field(samplesPath, valueAt(parsed, samplesPath)),
        fields: rows,
        named,
      });
    }
    const configs = options.configs ?? {};
    for (const fn of setup.functions) {
      const path = paths.functions[fn.name];
      if (!path) continue;
      const builtin = fn.builtin ? (BUILTINS[fn.builtin] ?? null) : null;
      const layers = configLayers(fn, setup, {
        builtin,
        common: setup.main.config_file ? { label: setup.main.config_file, values: configs[setup.main.config_file] } : null,
        file: fn.config_file ? { label: fn.config_file, values: configs[fn.config_file] } : null,
      });
      const merged = mergeConfig(layers);
      const inlineSource = `${fn.name}.config`;
      const sharedSource = `FunctionConfigs.${fn.fkt_name}`;
      const sharedBy = setup.functions.filter((f) => f.fkt_name === fn.fkt_name).length;
      const param = (name: string, spec?: ParamSpec): ParamForm => {
        const origin = merged.origin[name];
        const inline = origin === inlineSource;
        // FunctionConfigs is edited only when this function alone reads that section.
        const shared = origin === sharedSource && sharedBy === 1;
        const editPath: KeyPath = shared ? ['FunctionConfigs', fn.fkt_name, name] : [...path, 'config', name];
        return {
          name,
          spec,
          value: name in merged.config ? merged.config[name] : spec?.default,
          origin: describeOrigin(origin, fn.name),
          inFile: inline || origin === sharedSource,
          editPath,
          key: formatKeyPath(inline || shared ? editPath : origin === sharedSource ? ['FunctionConfigs', fn.fkt_name, name] : editPath),
        };
      };
      const params: ParamForm[] = builtin
        ? builtin.params.map((p) => param(p.name, p))
        : Object.keys(merged.config)
            .filter((k) => k !== 'directory_prefix')
            .map((k) => param(k));
      const npPath = [...path, 'num_process'];
      functions.push({
        name: fn.name,
        path,
        key: formatKeyPath(path),
        fileName: fn.file_name,
        fktName: fn.fkt_name,
        builtin,
        numProcess: field(npPath, valueAt(parsed, npPath) ?? 1),
        params,
      });
    }
  }
  return { parsed, broken, buffers, functions, problems: parsed.problems, errors: parsed.problems.filter((p) => p.severity === 'error').length };
}

function describeOrigin(origin: string | undefined, fn: string): string {
  if (origin === undefined) return 'not set';
  if (origin.startsWith('defaults of ')) return 'default';
  if (origin === `${fn}.config`) return `this file (${fn}.config)`;
  if (origin.startsWith('FunctionConfigs.')) return `this file (${origin})`;
  return origin;
}

/** How an input is read: numbers where numbers belong, text as typed, YAML for lists, mappings and free parameters. */
export type InputKind = 'number' | 'text' | 'yaml';

/** The input kind of a built-in parameter (or a free one without a declaration). */
export function inputKind(spec: ParamSpec | undefined): InputKind {
  if (!spec) return 'yaml';
  if (spec.type === 'number' || spec.type === 'integer') return 'number';
  if (spec.type === 'list' || spec.type === 'mapping') return 'yaml';
  return 'text';
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Turns what was typed into the value written to the file. Numbers that do
 * not parse are written as typed (the validation then says what is wrong, at
 * the field); YAML that does not parse is an Error and nothing is written.
 */
export function readInput(text: string, kind: InputKind): unknown {
  const t = text.trim();
  if (kind === 'text') return text;
  if (kind === 'number') return NUMBER.test(t) ? Number(t) : text;
  if (t === '') return null;
  try {
    return parseYaml(t, { ...YAML_OPTIONS, prettyErrors: false });
  } catch (e) {
    return new Error(`not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** A value as the form shows it in a text input (lists and mappings in YAML flow style). */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return stringifyYaml(value, { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: false }).trim();
}

/** The setup text with one value changed (everything else kept byte for byte where possible). */
export function applyEdit(text: string, path: KeyPath, value: unknown): string {
  return editText(text, path, value);
}

/** The setup text without the key at `path` (a parameter falls back to its default or config file). */
export function applyDelete(text: string, path: KeyPath): string {
  return deleteText(text, path);
}

/** The next free numeric key of a data_type mapping and the text with a new field there. */
export function addBufferField(text: string, buffer: BufferForm, name: string, dtype = 'float32'): string {
  const ids = buffer.fields.map((f) => Number(f.id)).filter((n) => Number.isInteger(n));
  const next = (ids.length ? Math.max(...ids) : 0) + 1;
  return editText(text, [...buffer.path, 'data_type', next], [name, dtype]);
}

/** Why a parameter value will not do (checked before it is sent to a running run), or null. */
export function paramValueProblem(param: ParamForm, value: unknown): string | null {
  return param.spec ? checkParamValue(param.spec, value) : null;
}

function under(problemKey: string, key: string): boolean {
  return key === '' || problemKey === key || problemKey.startsWith(`${key}.`) || problemKey.startsWith(`${key}[`);
}

/**
 * Places each problem at the field that shows it: the rendered key path that
 * is the longest prefix of the problem's path ('' = the setup as a whole).
 */
export function placeProblems(problems: readonly { path?: unknown }[], keys: readonly string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const sorted = [...new Set(keys)].sort((a, b) => b.length - a.length);
  problems.forEach((p, i) => {
    const pk = typeof p.path === 'string' ? p.path : Array.isArray(p.path) ? formatKeyPath(p.path as KeyPath) : '';
    const at = sorted.find((k) => k !== '' && under(pk, k)) ?? '';
    out.set(at, [...(out.get(at) ?? []), i]);
  });
  return out;
}

/** Every key path the form renders a message slot for (buffers, their values, functions, parameters). */
export function renderedKeys(model: EditorModel): string[] {
  const keys: string[] = [''];
  for (const b of model.buffers) {
    keys.push(b.key, b.slots.key, b.samples.key, formatKeyPath([...b.path, 'data_type']));
    for (const f of b.fields) {
      if (f.name) keys.push(f.name.key);
      keys.push(f.dtype.key);
      if (f.id !== null) keys.push(formatKeyPath(f.dtype.path.slice(0, -1)));
    }
  }
  for (const f of model.functions) {
    keys.push(f.key, f.numProcess.key);
    for (const p of f.params) keys.push(p.key);
  }
  return keys;
}

// parseSetup on every keystroke and in several selectors: remember the last few texts.
const cache = new Map<string, EditorModel>();

/** buildModel, remembered for the last few (text, configs) pairs. */
export function modelFor(text: string, configs?: ConfigContents, file?: string): EditorModel {
  const k = `${file ?? ''}\0${configs ? JSON.stringify(configs) : ''}\0${text}`;
  let m = cache.get(k);
  if (!m) {
    m = buildModel(text, { configs, file });
    cache.set(k, m);
    if (cache.size > 8) cache.delete(cache.keys().next().value as string);
  }
  return m;
}

/** True when the text has structural errors (Start would be refused). */
export function textHasErrors(text: string): boolean {
  return hasErrors(modelFor(text).problems);
}
