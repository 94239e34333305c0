// Issue 18's corpus: every bad input (mutations of every example, mimoCoRB's
// too, and the hand-made cases of the issue) through `ringscope validate` and
// `ringscope run` — the built CLI in child processes, two at a time, each
// under a watchdog. No stack traces, no hangs, no exit 0 while reporting an
// error, every error naming file and line (and key where there is one), and a
// refused setup creates nothing.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus, EXPECTED_TO_BE_FIXED, type Case } from '../test/support/fuzz/corpus';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'ringscope.mjs');
/** A child still running after this is a hang (the slowest honest case, a module looping at load, takes ~2 × 5 s). */
const WATCHDOG_MS = 60_000;
const PARALLEL = 2;
const LINE = /^(.+):(\d+):(\d+): (error|warning|note): (.+?)(?: \(at (.+)\))?$/;
const STACK = /^\s+at \S.*(:\d+:\d+\)?|\(native\))\s*$/m;

interface Child {
  code: number | null;
  stdout: string;
  stderr: string;
  hung: boolean;
}

function cli(args: string[], cwd: string): Promise<Child> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Modules that loop at load are cut off after 5 s instead of 10 (a module that loads fine takes a fraction of a second on an idle machine; 5 s leaves room for a busy one).
      env: { ...process.env, RINGSCOPE_MODULE_LOAD_TIMEOUT: '5' },
    });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const watchdog = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, WATCHDOG_MS);
    child.on('close', (code) => {
      clearTimeout(watchdog);
      done({ code, stdout, stderr, hung });
    });
  });
}

interface Result {
  dir: string;
  setup: string;
  before: string[];
  after: string[];
  validate: Child;
  run: Child;
}

const work = mkdtempSync(join(tmpdir(), 'ringscope-bad-input-'));
const cases = corpus();
const results = new Map<string, Result>();
let seconds = 0;

const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : []);

async function runCase(c: Case, i: number): Promise<void> {
  const dir = join(work, `case-${i}`);
  if (c.from) cpSync(c.from, dir, { recursive: true, filter: (src) => !/[/\\](target|__pycache__)$/.test(src) });
  else mkdirSync(dir, { recursive: true });
  if (c.text !== undefined) writeFileSync(join(dir, 'setup.yaml'), c.text);
  c.prepare?.(dir);
  const setup = c.setup ? c.setup(dir) : join(dir, 'setup.yaml');
  const before = listing(dir);
  const validate = await cli(['validate', setup], dir);
  const run = await cli(['run', setup, '--events', '20', '--duration', '10', '--output', join(dir, 'out')], dir);
  const after = listing(dir).filter((f) => f !== 'out' && !f.startsWith('out/'));
  results.set(c.id, { dir, setup, before, after, validate, run });
}

beforeAll(async () => {
  if (!existsSync(join(root, 'out/main/cli.js'))) throw new Error('the CLI is not built: run "npm run build" first');
  const t0 = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      await runCase(cases[i], i);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  seconds = (performance.now() - t0) / 1000;
  // ~170 s of CPU in all; on a machine shared many times over (load 20 here) the wall time grew past 600 s.
}, 1_200_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The problem lines of validate's output (or run's), checked to name file and line. */
function problemLines(text: string): Array<{ file: string; line: number; severity: string; message: string; path?: string }> {
  return text
    .split('\n')
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1], line: Number(m[2]), severity: m[4], message: m[5], ...(m[6] ? { path: m[6] } : {}) }));
}

function check(c: Case): void {
  const r = results.get(c.id)!;
  for (const [what, x] of [['validate', r.validate], ['run', r.run]] as const) {
    expect(x.hung, `${what} hung (killed after ${WATCHDOG_MS / 1000} s)`).toBe(false);
    expect(`${x.stdout}\n${x.stderr}`, `${what} printed a stack trace`).not.toMatch(STACK);
  }
  // No run ends with 0 while saying something failed.
  if (r.run.code === 0) expect(r.run.stderr).not.toMatch(/\berror\b/i);
  if (c.expect === 'invalid') {
    expect(r.validate.code, r.validate.stdout + r.validate.stderr).toBe(1);
    const lines = r.validate.stdout.trimEnd().split('\n');
    // Every line but the summary is a problem with file:line:column.
    for (const l of lines.slice(0, -1)) expect(l, 'a problem line without file:line:column').toMatch(LINE);
    expect(lines.at(-1)).toMatch(/: \d+ errors?(, .*)?\. Fix the errors before starting a run\.$/);
    const errors = problemLines(r.validate.stdout).filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.file === r.setup || e.file.startsWith(r.dir) || e.file === '/dev/zero', `${e.file} is not the setup or a file of its folder`).toBe(true);
      expect(e.line).toBeGreaterThanOrEqual(1);
    }
    // run refuses with the same errors and creates nothing: no run directory, nothing in the setup's folder.
    expect(r.run.code, r.run.stderr).toBe(1);
    expect(r.run.stderr).toMatch(/the setup has \d+ error\(s\); nothing was started\.\n$/);
    expect(problemLines(r.run.stderr).filter((p) => p.severity === 'error')).toEqual(errors);
    expect(existsSync(join(r.dir, 'out')), 'run created its output folder').toBe(false);
    expect(r.after, 'run created files in the setup folder').toEqual(r.before);
  } else {
    expect(r.validate.code, r.validate.stdout).toBe(0);
    if (c.expect === 'good') {
      expect(r.run.code, r.run.stderr).toBe(0);
      expect(r.run.stderr).toMatch(/Run ended: runevents/);
    } else {
      // The failing function is named, and the run says it failed.
      expect(r.run.stderr).toMatch(/error in Fkt_\d+ \([^)]+\) #\d+/);
      expect(r.run.code, r.run.stderr).toBe(1);
      expect(r.run.stderr).toMatch(/Run ended: error/);
    }
  }
}

describe(`bad inputs through validate and run (${cases.length} cases)`, () => {
  it('has at least 150 cases, mutations of every example among them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const ex of ['counting/', 'muon/', 'sensors/', 'serial/', 'mimoCoRB demo_setup.yaml', 'mimoCoRB lifetime_setup.yaml ported']) expect(cases.some((c) => c.id.startsWith(ex)), ex).toBe(true);
  });

  for (const c of cases) {
    const known = EXPECTED_TO_BE_FIXED[c.id];
    if (known) it.fails(`${c.id} (expected to be fixed by ${known})`, () => check(c));
    else it(c.id, () => check(c));
  }

  it('reports totals', () => {
    const all = [...results.values()].flatMap((r) => [r.validate, r.run]);
    const summary = {
      cases: cases.length,
      children: all.length,
      seconds: Math.round(seconds),
      hangs: all.filter((x) => x.hung).length,
      stackTraces: all.filter((x) => STACK.test(`${x.stdout}\n${x.stderr}`)).length,
      runsExit0WithError: [...results.values()].filter((r) => r.run.code === 0 && /\berror\b/i.test(r.run.stderr)).map((r) => r.setup),
    };
    console.log(`bad-input corpus: ${JSON.stringify(summary)}`);
    expect(summary.hangs).toBe(0);
    expect(summary.stackTraces).toBe(0);
  });
});
