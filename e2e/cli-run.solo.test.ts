import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../src-shared/engine/status';
import { repoRoot as root, ringscopeBin as bin, startRun } from '../test/support/cli-run';

const out = mkdtempSync(join(tmpdir(), 'ringscope-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function ringscope(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('ringscope run', () => {
  it('has --help', () => {
    const r = ringscope(['run', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: ringscope run <setup.yaml>');
    expect(r.stdout).toContain('--events N');
  });

  // Standard input is closed here (no terminal, as in CI): end of input must not stop the run.
  it('runs the counting example to exactly N events, prints run.json last with --json, exit 0', () => {
    const r = ringscope(['run', 'examples/counting/setup.yaml', '--events', '500', '--output', out, '--json']);
    expect(r.stderr).toContain('Run ended: runevents');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]) as RunSummary;
    expect(summary.end_reason).toBe('runevents');
    expect(summary.buffers.RB_1.written).toBe(500);
    expect(summary.buffers.RB_2.released.Fkt_3).toBe(500);
    const onDisk = JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8'));
    expect(onDisk).toEqual(summary);
  });

  it('runs a user function written in TypeScript from the built bin', () => {
    const r = ringscope(['run', 'test/fixtures/engine/typescript.yaml', '--output', out, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as RunSummary;
    expect(JSON.parse(readFileSync(join(summary.run_directory, 'Fkt_2_RB_1.json'), 'utf8'))).toEqual({ count: 50, seen: 'Some' });
  });

  it('refuses a broken setup with its problems and exit 1, starting nothing', () => {
    const bad = join(out, 'bad.yaml');
    writeFileSync(bad, 'RingBuffer:\n  - RB_1: {number_of_slots: 0, channel_per_slot: 1, data_type: int32}\nFunctions:\n  - Fkt_main: {}\n');
    const r = ringscope(['run', bad, '--output', join(out, 'never')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+: error/);
    expect(r.stderr).toContain('nothing was started');
    expect(existsSync(join(out, 'never'))).toBe(false);
  });

  it('rejects bad options with exit 2', () => {
    expect(ringscope(['run', 'examples/counting/setup.yaml', '--events', 'many']).status).toBe(2);
    expect(ringscope(['run']).status).toBe(2);
  });

  it('stops gracefully on one Ctrl-C: files complete, counts reconciled, exit 0', async () => {
    const run = startRun(['test/fixtures/engine/paced.yaml', '--output', out]);
    const dir = await run.started;
    await run.flowing();
    run.child.kill('SIGINT');
    const { code, stderr } = await run.exited;
    expect(stderr).toContain('stopping: writing what is buffered');
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunSummary;
    expect(summary.end_reason).toBe('stop');
    expect(summary.buffers.RB_1.released.Fkt_2).toBe(summary.buffers.RB_1.written);
    const seen = JSON.parse(readFileSync(join(dir, 'Fkt_2_RB_1.json'), 'utf8'));
    expect(seen.values).toHaveLength(summary.buffers.RB_1.written);
  });

  it('aborts on a second Ctrl-C with exit 3 and still closes its files', async () => {
    // This source ignores the stop signal, so the graceful stop waits for it and the second Ctrl-C lands.
    const run = startRun(['test/fixtures/engine/stubborn.yaml', '--output', out]);
    const dir = await run.started;
    await run.flowing();
    run.child.kill('SIGINT');
    await run.printed(/stopping: writing what is buffered/);
    run.child.kill('SIGINT');
    const { code, stderr } = await run.exited;
    expect(stderr).toContain('aborting');
    expect(code).toBe(3);
    const summary = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunSummary;
    expect(summary.end_reason).toBe('abort');
    expect(summary.buffers.RB_1.written).toBeGreaterThan(0);
    const seen = JSON.parse(readFileSync(join(dir, 'Fkt_2_RB_1.json'), 'utf8'));
    expect(seen.values.length).toBeGreaterThan(0);
  });

  it('takes p / r / s from standard input', async () => {
    const run = startRun(['test/fixtures/engine/paced.yaml', '--output', out]);
    const dir = await run.started;
    await run.flowing();
    run.child.stdin.write('p\n');
    run.child.stdin.write('r\n');
    run.child.stdin.write('s\n');
    const { code } = await run.exited;
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunSummary;
    expect(summary.end_reason).toBe('stop');
    const log = readFileSync(join(dir, 'run.log'), 'utf8');
    expect(log).toMatch(/paused[\s\S]*resumed[\s\S]*stopping \(stop\)/);
  });

  it("ends on mimoCoRB's e, and names a key it does not know", async () => {
    const run = startRun(['test/fixtures/engine/paced.yaml', '--output', out]);
    const dir = await run.started;
    await run.flowing();
    run.child.stdin.write('x\n');
    run.child.stdin.write('E\n');
    const { code, stderr } = await run.exited;
    expect(code).toBe(0);
    expect(stderr).toContain('unknown command "x": type p (pause), r (resume), s (stop) or e (end)');
    const summary = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunSummary;
    expect(summary.end_reason).toBe('stop');
  });
});
