// Loading a setup on the Node side: structural validation (src-shared) plus the
// file checks — config files exist and parse, user modules exist and export
// fkt_name — and each function's merged parameters.
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, isScalar, type Node } from 'yaml';
import { BUILTINS, type BuiltinSpec } from '../../src-shared/builtins/catalog';
import { isRecord, resolveFunctionConfig, resolveRunLimits } from '../../src-shared/setup/merge';
import { checkBuiltinParams } from '../../src-shared/setup/params';
import { hasErrors, sortProblems } from '../../src-shared/setup/parse';
import { YamlSource } from '../../src-shared/setup/source';
import type { KeyPath, Problem, Setup } from '../../src-shared/setup/types';
import { findNode } from '../../src-shared/setup/edit';
import { bufferMemoryProblems, sameExportFiles } from './machine-limits';
import { numberOfSamplesProblems } from './mimocorb-checks';
import { checkExport, findModule } from './modules';
import { readTextFile, SetupReadError } from './read-file';
import { SetupFile, type SetupFileOptions } from './setup-file';

/** A function ready to run: where its code is and the parameters it receives. */
export interface ResolvedFunction {
  name: string;
  fkt_name: string;
  builtin: string | null;
  /** Absolute path of the user module; null for a built-in or when not found. */
  module: string | null;
  /** File URL of the user module (what a worker imports); null for a built-in. */
  moduleUrl: string | null;
  /** Absolute path of the function's own config_file, if any. */
  configFile: string | null;
  /** The merged parameters (built-in defaults < FunctionConfigs < common config < config_file < inline config). */
  config: Record<string, unknown>;
  /** For each parameter, where its value came from. */
  origin: Record<string, string>;
}

export interface LoadedSetup {
  setup: Setup;
  /** Every problem (structural and file checks), setup file first, by position. */
  problems: Problem[];
  file: SetupFile;
  /** False when any problem is an error: nothing may start. */
  ok: boolean;
  /** Absolute path of the setup file. */
  path: string;
  /** Absolute output_directory. */
  outputDirectory: string;
  /** Effective run limits (Fkt_main's non-zero values win over the common config's general:). */
  runtime: number;
  runevents: number;
  /** Function name → resolved function (without Fkt_main). */
  functions: Record<string, ResolvedFunction>;
  /** Absolute paths of the config files read (common first), e.g. to copy into a run directory. */
  configFiles: string[];
}

export interface LoadOptions extends SetupFileOptions {
  /** Import user modules to check their exports (default true). */
  checkModules?: boolean;
}

/** Reads a setup file, validates it and everything it refers to, and resolves every function's parameters. */
export async function loadSetup(path: string, options: LoadOptions = {}): Promise<LoadedSetup> {
  let file: SetupFile;
  try {
    file = await SetupFile.open(path, options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'does not exist. Check the path.'
        : err.code === 'EISDIR'
          ? 'is a folder; name the setup .yaml file inside it.'
          : e instanceof SetupReadError
            ? `${err.message}.`
            : `cannot be read: ${err.message}`;
    file = new SetupFile(path, '', options);
    const problem: Problem = { severity: 'error', message: `The setup file ${why}`, file: options.display ?? path, line: 1, column: 1, path: '', code: 'no-file' };
    return blank(file, [problem]);
  }
  return resolveSetup(file, options);
}

function blank(file: SetupFile, problems: Problem[]): LoadedSetup {
  return {
    setup: file.setup,
    problems,
    file,
    ok: false,
    path: file.path,
    outputDirectory: resolve(file.directory, 'target'),
    runtime: 0,
    runevents: 0,
    functions: {},
    configFiles: [],
  };
}

interface ConfigFile {
  abs: string;
  source: YamlSource;
  values: unknown;
}

/** Runs the file checks on a SetupFile's current (maybe unsaved) text. */
export async function resolveSetup(file: SetupFile, options: LoadOptions = {}): Promise<LoadedSetup> {
  const parsed = file.parsed;
  const { setup, source, paths } = parsed;
  const problems: Problem[] = [...parsed.problems];
  const builtins = options.builtins ?? BUILTINS;
  const dir = file.directory;
  const shownDir = dirname(file.display);
  const shown = (rel: string): string => join(shownDir, rel);
  const functions: Record<string, ResolvedFunction> = {};
  const configFiles: string[] = [];

  if (source.broken) return { ...blank(file, problems), setup };

  // A problem in the setup file at a key path (the value's node when it exists).
  const at = (severity: Problem['severity'], path: KeyPath, message: string, code: string, suggestion?: string): void => {
    // Point at the value, or at the nearest enclosing thing that is written in the file.
    let node: Node | null = null;
    for (let n = path.length; n > 0 && node === null; n--) {
      const found = findNode(source.doc, path.slice(0, n))?.node ?? null;
      if (found && !(isScalar(found) && found.value === null)) node = found;
    }
    problems.push(source.problem(severity, node, path, message, { code, suggestion }));
  };

  // Each file is read once; a missing one is reported at every place that names it.
  const cache = new Map<string, ConfigFile | null | { missing: string }>();
  const readConfig = async (rel: string, where: KeyPath, who: string): Promise<ConfigFile | null> => {
    const abs = resolve(dir, rel);
    const known = cache.get(abs);
    if (known && 'missing' in known) {
      at('error', where, `The config file ${rel} (${who}) ${known.missing}`, 'no-config-file');
      return null;
    }
    if (known !== undefined) return known;
    const missing = (why: string): null => {
      cache.set(abs, { missing: why });
      at('error', where, `The config file ${rel} (${who}) ${why}`, 'no-config-file');
      return null;
    };
    let text: string;
    try {
      text = await readTextFile(abs);
    } catch (e) {
      const code = e instanceof SetupReadError ? e.code : null;
      if (code === 'ENOENT') return missing(`does not exist next to the setup file (looked for ${abs}). Check the name; it is relative to the setup file's folder.`);
      if (code === 'EISDIR') return missing('is a folder; name a .yaml file.');
      return missing(code ? `${(e as Error).message}.` : `cannot be read: ${(e as Error).message}`);
    }
    const src = new YamlSource(text, shown(rel));
    problems.push(...src.syntaxProblems);
    if (!src.broken) problems.push(...src.duplicateKeys());
    configFiles.push(abs);
    if (src.broken) {
      cache.set(abs, null);
      return null;
    }
    const root = src.doc.contents as Node | null;
    let values: unknown = {};
    if (root === null || (isScalar(root) && root.value === null)) {
      problems.push(src.problem('warning', null, [], `The config file ${rel} is empty, so ${who} gets no parameters from it.`, { code: 'empty-config' }));
    } else if (!isMap(root)) {
      problems.push(src.problem('error', root, [], `A config file must be a mapping of parameters (name: value lines); ${rel} is not.`, { code: 'bad-type' }));
      cache.set(abs, null);
      return null;
    } else {
      values = src.toJS(root);
    }
    const cf = { abs, source: src, values };
    cache.set(abs, cf);
    return cf;
  };

  for (const p of bufferMemoryProblems(setup, paths.buffers)) at('error', p.path, p.message, 'over-memory');

  // The common config file and its general: section.
  let common: ConfigFile | null = null;
  if (setup.main.config_file && paths.main) {
    common = await readConfig(setup.main.config_file, [...paths.main, 'config_file'], 'Fkt_main');
  }
  let general: unknown;
  if (common && isMap(common.source.doc.contents)) {
    const root = common.source.doc.contents;
    const entries = common.source.entries(root, [], problems);
    const g = entries.find((e) => e.key === 'general');
    if (g && g.value !== null && !(isScalar(g.value) && g.value.value === null)) {
      if (!isMap(g.value)) {
        problems.push(common.source.problem('error', g.value, ['general'], 'general: must be a mapping (runtime, runevents, and values shared through anchors).', { code: 'bad-type' }));
      } else {
        general = common.source.toJS(g.value);
        for (const e of common.source.entries(g.value, ['general'], problems)) {
          if (e.key !== 'runtime' && e.key !== 'runevents') continue;
          const v = isScalar(e.value) ? e.value.value : undefined;
          const whole = e.key === 'runevents';
          if (typeof v !== 'number' || v < 0 || (whole && !Number.isInteger(v)))
            problems.push(
              common.source.problem('error', e.value ?? e.keyNode, ['general', e.key], `general.${e.key} must be ${whole ? 'a whole number' : 'a number'} ≥ 0 (${whole ? 'events' : 'seconds'}; 0 = no limit).`, { code: 'bad-type' }),
            );
        }
      }
    }
  }
  const limits = resolveRunLimits(setup.main, general);
  if (isRecord(general) && paths.main) {
    for (const key of ['runtime', 'runevents'] as const) {
      const g = general[key];
      if (setup.main[key] > 0 && typeof g === 'number' && g > 0 && g !== setup.main[key])
        at('note', [...paths.main, key], `${key} is ${setup.main[key]} here and ${g} in general: of ${setup.main.config_file}; RingScope uses ${setup.main[key]} from Fkt_main (mimoCoRB would use ${g}).`, 'limit-override');
    }
  }

  // Each function: its own config file, its merged parameters, its module.
  const exportChecks: Array<Promise<void>> = [];
  for (const fn of setup.functions) {
    const where = paths.functions[fn.name];
    if (!where) continue;
    const spec: BuiltinSpec | null = fn.builtin ? (builtins[fn.builtin] ?? null) : null;
    let own: ConfigFile | null = null;
    if (fn.config_file) own = await readConfig(fn.config_file, [...where, 'config_file'], fn.name);
    const who = spec ? `${fn.name} (builtin:${spec.id})` : fn.name;
    if (spec && common && isRecord(common.values) && isMap(common.source.doc.contents)) {
      const section = common.source.entries(common.source.doc.contents, [], []).find((e) => e.key === fn.fkt_name);
      if (section) checkBuiltinParams(spec, common.source, section.value, [fn.fkt_name], who, problems);
    }
    if (spec && own) checkBuiltinParams(spec, own.source, own.source.doc.contents as Node | null, [], who, problems);
    const merged = resolveFunctionConfig(fn, setup, {
      builtin: spec,
      common: common && setup.main.config_file ? { label: setup.main.config_file, values: common.values } : null,
      file: own && fn.config_file ? { label: fn.config_file, values: own.values } : null,
    });
    const resolved: ResolvedFunction = {
      name: fn.name,
      fkt_name: fn.fkt_name,
      builtin: fn.builtin,
      module: null,
      moduleUrl: null,
      configFile: own?.abs ?? (fn.config_file ? resolve(dir, fn.config_file) : null),
      config: merged.config,
      origin: merged.origin,
    };
    functions[fn.name] = resolved;

    if (fn.builtin !== null || fn.file_name === '' || /\.py$/i.test(fn.file_name)) continue;
    const found = findModule(resolve(dir, fn.file_name));
    if (!found.ok) {
      const message = found.python
        ? `${fn.file_name} for ${fn.name} is a Python module (${fn.file_name}.py, from mimoCoRB); RingScope runs JavaScript or TypeScript. Port ${fn.fkt_name} to ${fn.file_name}.js or .ts, or use a built-in (builtin:<kind>/<name>).`
        : `The module ${fn.file_name} for ${fn.name} was not found: there is no .mjs, .js or .ts file of that name (looked in ${dirname(resolve(dir, fn.file_name))}). Check file_name; it is relative to the setup file's folder.`;
      at('error', [...where, 'file_name'], message, found.python ? 'python-module' : 'no-module');
      continue;
    }
    resolved.module = found.path;
    resolved.moduleUrl = pathToFileURL(found.path).href;
    if (options.checkModules === false || fn.fkt_name === '') continue;
    exportChecks.push(
      checkExport(found.path, fn.fkt_name, fn.file_name).then((r) => {
        if (!r.ok) at('error', [...where, r.module ? 'file_name' : 'fkt_name'], r.message, r.module ? 'module-load' : 'missing-export', r.suggestion);
      }),
    );
  }
  await Promise.all(exportChecks);
  sameExportFiles(setup, functions, paths.functions, at);
  numberOfSamplesProblems(setup, functions, paths.functions, at);

  const sorted = sortProblems(problems, [file.display, ...configFiles.map((f) => shown(relative(dir, f)))]);
  return {
    setup,
    problems: sorted,
    file,
    ok: !hasErrors(sorted),
    path: file.path,
    outputDirectory: resolve(dir, setup.output_directory),
    runtime: limits.runtime,
    runevents: limits.runevents,
    functions,
    configFiles,
  };
}
