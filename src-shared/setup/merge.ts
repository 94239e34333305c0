// The parameter merge: which values a function receives, and from where.
import { builtinDefaults, type BuiltinSpec } from '../builtins/catalog';
import type { FunctionSpec, MainSpec, Setup } from './types';

/** One source of parameters, in merge order. */
export interface ConfigLayer {
  /** Where the values come from, for people: "FunctionConfigs.my_filter", "config/filter.yaml", … */
  source: string;
  values: Record<string, unknown> | null | undefined;
}

export interface MergedConfig {
  config: Record<string, unknown>;
  /** For each key, the `source` of the layer its value came from. */
  origin: Record<string, string>;
}

/** True for a plain mapping (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * Merges parameter layers key by key, later layers winning. A key's value is
 * replaced whole: a nested mapping in a later layer replaces the earlier one
 * (no deep merge), and an explicit empty value (null) also replaces.
 */
export function mergeConfig(layers: readonly ConfigLayer[]): MergedConfig {
  const config: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const layer of layers) {
    if (!isRecord(layer.values)) continue;
    for (const [k, v] of Object.entries(layer.values)) {
      // Defined, not assigned: a parameter named __proto__ stays a parameter instead of replacing the prototype.
      Object.defineProperty(config, k, { value: v, enumerable: true, writable: true, configurable: true });
      Object.defineProperty(origin, k, { value: layer.source, enumerable: true, writable: true, configurable: true });
    }
  }
  return { config, origin };
}

export interface LayerInputs {
  /** The built-in the function runs, if any (its defaults are the first layer). */
  builtin?: BuiltinSpec | null;
  /** The common config file named by Fkt_main's config_file: its label and whole content. */
  common?: { label: string; values: unknown } | null;
  /** The function's own config_file: its label and content. */
  file?: { label: string; values: unknown } | null;
}

/**
 * The five layers of a function's parameters, in merge order: the built-in's
 * defaults, FunctionConfigs[fkt_name], the common config file's section named
 * after fkt_name, the function's own config_file, the inline `config:`.
 */
export function configLayers(fn: FunctionSpec, setup: Setup, inputs: LayerInputs = {}): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  if (inputs.builtin) layers.push({ source: `defaults of builtin:${inputs.builtin.id}`, values: builtinDefaults(inputs.builtin) });
  // Own keys only: an fkt_name such as "constructor" or "toString" must not find what every object inherits.
  const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);
  const fc = own(setup.function_configs, fn.fkt_name);
  layers.push({ source: `FunctionConfigs.${fn.fkt_name}`, values: isRecord(fc) ? fc : undefined });
  if (inputs.common && isRecord(inputs.common.values)) {
    const section = own(inputs.common.values, fn.fkt_name);
    layers.push({ source: `${inputs.common.label} (section ${fn.fkt_name})`, values: isRecord(section) ? section : undefined });
  }
  if (inputs.file) layers.push({ source: inputs.file.label, values: isRecord(inputs.file.values) ? inputs.file.values : undefined });
  layers.push({ source: `${fn.name}.config`, values: fn.config });
  return layers;
}

/** A function's merged parameters (see configLayers for the order). */
export function resolveFunctionConfig(fn: FunctionSpec, setup: Setup, inputs: LayerInputs = {}): MergedConfig {
  return mergeConfig(configLayers(fn, setup, inputs));
}

export interface RunLimits {
  /** Seconds, 0 = no limit. */
  runtime: number;
  /** Events, 0 = no limit. */
  runevents: number;
  /** Where each value came from. */
  from: { runtime: 'Fkt_main' | 'general' | 'default'; runevents: 'Fkt_main' | 'general' | 'default' };
}

/**
 * The effective run limits. A non-zero value in Fkt_main wins (it is what the
 * app edits); otherwise the common config's `general:` section; otherwise 0.
 * (mimoCoRB lets `general:` override Fkt_main; we prefer the setup file because
 * it is the one the user sees and edits.)
 */
export function resolveRunLimits(main: MainSpec, general: unknown): RunLimits {
  const g = isRecord(general) ? general : {};
  const pick = (key: 'runtime' | 'runevents'): [number, 'Fkt_main' | 'general' | 'default'] => {
    if (main[key] > 0) return [main[key], 'Fkt_main'];
    const v = g[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return [v, 'general'];
    return [0, 'default'];
  };
  const [runtime, rtFrom] = pick('runtime');
  const [runevents, reFrom] = pick('runevents');
  return { runtime, runevents, from: { runtime: rtFrom, runevents: reFrom } };
}
