// User modules named by file_name: finding the file (extension optional) and
// checking that it exports the function named by fkt_name.
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { didYouMean } from '../../src-shared/setup/didyoumean';

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

const loaded = new Map<string, { version: string; module: Record<string, unknown> }>();

/**
 * Imports a module (TypeScript through tsx when Node cannot load it itself).
 * A changed file is imported afresh (the URL carries its modification time and size).
 */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const st = statSync(path);
  // No dots in the query: bundlers' module runners (vitest) read the text after the last dot as the file type.
  const version = `${Math.trunc(st.mtimeMs)}_${st.size}`;
  const cached = loaded.get(path);
  if (cached && cached.version === version) return cached.module;
  const url = `${pathToFileURL(path).href}?v=${version}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!/\.[mc]?ts$/.test(path) || (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && code !== 'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING')) throw e;
    // Plain Node cannot load .ts: use tsx when it is installed (always, when running from source).
    const api = 'tsx/esm/api';
    const { tsImport } = (await import(/* @vite-ignore */ api)) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
    // tsImport loads into a namespace of its own each call, so it needs no cache-busting query (and rejects one).
    module = await tsImport(pathToFileURL(path).href, import.meta.url);
  }
  loaded.set(path, { version, module });
  return module;
}

export type ExportCheck = { ok: true } | { ok: false; message: string; suggestion?: string };

/** Checks that a module exports a function named `name`; the message says what it exports instead. */
export async function checkExport(path: string, name: string, shown: string): Promise<ExportCheck> {
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(path);
  } catch (e) {
    const err = e as Error;
    const first = String(err?.message ?? e).split('\n')[0].replace(/[.\s]+$/, '');
    return { ok: false, message: `${shown} could not be loaded: ${err?.name ?? 'Error'}: ${first}. Fix the module (run it with node to see the whole error).` };
  }
  const value = mod[name];
  if (typeof value === 'function') return { ok: true };
  const names = Object.keys(mod).filter((k) => k !== 'default');
  const fns = names.filter((k) => typeof mod[k] === 'function');
  if (value !== undefined) return { ok: false, message: `${shown} exports "${name}", but it is ${typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not a function.` };
  const viaDefault = mod.default && typeof (mod.default as Record<string, unknown>)[name] === 'function';
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
