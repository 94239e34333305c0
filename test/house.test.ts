// The house rules of the source tree, checked on every test run: the layout
// the README's Layout section describes stays true as the code grows.
// - no import circles between files (type-only imports included);
// - imports run down the floors only: src-shared (runs anywhere) ← src-workers
//   (worker threads and their libraries) ← src-main (engine, session, hosts);
//   the renderer and the preload use src-shared alone; inside src-main, the
//   setup loader, engine, EPICS and session never reach up into the hosts;
// - nothing in src-* imports test support, e2e or bench;
// - in src-main, only hosts/desktop/electron imports electron (the preload is
//   the window's other side and imports it too);
// - no source file in src-* is over 500 lines.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const isTest = (f: string) => /\.test\.(ts|tsx)$/.test(f);

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) out.push(...filesUnder(rel));
    else out.push(rel);
  }
  return out;
}

const SRC_DIRS = ['src-shared', 'src-workers', 'src-main', 'src-renderer/src', 'src-preload'];
const sources = SRC_DIRS.flatMap(filesUnder).filter((f) => SOURCE.test(f));
const production = sources.filter((f) => !isTest(f));

/** The module specifiers a file imports (static, type-only, re-exports and import() of a literal). */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
  return info.importedFiles.map((i) => i.fileName);
}

/** The file a relative specifier names, as a path from the root (null: a package or not found). */
function resolveSpecifier(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = relative(root, resolve(root, dirname(from), spec)).split(sep).join('/');
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, `${base}/index.ts`, `${base}/index.tsx`]) {
    try {
      if (statSync(join(root, c)).isFile()) return c;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

const graph = new Map<string, string[]>();
for (const f of sources) graph.set(f, specifiers(f).map((s) => resolveSpecifier(f, s)).filter((t): t is string => t !== null));

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function circles(files: string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w) || !files.includes(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

// [importer prefix, imported prefix, why it may not]
const NEVER: [string, string, string][] = [
  ['src-shared/', 'src-workers/', 'src-shared runs anywhere and knows no worker'],
  ['src-shared/', 'src-main/', 'src-shared runs anywhere and knows no host'],
  ['src-shared/', 'src-renderer/', 'src-shared knows no UI'],
  ['src-workers/', 'src-main/', 'workers sit below the engine that starts them'],
  ['src-workers/', 'src-renderer/', 'workers know no UI'],
  ['src-renderer/', 'src-main/', 'the window talks to hosts through the bridge only'],
  ['src-renderer/', 'src-workers/', 'the window talks to hosts through the bridge only'],
  ['src-preload/', 'src-main/', 'the preload knows only the shared desktop API'],
  ['src-main/', 'src-renderer/', 'hosts serve the built window, never import it'],
  ['src-main/setup/', 'src-main/engine/', 'loading a setup needs no engine'],
  ['src-main/setup/', 'src-main/session/', 'loading a setup needs no session'],
  ['src-main/setup/', 'src-main/hosts/', 'loading a setup needs no host'],
  ['src-main/engine/', 'src-main/session/', 'the engine knows no session'],
  ['src-main/engine/', 'src-main/hosts/', 'the engine knows no host'],
  ['src-main/engine/', 'src-main/epics/', 'EPICS attaches to the engine, not the other way'],
  ['src-main/epics/', 'src-main/session/', 'EPICS publishes an engine, whatever hosts it'],
  ['src-main/epics/', 'src-main/hosts/', 'EPICS publishes an engine, whatever hosts it'],
  ['src-main/session/', 'src-main/hosts/', 'every host uses the session; it knows none of them'],
  ['src-main/hosts/web/', 'src-main/hosts/desktop/', 'browser mode and the desktop app share only the session'],
  ['src-main/hosts/desktop/', 'src-main/hosts/web/', 'browser mode and the desktop app share only the session'],
  ['src-main/hosts/cli/', 'src-main/hosts/desktop/', 'the CLI never needs the desktop app'],
  ['src-workers/runtime/', 'src-workers/builtins/', 'the runtime runs any function, built-in or not'],
  ['src-workers/formats/', 'src-workers/builtins/', 'file formats are used by built-ins, not the other way'],
  ['src-workers/physics/', 'src-workers/builtins/', 'the physics is used by built-ins, not the other way'],
  ['src-workers/serial/', 'src-workers/builtins/', 'the serial port is used by a built-in, not the other way'],
  ['src-workers/sensors/', 'src-workers/builtins/', 'the sensors are used by a built-in, not the other way'],
];

describe('the house', () => {
  it('has no import circles between source files', () => {
    expect(circles(production)).toEqual([]);
  });

  it('imports only down the floors', () => {
    const broken: string[] = [];
    for (const f of production) {
      for (const t of graph.get(f) ?? []) {
        for (const [from, to, why] of NEVER) if (f.startsWith(from) && t.startsWith(to) && !t.startsWith(from)) broken.push(`${f} → ${t}: ${why}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('keeps test support, e2e and benchmarks out of what ships', () => {
    const leaks = production.flatMap((f) => (graph.get(f) ?? []).filter((t) => /^(test|e2e|bench)\//.test(t)).map((t) => `${f} → ${t}`));
    expect(leaks).toEqual([]);
  });

  it('imports electron only in src-main/hosts/desktop/electron (and the preload)', () => {
    const importers = production.filter((f) => specifiers(f).some((s) => s === 'electron' || s.startsWith('electron/')));
    expect(importers.filter((f) => !f.startsWith('src-main/hosts/desktop/electron/') && !f.startsWith('src-preload/'))).toEqual([]);
    expect(importers).toContain('src-main/hosts/desktop/electron/index.ts');
  });

  it('has no source file over 500 lines', () => {
    const big = sources
      .concat(SRC_DIRS.flatMap(filesUnder).filter((f) => f.endsWith('.css')))
      .map((f) => [f, readFileSync(join(root, f), 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 500)
      .map(([f, n]) => `${f}: ${n} lines`);
    expect(big).toEqual([]);
  });

  it('sees the imports it checks (the detector works)', () => {
    // A known arrow and a made-up circle, so a broken parser cannot pass the checks above by seeing nothing.
    expect(graph.get('src-main/session/session.ts')).toContain('src-main/session/setup-files.ts');
    graph.set('src-main/session/setup-files.ts', [...graph.get('src-main/session/setup-files.ts')!, 'src-main/session/session.ts']);
    try {
      expect(circles(production).some((c) => c.includes('src-main/session/session.ts'))).toBe(true);
    } finally {
      graph.set('src-main/session/setup-files.ts', graph.get('src-main/session/setup-files.ts')!.slice(0, -1));
    }
  });
});
