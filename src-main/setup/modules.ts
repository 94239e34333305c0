// User modules named by file_name: finding the file (extension optional) and
// checking that it exports the function named by fkt_name.
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { didYouMean } from '../../src-shared/setup/didyoumean';
import { probeModule } from './module-probe';

/** Extensions tried, in this order, when file_name has none. */
export const MODULE_EXTENSIONS = ['.mjs', '.js', '.ts', '.mts', '.cjs', '.cts'] as const;

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

export type ModuleLookup = { ok: true; path: string } | { ok: false; tried: string[]; python: string | null };

/** The module file for an absolute file_name without or with extension. */
export function findModule(base: string): ModuleLookup {
  const ext = extname(base);
  if ((MODULE_EXTENSIONS as readonly string[]).includes(ext) && isFile(base)) return { ok: true, path: base };
  const tried: string[] = [];
  for (const e of MODULE_EXTENSIONS) {
    const candidate = base + e;
    tried.push(candidate);
    if (isFile(candidate)) return { ok: true, path: candidate };
  }
  const python = isFile(`${base}.py`) ? `${base}.py` : null;
  return { ok: false, tried, python };
}

/** `module`: the module itself failed (load error, exit, endless loop), not its exports. */
export type ExportCheck = { ok: true } | { ok: false; message: string; suggestion?: string; module?: boolean };

/** Checks that a module exports a function named `name` (imported in a worker thread of its own); the message says what it exports instead. */
export async function checkExport(path: string, name: string, shown: string): Promise<ExportCheck> {
  const probe = await probeModule(path);
  if (!probe.ok) {
    if (probe.reason === 'exit')
      return { ok: false, message: `${shown} ended the process while loading (process.exit(${probe.code}) at its top level), so it cannot run as a function. Remove the exit from the module's top level; end a source by returning false from its fill function.`, module: true };
    if (probe.reason === 'timeout')
      return { ok: false, message: `${shown} did not finish loading within ${probe.ms / 1000} s (an endless loop or a long wait at its top level?). Move the work into the exported function.`, module: true };
    const first = probe.message.split('\n')[0].replace(/[.\s]+$/, '');
    return { ok: false, message: `${shown} could not be loaded: ${probe.error}: ${first}. Fix the module (run it with node to see the whole error).`, module: true };
  }
  const types = probe.exports;
  const value = Object.hasOwn(types, name) ? types[name] : undefined;
  if (value === 'function') return { ok: true };
  const names = Object.keys(types).filter((k) => k !== 'default');
  const fns = names.filter((k) => types[k] === 'function');
  if (value !== undefined) return { ok: false, message: `${shown} exports "${name}", but it is ${value === 'object' ? 'an object' : `a ${value}`}, not a function.` };
  const viaDefault = probe.defaultFunctions.includes(name);
  const guess = didYouMean(name, fns);
  const list = fns.length ? ` It exports: ${fns.join(', ')}.` : names.length ? ' It exports no functions.' : ' It exports nothing.';
  return {
    ok: false,
    message:
      `${shown} does not export a function named "${name}".` +
      (guess ? ` Did you mean "${guess}"?` : '') +
      (viaDefault ? ` "${name}" is a property of its default export; export it by name ("export function ${name}(…)").` : guess ? '' : list),
    suggestion: guess,
  };
}
