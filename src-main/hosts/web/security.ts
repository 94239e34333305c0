// What keeps browser mode from becoming a remote-control port for strangers:
// an access token (on loopback too: other users of a lab PC reach 127.0.0.1),
// Host/Origin checks against DNS rebinding and cross-site WebSockets, and
// confinement: a served session reads and writes only inside its roots (after
// resolving symlinks), refuses setups whose user modules (code the engine would
// run) lie outside the setup's own folder, and never reads a file outside its
// roots, so no problem message can quote one.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { SetupProblem } from '../../../src-shared/bridge/protocol';
import { BUILTINS } from '../../../src-shared/builtins/catalog';
import { insideRoots, isInside, realPath } from '../../session/paths';
import type { LoadedSetup } from '../../setup/load';
import { readTextFile } from '../../setup/read-file';

/** A fresh access token (URL-safe, 192 bits). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares a presented token with the expected one in constant time. */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  // Hash first so both sides have the same length whatever was presented.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** True for addresses that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** True when a Host header names this machine by a loopback name (guards against DNS rebinding). */
export function loopbackHostHeader(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const m = hostHeader.match(/^(\[[^\]]+\]|[^:]+)(?::\d+)?$/);
  return m !== null && isLoopback(m[1]);
}

/** True when an Origin header is absent (not a browser) or names the same host the request went to. */
export function sameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === hostHeader;
  } catch {
    return false;
  }
}

/** The folders a served session may use: it reads inside `read`, writes setups and runs inside `write`. */
export interface Roots {
  read: string[];
  write: string[];
}

const MODULE_EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts'];

/**
 * Problems that refuse a setup for a server reachable from other machines:
 * the setup must lie inside one of `roots`, and every user module it loads
 * (`file_name` other than `builtin:…`) inside the setup's own folder tree.
 * `text`: the setup's content when a page sent it (unsaved edits) instead of the file's.
 */
export async function checkSetupConfinement(setupPath: string, roots: string[], text?: string): Promise<SetupProblem[]> {
  const file = realPath(setupPath);
  const realRoots = roots.map(realPath);
  if (!realRoots.some((r) => isInside(file, r))) {
    return [
      {
        severity: 'error',
        message: `This server only opens setups inside ${realRoots.join(' or ')}; ${setupPath} is outside. Copy the setup there, or start "ringscope serve" with --root naming its folder.`,
        file: setupPath,
      },
    ];
  }
  if (text === undefined) {
    try {
      text = await readTextFile(file);
    } catch {
      return []; // the loader reports a missing, unreadable or special file itself
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: SetupProblem[] = [];
  const folder = dirname(file);
  const fns = doc.get('Functions', true);
  const entries: { name: string; value: unknown }[] = [];
  if (isSeq(fns)) {
    for (const item of fns.items) {
      if (isMap(item)) for (const pair of item.items) entries.push({ name: String(isScalar(pair.key) ? pair.key.value : pair.key), value: pair.value });
    }
  } else if (isMap(fns)) {
    for (const pair of fns.items) entries.push({ name: String(isScalar(pair.key) ? pair.key.value : pair.key), value: pair.value });
  }
  const at = (node: Node) => (node.range ? lines.linePos(node.range[0]) : undefined);
  for (const { name, value } of entries) {
    if (!isMap(value)) continue;
    // A config file is read by the loader: outside the roots it is refused before anything reads it.
    const cfg = value.get('config_file', true);
    if (isScalar(cfg) && typeof cfg.value === 'string' && cfg.value !== '' && !insideRoots(resolve(folder, cfg.value), realRoots)) {
      const pos = at(cfg);
      problems.push({
        severity: 'error',
        message: `${name} reads the config file "${cfg.value}", which lies outside the folders this server may read (${realRoots.join(', ')}). Move it next to the setup.`,
        file: setupPath,
        line: pos?.line ?? null,
        column: pos?.col ?? null,
        path: `Functions.${name}.config_file`,
      });
    }
    const node = value.get('file_name', true);
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.startsWith('builtin:')) continue;
    const base = resolve(folder, node.value);
    const found = MODULE_EXTENSIONS.map((x) => base + x).find((p) => existsSync(p));
    const target = realPath(found ?? base);
    if (!isInside(target, folder)) {
      const pos = at(node);
      problems.push({
        severity: 'error',
        message: `${name} loads the module "${node.value}" from outside the setup's folder (${folder}); this server refuses to run code from elsewhere. Move the module into the setup's folder.`,
        file: setupPath,
        line: pos?.line ?? null,
        column: pos?.col ?? null,
        path: `Functions.${name}.file_name`,
      });
    }
  }
  return problems;
}

/**
 * What a loaded setup would read or write outside the roots: the files that
 * built-ins read (a replay's recorded run), the config files, and the run
 * directories (output_directory, unless the server names the output folder).
 */
export function checkLoadedConfinement(loaded: LoadedSetup, roots: Roots, outputFixed: boolean): SetupProblem[] {
  const problems: SetupProblem[] = [];
  const file = loaded.path;
  const folder = dirname(file);
  const readRoots = roots.read.map(realPath);
  for (const fn of loaded.setup.functions) {
    const spec = fn.builtin ? BUILTINS[fn.builtin] : undefined;
    for (const param of spec?.params ?? []) {
      if (param.path !== 'read') continue;
      const value = loaded.functions[fn.name]?.config[param.name];
      if (typeof value !== 'string' || value.trim() === '') continue;
      if (!insideRoots(resolve(folder, value), readRoots)) {
        problems.push({
          severity: 'error',
          message: `${fn.name} reads "${value}" (${param.name}), which lies outside the folders this server may read (${readRoots.join(', ')}). Copy it there, or start "ringscope serve" with --root naming its folder.`,
          file,
          path: `Functions.${fn.name}.${param.name}`,
        });
      }
    }
  }
  for (const cfg of loaded.configFiles) {
    if (!insideRoots(cfg, readRoots)) {
      problems.push({ severity: 'error', message: `The config file ${cfg} lies outside the folders this server may read (${readRoots.join(', ')}).`, file });
    }
  }
  if (!outputFixed && !insideRoots(loaded.outputDirectory, roots.write)) {
    problems.push({
      severity: 'error',
      message: `output_directory ${loaded.outputDirectory} lies outside the folders this server may write (${roots.write.map(realPath).join(', ')}). Choose a folder there, or start "ringscope serve" with --output.`,
      file,
      path: 'output_directory',
    });
  }
  return problems;
}
