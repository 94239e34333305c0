// What keeps browser mode from becoming a remote-control port for strangers:
// an access token when listening beyond loopback, Host/Origin checks against
// DNS rebinding and cross-site WebSockets, and refusing setups whose user
// modules (code the engine would run) lie outside the server's own folders.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { SetupProblem } from '../../../src-shared/bridge/protocol';

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

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

const MODULE_EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts'];

/**
 * Problems that refuse a setup for a server reachable from other machines:
 * the setup must lie inside one of `roots`, and every user module it loads
 * (`file_name` other than `builtin:…`) inside the setup's own folder tree.
 * `text`: the setup's content when a page sent it (unsaved edits) instead of the file's.
 */
export function checkSetupConfinement(setupPath: string, roots: string[], text?: string): SetupProblem[] {
  const file = real(setupPath);
  const realRoots = roots.map(real);
  if (!realRoots.some((r) => inside(file, r))) {
    return [
      {
        severity: 'error',
        message: `This server only opens setups inside ${realRoots.join(' or ')}; ${setupPath} is outside. Copy the setup there, or serve on 127.0.0.1.`,
        file: setupPath,
      },
    ];
  }
  if (text === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return []; // the engine reports a missing or unreadable file itself
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
  for (const { name, value } of entries) {
    if (!isMap(value)) continue;
    const node = value.get('file_name', true);
    if (!isScalar(node) || typeof node.value !== 'string' || node.value.startsWith('builtin:')) continue;
    const base = resolve(folder, node.value);
    const found = MODULE_EXTENSIONS.map((x) => base + x).find((p) => existsSync(p));
    const target = real(found ?? base);
    if (!inside(target, folder)) {
      const pos = node.range ? lines.linePos(node.range[0]) : undefined;
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
