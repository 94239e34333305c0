// The built-in functions a setup can name as `file_name: builtin:<kind>/<name>`,
// declared as pure data: what they are, which parameters they take, their
// defaults and limits. Validation, the parameter merge and the UI's parameter
// editors read this; the implementations live in src-workers/builtins/<kind>s/.
//
// To add a built-in: create src-shared/builtins/<kind>-<name>.ts exporting a
// `BuiltinSpec` (its type comes from ./spec, `import type { BuiltinSpec } from
// './spec'`), import it below and list it in SPECS.
import { FILTER_LIFETIME } from './filter-lifetime';
import { FILTER_SPECTRUM } from './filter-spectrum';
import { SINK_CSV } from './sink-csv';
import { SINK_DRAIN } from './sink-drain';
import { SINK_PARQUET } from './sink-parquet';
import { SOURCE_MUON } from './source-muon';
import { SOURCE_REPLAY } from './source-replay';
import { SOURCE_SENSORS } from './source-sensors';
import { SOURCE_SERIAL } from './source-serial';
import { SOURCE_TAR_PARQUET } from './source-tar-parquet';
import type { BuiltinSpec, ParamSpec } from './spec';

export type { BuiltinKind, BuiltinSpec, ParamSpec } from './spec';

// The list other built-ins are added to (one import + one entry each).
const SPECS: BuiltinSpec[] = [SOURCE_SERIAL, SOURCE_SENSORS, SOURCE_REPLAY, SOURCE_MUON, FILTER_LIFETIME, SINK_CSV, SINK_PARQUET];
// mimoCoRB's built-ins (issue 22): its spectrum filter, drain and recording replay.
SPECS.push(FILTER_SPECTRUM, SINK_DRAIN, SOURCE_TAR_PARQUET);

/** Every built-in, keyed by id ('sources/muon'). */
export const BUILTINS: Record<string, BuiltinSpec> = {};

/** Adds a built-in to BUILTINS (duplicate ids are a programming error). */
export function registerBuiltin(spec: BuiltinSpec, catalog: Record<string, BuiltinSpec> = BUILTINS): BuiltinSpec {
  if (Object.prototype.hasOwnProperty.call(catalog, spec.id)) throw new Error(`built-in ${spec.id} is declared twice`);
  if (!/^(sources|filters|sinks)\/[A-Za-z0-9_-]+$/.test(spec.id)) throw new Error(`built-in id ${spec.id} must look like sources/<name>, filters/<name> or sinks/<name>`);
  if (spec.id.split('/')[0] !== `${spec.kind}s`) throw new Error(`built-in ${spec.id} is declared as a ${spec.kind}`);
  const names = new Set<string>();
  for (const p of spec.params) {
    if (names.has(p.name)) throw new Error(`built-in ${spec.id} declares parameter ${p.name} twice`);
    names.add(p.name);
  }
  catalog[spec.id] = spec;
  return spec;
}

for (const spec of SPECS) registerBuiltin(spec);

/** The file_name prefix that names a built-in. */
export const BUILTIN_PREFIX = 'builtin:';

/** 'sources/muon' for 'builtin:sources/muon', null for anything else. */
export function builtinId(fileName: string): string | null {
  return fileName.startsWith(BUILTIN_PREFIX) ? fileName.slice(BUILTIN_PREFIX.length) : null;
}

/** The built-in's parameter defaults as one config mapping (the first layer of the merge). */
export function builtinDefaults(spec: BuiltinSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of spec.params) out[p.name] = p.default;
  return out;
}

/**
 * Checks one parameter value against its declaration; returns what is wrong in
 * plain words (without the parameter's name), or null when the value fits.
 */
export function checkParamValue(param: ParamSpec, value: unknown): string | null {
  const unit = param.unit ? ` ${param.unit}` : '';
  const range = (): string | null => {
    const v = value as number;
    if (param.min !== undefined && v < param.min) return `is ${v}${unit}, below the smallest allowed value ${param.min}${unit}`;
    if (param.max !== undefined && v > param.max) return `is ${v}${unit}, above the largest allowed value ${param.max}${unit}`;
    return null;
  };
  const shown = typeof value === 'string' ? `"${value}"` : value === null ? 'empty' : JSON.stringify(value);
  switch (param.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, not ${shown}`;
      return range();
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `must be a whole number, not ${shown}`;
      return range();
    case 'boolean':
      if (typeof value !== 'boolean') return `must be true or false, not ${shown}`;
      return null;
    case 'string':
      if (typeof value !== 'string') return `must be text, not ${shown}`;
      if (param.fileName) return fileNameProblem(value);
      return null;
    case 'list':
      if (!Array.isArray(value)) return `must be a list (one "- item" per line, or [a, b]), not ${shown}`;
      return null;
    case 'mapping':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `must be a mapping (key: value lines), not ${shown}`;
      return null;
    case 'enum': {
      const choices = param.choices ?? [];
      if (typeof value !== 'string' || !choices.includes(value)) return `must be one of ${choices.map((c) => `"${c}"`).join(', ')}, not ${shown}`;
      return null;
    }
  }
}

/** Why `name` is not a plain file name in the run directory (folders, '.' or '..'), or null when it is one. */
export function fileNameProblem(name: string): string | null {
  if (/[/\\]/.test(name)) return `must be a file name in the run directory, without folders ("${name}" has a / or \\)`;
  if (name === '.' || name === '..') return `must be a file name in the run directory, not "${name}"`;
  if (name.includes('\0')) return 'must be a file name without NUL characters';
  // Most file systems take 255 bytes per name; the exporter adds an extension (and "-2" … on a clash).
  if (new TextEncoder().encode(name).length > 200) return `must be a file name of at most 200 bytes (this one has ${new TextEncoder().encode(name).length})`;
  return null;
}
