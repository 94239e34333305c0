// Loading a user module for validation without letting it touch the loader:
// the module is imported in a worker thread of its own, with a time limit and
// its output captured. A module that calls process.exit() at load time ends
// only that thread; one that loops forever is terminated at the time limit;
// either way validation reports it, naming the module, instead of exiting
// silently or hanging.
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** How long a module may take to load for validation (RINGSCOPE_MODULE_LOAD_TIMEOUT, seconds, overrides it). */
export const MODULE_LOAD_TIMEOUT_MS = 10_000;

/** What a module exports, as seen from outside: each export's typeof, and the function names on its default export. */
export type ModuleProbe =
  | { ok: true; exports: Record<string, string>; defaultFunctions: string[] }
  | { ok: false; reason: 'threw'; error: string; message: string }
  | { ok: false; reason: 'exit'; code: number }
  | { ok: false; reason: 'timeout'; ms: number };

// Runs in the probe's worker (an eval'd CommonJS script: no file to ship or find).
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { url, tsx, parent } = workerData;
  // TypeScript always through tsx, as the worker loads it (src-workers/runtime/typescript.ts).
  let mod;
  if (/\\.[mc]?ts$/.test(new URL(url).pathname)) {
    if (!tsx) throw new Error('TypeScript modules need the tsx package, which is missing from this installation');
    mod = await (await import(tsx)).tsImport(url, parent);
  } else {
    mod = await import(url);
  }
  const exports = {};
  for (const k of Object.keys(mod)) exports[k] = typeof mod[k];
  const d = mod.default;
  const defaultFunctions = d !== null && (typeof d === 'object' || typeof d === 'function') ? Object.keys(d).filter((k) => typeof d[k] === 'function') : [];
  parentPort.postMessage({ ok: true, exports, defaultFunctions });
})().catch((e) => parentPort.postMessage({ ok: false, reason: 'threw', error: (e && e.name) || 'Error', message: String((e && e.message) || e) }));
`;

/** The file URL of tsx's ESM API (to load TypeScript modules), or null where tsx is not installed. */
function tsxApi(): string | null {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    // vitest's module runner has no import.meta.resolve: find the package's CommonJS entry, use its ESM twin.
    try {
      const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
      const esm = cjs.replace(/\.cjs$/, '.mjs');
      return pathToFileURL(existsSync(esm) ? esm : cjs).href;
    } catch {
      return null;
    }
  }
}

function timeoutMs(): number {
  const s = Number(process.env.RINGSCOPE_MODULE_LOAD_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? s * 1000 : MODULE_LOAD_TIMEOUT_MS;
}

const probes = new Map<string, Promise<ModuleProbe>>();

/** Imports the module at `path` in a worker thread of its own and reports what it exports (cached while the file is unchanged). */
export function probeModule(path: string): Promise<ModuleProbe> {
  const st = statSync(path);
  const key = `${path}\0${Math.trunc(st.mtimeMs)}_${st.size}`;
  let p = probes.get(key);
  if (!p) {
    p = run(path);
    probes.set(key, p);
  }
  return p;
}

function run(path: string): Promise<ModuleProbe> {
  const ms = timeoutMs();
  return new Promise((done) => {
    const worker = new Worker(PROBE, {
      eval: true,
      workerData: { url: pathToFileURL(path).href, tsx: tsxApi(), parent: import.meta.url },
      // What the module prints while loading must not mix into validate's output (--json).
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    worker.stdout.resume();
    worker.stderr.resume();
    let settled = false;
    const finish = (r: ModuleProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(r);
      void worker.terminate();
    };
    // The clock starts when the thread runs, so a busy machine's slow thread start-up does not count.
    let timer: NodeJS.Timeout | undefined;
    worker.once('online', () => {
      if (!settled) timer = setTimeout(() => finish({ ok: false, reason: 'timeout', ms }), ms);
    });
    worker.on('message', (m: ModuleProbe) => finish(m));
    worker.on('error', (e) => finish({ ok: false, reason: 'threw', error: e?.name ?? 'Error', message: String(e?.message ?? e) }));
    worker.on('exit', (code) => finish({ ok: false, reason: 'exit', code }));
  });
}
