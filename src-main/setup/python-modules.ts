// mimoCoRB Python modules named by file_name: which Python runs them, and the
// check `validate` makes without running user code — Python's own parser (ast)
// in a subprocess reads the file: syntax, the functions it defines, what it imports.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The environment variable naming the Python for Python modules (after the setup's python:). */
export const PYTHON_ENV = 'RINGSCOPE_PYTHON';

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/** The .py file for an absolute file_name (mimoCoRB writes it without the extension); null if none. */
export function findPythonModule(base: string): string | null {
  if (/\.py$/i.test(base)) return isFile(base) ? base : null;
  return isFile(`${base}.py`) ? `${base}.py` : null;
}

/** The Python that runs a setup's Python modules: python: in the setup (relative to its folder when a path), RINGSCOPE_PYTHON, else python3 on PATH. */
export function pythonCommand(fromSetup: string | undefined, setupDir: string): string {
  const p = fromSetup || process.env[PYTHON_ENV] || 'python3';
  return p.includes('/') && !isAbsolute(p) ? resolve(setupDir, p) : p;
}

/** The folder of RingScope's Python side (ringscope_bridge.py, the buffer_control stand-in), from source or from the build. */
export function pythonBridgeDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'src-workers', 'python');
    if (isFile(join(candidate, 'ringscope_bridge.py'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`RingScope's Python bridge (src-workers/python/ringscope_bridge.py) was not found above ${fileURLToPath(import.meta.url)}`);
}

const CHECK = String.raw`
import ast, json, sys, importlib.util
env = {"numpy": importlib.util.find_spec("numpy") is not None, "mimocorb": importlib.util.find_spec("mimocorb") is not None}
result = {}
for path in sys.argv[1:]:
    out = {"defs": {}, "imports": [], **env}
    result[path] = out
    try:
        with open(path, "rb") as f:
            tree = ast.parse(f.read(), filename=path)
    except SyntaxError as e:
        out["syntax"] = {"line": e.lineno or 1, "column": e.offset or 1, "message": e.msg}
        continue
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out["defs"][node.name] = node.lineno
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name): out["defs"].setdefault(t.id, node.lineno)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out["imports"] += [[a.name, node.lineno] for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out["imports"].append([node.module, node.lineno])
            if node.module == "mimocorb":
                out["imports"] += [["mimocorb." + a.name, node.lineno] for a in node.names]
print(json.dumps(result))
`;

/** Seconds the parser subprocess may take (a loaded machine starts Python slowly). */
const CHECK_TIMEOUT_MS = 60_000;

export interface PythonModuleInfo {
  /** Top-level functions (and names assigned at the top level) → line. */
  defs: Record<string, number>;
  /** Imported module names with their line. */
  imports: [string, number][];
  numpy: boolean;
  mimocorb: boolean;
  syntax?: { line: number; column: number; message: string };
}

export type PythonCheck = { ok: true; info: PythonModuleInfo } | { ok: false; message: string };

/** Reads Python modules with Python's parser in one subprocess (user code does not run); the answer per path. */
export function inspectPythonModules(python: string, paths: string[]): Promise<Map<string, PythonCheck>> {
  const all = (c: PythonCheck) => new Map(paths.map((p) => [p, c]));
  return new Promise((res) => {
    execFile(python, ['-c', CHECK, ...paths], { timeout: CHECK_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        const why =
          e.code === 'ENOENT'
            ? 'it was not found'
            : e.killed
              ? `it did not answer within ${CHECK_TIMEOUT_MS / 1000} s`
              : stderr.trim().split('\n').pop() || `it failed: ${e.message.split('\n')[0]}`;
        res(all({ ok: false, message: `the Python "${python}" cannot be started (${why}). Install Python 3 with numpy, or name one with python: in the setup or the ${PYTHON_ENV} environment variable.` }));
        return;
      }
      try {
        const infos = JSON.parse(stdout) as Record<string, PythonModuleInfo>;
        res(new Map(paths.map((p) => [p, { ok: true, info: infos[p] } as PythonCheck])));
      } catch {
        res(all({ ok: false, message: `the Python "${python}" did not answer as expected: ${stdout.slice(0, 200)}` }));
      }
    });
  });
}

/** mimoCoRB's plotting modules: RingScope's window shows these buffers itself. */
export const DISPLAY_MODULES: Record<string, 'waveform' | 'histograms'> = {
  'mimocorb.plot_buffer': 'waveform',
  'mimocorb.histogram_buffer': 'histograms',
};

/** The window panel a module stands for when it imports one of mimoCoRB's plotting modules; null otherwise. */
export function displayKind(info: PythonModuleInfo): 'waveform' | 'histograms' | null {
  for (const [name] of info.imports) if (DISPLAY_MODULES[name]) return DISPLAY_MODULES[name];
  return null;
}

/** The first import of a mimocorb submodule other than buffer_control (which RingScope provides). */
export function mimocorbImport(info: PythonModuleInfo): [string, number] | null {
  return info.imports.find(([n]) => n.startsWith('mimocorb.') && n !== 'mimocorb.buffer_control' && !DISPLAY_MODULES[n]) ?? null;
}

/** A problem found in a Python function: at its file_name or fkt_name in the setup, or at a line of the module itself. */
export interface PythonProblem {
  severity: 'error' | 'warning' | 'note';
  at: 'file_name' | 'fkt_name' | { line: number; column: number };
  message: string;
  code: string;
  suggestion?: string;
}

/** The checks of one Python function (fn: its Functions entry name; shown: the module as the setup names it). */
export function pythonProblems(check: PythonCheck, fn: string, fkt: string, shown: string, python: string, didYouMean: (n: string, c: string[]) => string | undefined): { problems: PythonProblem[]; display: 'waveform' | 'histograms' | null } {
  if (!check.ok) return { problems: [{ severity: 'error', at: 'file_name', message: `${fn} runs the Python module ${shown}, but ${check.message}`, code: 'no-python' }], display: null };
  const { info } = check;
  if (info.syntax) {
    return { problems: [{ severity: 'error', at: { line: info.syntax.line, column: info.syntax.column }, message: `${shown} cannot run: SyntaxError: ${info.syntax.message}. Fix the module.`, code: 'module-load' }], display: null };
  }
  const problems: PythonProblem[] = [];
  const display = displayKind(info);
  if (display) {
    problems.push({
      severity: 'note',
      at: 'file_name',
      message: `${fn} (${fkt}) draws with matplotlib in mimoCoRB; RingScope does not start it: the window's ${display === 'waveform' ? 'oscilloscope' : 'histogram'} panel shows its buffer with its configuration instead (headless runs skip it).`,
      code: 'python-display',
    });
    return { problems, display };
  }
  if (!Object.hasOwn(info.defs, fkt)) {
    const names = Object.keys(info.defs);
    const guess = didYouMean(fkt, names);
    problems.push({
      severity: 'error',
      at: 'fkt_name',
      message: `${shown} defines no function "${fkt}".${guess ? ` Did you mean "${guess}"?` : names.length ? ` It defines: ${names.join(', ')}.` : ''}`,
      code: 'missing-export',
      suggestion: guess,
    });
  }
  if (!info.numpy) problems.push({ severity: 'error', at: 'file_name', message: `the Python "${python}" has no numpy, which mimoCoRB modules need. Install it (Debian: apt-get install python3-numpy), or name another Python with python: in the setup or ${PYTHON_ENV}.`, code: 'no-python' });
  const sub = mimocorbImport(info);
  if (sub && !info.mimocorb) {
    problems.push({
      severity: 'error',
      at: { line: sub[1], column: 1 },
      message: `${shown} imports ${sub[0]}, which comes from the mimocorb package, and it is not installed for "${python}". Install it (${python} -m pip install mimocorb), or name a Python that has it with python: in the setup or ${PYTHON_ENV}.`,
      code: 'no-mimocorb',
    });
  }
  return { problems, display };
}
