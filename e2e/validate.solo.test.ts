// `ringscope validate` end to end: a child process per run, as a user would call it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const fromSource = join(root, 'src-main/hosts/cli/run-from-source.ts');
const GOOD = 'test/fixtures/setups/spin/setup.yaml';
const LINE = /^(.+):(\d+):(\d+): (error|warning|note): (.+?)(?: \(at (.+)\))?$/;

function ringscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fromSource, ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
let bad: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ringscope-validate-'));
  cpSync(join(root, 'test/fixtures/setups/spin'), tmp, { recursive: true });
  const text = readFileSync(join(tmp, 'setup.yaml'), 'utf8')
    .replace('number_of_slots: 128', 'number_of_slots: -1')
    .replace('RB_1: "write"', 'RB_1: "wrte"')
    .replace('fkt_name: "plot_waveform"', 'fkt_name: "plot_wave"');
  bad = join(tmp, 'bad_setup.yaml');
  writeFileSync(bad, text);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ringscope validate', () => {
  it('accepts a valid setup: notes only, a summary, exit 0', () => {
    const r = ringscope('validate', GOOD);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`${GOOD} is valid: 4 buffers, 5 functions (3 notes).`);
    expect(lines.slice(0, -1).map((l) => LINE.exec(l)?.slice(1, 5))).toEqual([
      [GOOD, '12', '1', 'note'],
      [GOOD, '13', '1', 'note'],
      [GOOD, '26', '5', 'note'],
    ]);
  });

  it('prints every problem as file:line:col: severity: message (at key.path) and exits 1 on errors', () => {
    const shown = relative(root, bad);
    const r = ringscope('validate', shown);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    const problems = lines.slice(0, -1).map((l) => {
      const m = LINE.exec(l);
      expect(m, l).not.toBeNull();
      return { file: m![1], line: Number(m![2]), severity: m![4], message: m![5], path: m![6] };
    });
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.file, p.line, p.path])).toEqual([
      [shown, 19, 'RingBuffer[0].RB_1.number_of_slots'],
      [shown, 65, 'Functions[1].Fkt_1.RB_assign.RB_1'],
      [shown, 92, 'Functions[5].Fkt_5.fkt_name'],
    ]);
    expect(errors[0].message).toBe('number_of_slots of RB_1 must be a whole number ≥ 1 (how many events the buffer holds); -1 is too small.');
    expect(errors[1].message).toContain('Did you mean "write"?');
    expect(errors[2].message).toBe('modules/plot_waveform does not export a function named "plot_wave". Did you mean "plot_waveform"?');
    // The FunctionConfigs section for plot_waveform now reaches nobody.
    expect(problems.filter((p) => p.severity === 'note').map((p) => p.path)).toEqual(['GUI_control', 'KBD_control', 'RingBuffer[1].RB_2', 'FunctionConfigs.plot_waveform']);
    expect(lines.at(-1)).toBe(`${shown}: 3 errors, 4 notes. Fix the errors before starting a run.`);
  });

  it('prints JSON with --json', () => {
    const r = ringscope('validate', bad, '--json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: bad, ok: false, summary: { errors: 3, warnings: 0, notes: 4 } });
    expect(out.problems[0]).toEqual(expect.objectContaining({ severity: 'note', file: bad, line: 12, column: 1, path: 'GUI_control', code: 'mimocorb-gui-key' }));
    const good = JSON.parse(ringscope('validate', '--json', GOOD).stdout);
    expect(good).toMatchObject({ ok: true, summary: { errors: 0 } });
  });

  it('reports a missing setup file as an error (exit 1)', () => {
    const r = ringscope('validate', 'no/such/setup.yaml');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('no/such/setup.yaml:1:1: error: The setup file does not exist. Check the path.');
  });

  it('exits 2 with the usage for usage errors, 0 for --help', () => {
    for (const args of [[], [GOOD, GOOD], [GOOD, '--frobnicate']]) {
      const r = ringscope('validate', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: ringscope validate <setup.yaml> [--json]');
      expect(r.stdout).toBe('');
    }
    const h = ringscope('validate', '--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('Exit status: 0 without errors, 1 with errors, 2 for a usage error.');
    expect(ringscope('--help').stdout).toMatch(/validate\s+check a setup file/);
  });

  it('works from the built bin too, loading TypeScript modules without tsx on the command line', (ctx) => {
    const cli = join(root, 'out/main/cli.js');
    if (!existsSync(cli) || !readFileSync(cli, 'utf8').includes('validate')) ctx.skip('out/main/cli.js is missing or predates validate: run npm run build');
    const r = spawnSync(process.execPath, [join(root, 'bin/ringscope.mjs'), 'validate', GOOD], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('is valid: 4 buffers, 5 functions');
    expect(r.status).toBe(0);
  });
});
