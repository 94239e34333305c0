// The setup's `epics:` section: which live values RingScope publishes as EPICS
// Channel Access PVs. Pure (no Node, no DOM): the setup validator, the editor
// and the CA publisher all use it.
import { didYouMean } from './didyoumean';

/** One problem in the epics section; `path` is a key path like "epics.pvs[2].field"; `message` reads after it ("epics.port: must be …"). */
export interface EpicsProblem {
  severity: 'error' | 'warning' | 'note';
  message: string;
  path: string;
  code?: string;
  suggestion?: string;
}

export type EpicsPvType = 'double' | 'float' | 'long' | 'short' | 'char' | 'enum' | 'string';

export interface EpicsRange {
  low?: number;
  high?: number;
}

export interface EpicsLimits {
  display?: EpicsRange;
  alarm?: EpicsRange;
  warning?: EpicsRange;
  control?: EpicsRange;
}

interface EpicsPvCommon {
  /** Without the prefix. */
  name: string;
  type: EpicsPvType;
  units?: string;
  precision?: number;
  limits?: EpicsLimits;
  /** enum PVs: the state names. */
  enum_strings?: string[];
  /** Monitor posts per second at most (default: the section's rate). */
  rate?: number;
}

/** The newest event's field of an observed buffer (an array PV for a waveform field without `index`). */
export interface EpicsFieldPv extends EpicsPvCommon {
  kind: 'field';
  buffer: string;
  /** A field of the buffer, or the event's counter, timestamp or deadtime. */
  field: string;
  /** One sample of a waveform field. */
  index?: number;
  /** For string PVs of a time value: 'ctime' ("Mon Nov 24 10:13:01 2025", local time) or 'iso'. */
  format?: 'ctime' | 'iso';
}

/** A function parameter, writable: a put calls engine.setParam(function, param, value). */
export interface EpicsParamPv extends EpicsPvCommon {
  kind: 'param';
  /** The Functions entry (Fkt_1) or its fkt_name. */
  function: string;
  param: string;
  /** Initial value; default: the function's configured parameter. */
  value?: number | string;
}

export type EpicsPvSpec = EpicsFieldPv | EpicsParamPv;

export interface EpicsConfig {
  enabled: boolean;
  prefix: string;
  /** TCP/UDP port; EPICS_CA_SERVER_PORT overrides it; default 5064. */
  port?: number;
  /** Default monitor rate limit per PV (Hz). */
  rate: number;
  /** <prefix><buffer>:RATE/:EVENTS/:FILL/:DEADTIME and <prefix>STATE. */
  status: boolean;
  /** The writable <prefix>CMD (start/pause/resume/stop). */
  commands: boolean;
  /** Run a CA repeater when none is running on this host. */
  repeater: boolean;
  pvs: EpicsPvSpec[];
}

/** What the validator may check references against (both optional). */
export interface EpicsContext {
  buffers?: readonly { name: string; samples?: number; fields: readonly { name: string; dtype?: string }[] }[];
  functions?: readonly { name: string; fkt_name?: string }[];
}

export const EPICS_KEYS = ['enabled', 'prefix', 'port', 'rate', 'status', 'commands', 'repeater', 'pvs'] as const;
export const EPICS_PV_KEYS = ['name', 'buffer', 'field', 'index', 'format', 'function', 'param', 'value', 'type', 'units', 'precision', 'limits', 'enum_strings', 'rate'] as const;
export const EPICS_LIMIT_KEYS = ['display', 'alarm', 'warning', 'control'] as const;
export const EPICS_PV_TYPES: readonly EpicsPvType[] = ['double', 'float', 'long', 'short', 'char', 'enum', 'string'];
/** Per-buffer status PVs, after `<prefix><buffer>:`. */
export const EPICS_BUFFER_STATUS = ['RATE', 'EVENTS', 'FILL', 'DEADTIME'] as const;
/** The run states as STATE's enum strings, in this order. */
export const EPICS_RUN_STATES = ['idle', 'starting', 'running', 'paused', 'stopping', 'ended', 'failed'] as const;
/** CMD's enum strings; writing one does it (`none` does nothing). */
export const EPICS_COMMANDS = ['none', 'start', 'pause', 'resume', 'stop'] as const;
/** Event metadata a field PV may publish besides the buffer's own fields. */
export const EPICS_EVENT_METADATA = ['counter', 'timestamp', 'deadtime'] as const;
export const DEFAULT_EPICS_PORT = 5064;
export const DEFAULT_EPICS_RATE = 10;

const MAX_NAME = 60;
const MAX_UNITS = 7;
const MAX_ENUM_STATES = 16;
const MAX_ENUM_STRING = 25;

/** The PV type a buffer field of this dtype is served as by default. */
export function epicsTypeForDtype(dtype: string | undefined): EpicsPvType {
  switch (dtype) {
    case 'float32':
      return 'float';
    case 'int8':
    case 'int16':
    case 'uint8':
      return 'short';
    case 'uint16':
    case 'int32':
      return 'long';
    default:
      // float64, and 64-bit/unsigned 32-bit integers that no CA integer holds.
      return 'double';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

class Checker {
  problems: EpicsProblem[] = [];

  report(severity: EpicsProblem['severity'], path: string, message: string, code?: string, suggestion?: string): void {
    this.problems.push({ severity, message, path, ...(code ? { code } : {}), ...(suggestion ? { suggestion } : {}) });
  }

  unknownKeys(obj: Record<string, unknown>, known: readonly string[], path: string): void {
    for (const k of Object.keys(obj)) {
      if (known.includes(k)) continue;
      const s = didYouMean(k, known);
      this.report('warning', `${path}.${k}`, `unknown key "${k}" is ignored${s ? ` — did you mean "${s}"?` : ''} (known: ${known.join(', ')}).`, 'unknown-key', s);
    }
  }

  bool(obj: Record<string, unknown>, key: string, path: string, fallback: boolean): boolean {
    const v = obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    this.report('error', `${path}.${key}`, `must be true or false, not ${describe(v)}.`, 'bad-type');
    return fallback;
  }

  number(obj: Record<string, unknown>, key: string, path: string, opts: { integer?: boolean; min?: number; max?: number }): number | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    const ok = typeof v === 'number' && Number.isFinite(v) && (!opts.integer || Number.isInteger(v)) && (opts.min === undefined || v >= opts.min) && (opts.max === undefined || v <= opts.max);
    if (!ok) {
      const range = opts.min !== undefined && opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : opts.min !== undefined ? ` ≥ ${opts.min}` : '';
      this.report('error', `${path}.${key}`, `must be ${opts.integer ? 'an integer' : 'a number'}${range}, not ${describe(v)}.`, 'bad-value');
      return undefined;
    }
    return v as number;
  }

  string(obj: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    this.report('error', `${path}.${key}`, `must be text, not ${describe(v)}.`, 'bad-type');
    return undefined;
  }

  range(v: unknown, path: string): EpicsRange | undefined {
    let low: unknown;
    let high: unknown;
    if (Array.isArray(v) && v.length === 2) [low, high] = v;
    else if (isRecord(v)) {
      this.unknownKeys(v, ['low', 'high'], path);
      ({ low, high } = v);
    } else {
      this.report('error', path, `must be [low, high] (either may be null) or {low: …, high: …}, not ${describe(v)}.`, 'bad-type');
      return undefined;
    }
    const out: EpicsRange = {};
    for (const [k, x] of [['low', low], ['high', high]] as const) {
      if (x === null || x === undefined) continue;
      if (typeof x !== 'number' || Number.isNaN(x)) {
        this.report('error', `${path}.${k}`, `must be a number or null, not ${describe(x)}.`, 'bad-value');
        return undefined;
      }
      out[k] = x;
    }
    if (out.low !== undefined && out.high !== undefined && out.low > out.high) {
      this.report('error', path, `low (${out.low}) is above high (${out.high}).`, 'bad-value');
      return undefined;
    }
    return out;
  }

  limits(v: unknown, path: string): EpicsLimits | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isRecord(v)) {
      this.report('error', path, `must be a mapping with display, alarm, warning and/or control, not ${describe(v)}.`, 'bad-type');
      return undefined;
    }
    this.unknownKeys(v, EPICS_LIMIT_KEYS, path);
    const out: EpicsLimits = {};
    for (const k of EPICS_LIMIT_KEYS) {
      if (v[k] === undefined || v[k] === null) continue;
      const r = this.range(v[k], `${path}.${k}`);
      if (r) out[k] = r;
    }
    return out;
  }
}

/**
 * Validates and normalises an `epics:` section. `config` is null when the
 * section is absent or has errors; problems name the key path and what to do.
 */
export function parseEpicsSection(section: unknown, context: EpicsContext = {}): { config: EpicsConfig | null; problems: EpicsProblem[] } {
  const c = new Checker();
  if (section === undefined || section === null) return { config: null, problems: [] };
  if (!isRecord(section)) {
    c.report('error', 'epics', `must be a mapping of settings (enabled, prefix, port, pvs …), not ${describe(section)}.`, 'bad-type');
    return { config: null, problems: c.problems };
  }
  const p = 'epics';
  c.unknownKeys(section, EPICS_KEYS, p);
  const enabled = c.bool(section, 'enabled', p, false);
  if (section.enabled === undefined) c.report('note', `${p}.enabled`, 'is not set, so no PVs are served; write "enabled: true" to publish.', 'disabled');

  let prefix = c.string(section, 'prefix', p) ?? '';
  if (/\s/.test(prefix)) {
    c.report('error', `${p}.prefix`, `"${prefix}" contains white space; PV names cannot.`, 'bad-value');
    prefix = '';
  }
  const port = c.number(section, 'port', p, { integer: true, min: 1, max: 65535 });
  const rate = c.number(section, 'rate', p, { min: 0 }) ?? DEFAULT_EPICS_RATE;
  const status = c.bool(section, 'status', p, true);
  const commands = c.bool(section, 'commands', p, false);
  const repeater = c.bool(section, 'repeater', p, true);

  const taken = new Map<string, string>();
  if (status) {
    taken.set('STATE', 'the run state PV');
    for (const b of context.buffers ?? []) for (const s of EPICS_BUFFER_STATUS) taken.set(`${b.name}:${s}`, `${b.name}'s status PV`);
  }
  if (commands) taken.set('CMD', 'the command PV');

  const pvs: EpicsPvSpec[] = [];
  const list = section.pvs;
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    c.report('error', `${p}.pvs`, `must be a list of PVs, not ${describe(list)}.`, 'bad-type');
  } else if (Array.isArray(list)) {
    list.forEach((item, i) => {
      const spec = checkPv(c, item, `${p}.pvs[${i}]`, prefix, context, taken);
      if (spec) pvs.push(spec);
    });
  }

  const hasErrors = c.problems.some((x) => x.severity === 'error');
  return { config: hasErrors ? null : { enabled, prefix, ...(port !== undefined ? { port } : {}), rate, status, commands, repeater, pvs }, problems: c.problems };
}

/** The problems of an `epics:` section (see parseEpicsSection). */
export function validateEpicsSection(section: unknown, context: EpicsContext = {}): EpicsProblem[] {
  return parseEpicsSection(section, context).problems;
}

function checkPv(c: Checker, item: unknown, path: string, prefix: string, context: EpicsContext, taken: Map<string, string>): EpicsPvSpec | null {
  if (!isRecord(item)) {
    c.report('error', path, `must be a mapping like {name: CPU, buffer: RB_1, field: cpu}, not ${describe(item)}.`, 'bad-type');
    return null;
  }
  const before = c.problems.filter((x) => x.severity === 'error').length;
  c.unknownKeys(item, EPICS_PV_KEYS, path);
  const name = c.string(item, 'name', path);
  if (name === undefined) c.report('error', `${path}.name`, 'is missing: every PV needs a name (the prefix is added in front).', 'missing-key');
  else if (name === '' || /\s/.test(name)) c.report('error', `${path}.name`, `"${name}" must be non-empty without white space.`, 'bad-value');
  else {
    const full = prefix + name;
    if (full.length > MAX_NAME) c.report('warning', `${path}.name`, `"${full}" is longer than ${MAX_NAME} characters; some EPICS tools cut such names.`, 'long-name');
    const clash = taken.get(name);
    if (clash) c.report('error', `${path}.name`, `"${full}" is already ${clash}; choose another name.`, 'duplicate');
    taken.set(name, `the PV at ${path}`);
  }

  const isField = item.buffer !== undefined || item.field !== undefined;
  const isParam = item.function !== undefined || item.param !== undefined;
  if (isField === isParam) {
    c.report('error', path, isField ? 'has both buffer/field and function/param; a PV shows one of them.' : 'needs either buffer and field (a live value) or function and param (a writable parameter).', 'bad-pv');
    return null;
  }

  let type: EpicsPvType | undefined;
  const typeText = c.string(item, 'type', path);
  if (typeText !== undefined) {
    if ((EPICS_PV_TYPES as readonly string[]).includes(typeText)) type = typeText as EpicsPvType;
    else {
      const s = didYouMean(typeText, EPICS_PV_TYPES);
      c.report('error', `${path}.type`, `"${typeText}" is not a PV type (${EPICS_PV_TYPES.join(', ')})${s ? ` — did you mean "${s}"?` : ''}.`, 'bad-value', s);
    }
  }
  const units = c.string(item, 'units', path);
  if (units !== undefined && new TextEncoder().encode(units).length > MAX_UNITS) c.report('error', `${path}.units`, `"${units}" is longer than ${MAX_UNITS} bytes, the most CA carries.`, 'bad-value');
  const precision = c.number(item, 'precision', path, { integer: true, min: 0, max: 17 });
  const limits = c.limits(item.limits, `${path}.limits`);
  const rate = c.number(item, 'rate', path, { min: 0 });
  let enumStrings: string[] | undefined;
  if (item.enum_strings !== undefined) {
    const e = item.enum_strings;
    if (!Array.isArray(e) || e.length === 0 || e.length > MAX_ENUM_STATES || e.some((s) => typeof s !== 'string' || new TextEncoder().encode(s).length > MAX_ENUM_STRING)) {
      c.report('error', `${path}.enum_strings`, `must be a list of 1 to ${MAX_ENUM_STATES} texts of at most ${MAX_ENUM_STRING} bytes.`, 'bad-value');
    } else enumStrings = e as string[];
  }

  const common = {
    name: name ?? '',
    ...(units !== undefined ? { units } : {}),
    ...(precision !== undefined ? { precision } : {}),
    ...(limits ? { limits } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(enumStrings ? { enum_strings: enumStrings } : {}),
  };

  let spec: EpicsPvSpec;
  if (isField) {
    const buffer = c.string(item, 'buffer', path);
    const field = c.string(item, 'field', path);
    if (buffer === undefined) c.report('error', `${path}.buffer`, 'is missing: name the buffer whose newest event holds the field.', 'missing-key');
    if (field === undefined) c.report('error', `${path}.field`, 'is missing: name the field to publish.', 'missing-key');
    for (const k of ['value'] as const) if (item[k] !== undefined) c.report('warning', `${path}.${k}`, 'applies to function parameters only and is ignored here.', 'ignored-key');
    const index = c.number(item, 'index', path, { integer: true, min: 0 });
    const formatText = c.string(item, 'format', path);
    let format: 'ctime' | 'iso' | undefined;
    if (formatText !== undefined) {
      if (formatText === 'ctime' || formatText === 'iso') format = formatText;
      else c.report('error', `${path}.format`, `"${formatText}" is not a format (ctime, iso).`, 'bad-value');
      if (type !== undefined && type !== 'string') c.report('error', `${path}.format`, 'applies to type string only.', 'bad-value');
      type ??= 'string';
    }
    let dtype: string | undefined;
    let samples = 1;
    const buf = buffer !== undefined ? context.buffers?.find((b) => b.name === buffer) : undefined;
    if (buffer !== undefined && context.buffers && !buf) {
      const s = didYouMean(buffer, context.buffers.map((b) => b.name));
      c.report('error', `${path}.buffer`, `no buffer "${buffer}" in this setup${s ? ` — did you mean "${s}"?` : ''} (buffers: ${context.buffers.map((b) => b.name).join(', ') || 'none'}).`, 'unknown-buffer', s);
    }
    if (buf && field !== undefined) {
      const f = buf.fields.find((x) => x.name === field);
      if (f) {
        dtype = f.dtype;
        samples = buf.samples ?? 1;
      } else if (!(EPICS_EVENT_METADATA as readonly string[]).includes(field)) {
        const names = [...buf.fields.map((x) => x.name), ...EPICS_EVENT_METADATA];
        const s = didYouMean(field, names);
        c.report('error', `${path}.field`, `${buffer} has no field "${field}"${s ? ` — did you mean "${s}"?` : ''} (fields: ${names.join(', ')}).`, 'unknown-field', s);
      } else dtype = field === 'counter' ? 'int64' : 'float64';
    }
    if (index !== undefined && buf && index >= samples) c.report('error', `${path}.index`, `${index} is past the last sample (${buffer} holds ${samples} per field).`, 'bad-value');
    if (type === 'enum' && !enumStrings) c.report('error', `${path}.enum_strings`, 'is needed for an enum PV: the state names, in order.', 'missing-key');
    spec = {
      kind: 'field',
      ...common,
      type: type ?? epicsTypeForDtype(dtype),
      buffer: buffer ?? '',
      field: field ?? '',
      ...(index !== undefined ? { index } : {}),
      ...(format ? { format } : {}),
    };
  } else {
    const fn = c.string(item, 'function', path);
    const param = c.string(item, 'param', path);
    if (fn === undefined) c.report('error', `${path}.function`, 'is missing: name the Functions entry (e.g. Fkt_1) whose parameter this PV sets.', 'missing-key');
    if (param === undefined) c.report('error', `${path}.param`, 'is missing: name the parameter (e.g. dt).', 'missing-key');
    for (const k of ['index', 'format'] as const) if (item[k] !== undefined) c.report('warning', `${path}.${k}`, 'applies to buffer fields only and is ignored here.', 'ignored-key');
    if (fn !== undefined && context.functions && !context.functions.some((f) => f.name === fn || f.fkt_name === fn)) {
      const s = didYouMean(fn, context.functions.map((f) => f.name));
      c.report('error', `${path}.function`, `no function "${fn}" in this setup${s ? ` — did you mean "${s}"?` : ''} (functions: ${context.functions.map((f) => f.name).join(', ') || 'none'}).`, 'unknown-function', s);
    }
    const v = item.value;
    if (v !== undefined && v !== null && typeof v !== 'number' && typeof v !== 'string') c.report('error', `${path}.value`, `must be a number or text, not ${describe(v)}.`, 'bad-type');
    if ((type ?? 'double') === 'enum' && !enumStrings) c.report('error', `${path}.enum_strings`, 'is needed for an enum PV: the state names, in order.', 'missing-key');
    spec = {
      kind: 'param',
      ...common,
      type: type ?? 'double',
      function: fn ?? '',
      param: param ?? '',
      ...(typeof v === 'number' || typeof v === 'string' ? { value: v } : {}),
    };
  }
  const after = c.problems.filter((x) => x.severity === 'error').length;
  return after > before ? null : spec;
}
