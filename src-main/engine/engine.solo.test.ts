import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary, StatusReport } from '../../src-shared/engine/status';
import type { Engine } from './engine';
import { loadEngine } from './load';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'engine');
const out = mkdtempSync(join(tmpdir(), 'ringscope-engine-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function load(setup: string): Promise<Engine> {
  const { engine, problems } = await loadEngine(setup);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  return engine!;
}

function readExport<T>(summary: RunSummary, name: string): T {
  const f = summary.exports.find((e) => e.endsWith(name));
  expect(f, `export ${name} in ${summary.exports.join(', ')}`).toBeDefined();
  return JSON.parse(readFileSync(f!, 'utf8')) as T;
}

/** Resolves with the first status report (from now on) that satisfies pred. */
function nextStatus(engine: Engine, pred: (s: StatusReport) => boolean = () => true): Promise<StatusReport> {
  return new Promise((resolve) => {
    const off = engine.on('status', (s) => {
      if (pred(s)) {
        off();
        resolve(s);
      }
    });
  });
}

function expectReconciled(summary: RunSummary): void {
  for (const [name, b] of Object.entries(summary.buffers)) {
    for (const [group, n] of Object.entries(b.released)) expect(n, `${name} released by ${group}`).toBe(b.written);
  }
}

const written = (s: StatusReport) => s.buffers.map((b) => b.written);

describe('engine', () => {
  it('runs the counting example with runevents honoured exactly and counts that reconcile', async () => {
    const engine = await load(join(root, 'examples/counting/setup.yaml'));
    await engine.start({ outputDirectory: out, runevents: 2000 });
    const summary = await engine.waitForEnd();
    expect(summary.end_reason).toBe('runevents');
    expect(summary.buffers.RB_1.written).toBe(2000);
    expect(summary.buffers.RB_2.written).toBe(2000);
    expectReconciled(summary);
    expect(summary.functions.Fkt_2.instances).toBe(2);
    expect(summary.functions.Fkt_2.events_in).toBe(2000);
    expect(summary.functions.Fkt_2.events_out).toEqual({ RB_2: 2000 });
    const sums = readExport<{ count: number; sum: number; squares: number; counters: number[] }>(summary, 'Fkt_3_RB_2.json');
    expect(sums.count).toBe(2000);
    expect(sums.sum).toBe((1999 * 2000) / 2);
    expect(sums.squares).toBe((1999 * 2000 * 3999) / 6);
    expect([...sums.counters].sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    // The run directory: setup snapshot, run.log and run.json agree.
    const files = readdirSync(summary.run_directory);
    expect(files).toEqual(expect.arrayContaining(['run.json', 'run.log', 'setup', 'Fkt_3_RB_2.json']));
    expect(JSON.parse(readFileSync(join(summary.run_directory, 'run.json'), 'utf8'))).toEqual(summary);
    expect(readdirSync(join(summary.run_directory, 'setup'))).toContain('setup.yaml');
    expect(summary.run_directory).toMatch(/counting_\d{4}-\d\d-\d\dT\d{6}(-\d+)?$/);
  });

  it("shows observers the run's last event when the run ends before their next snapshot", async () => {
    const engine = await load(join(root, 'examples/counting/setup.yaml'));
    const seen: number[] = [];
    // 0.2 Hz: a run of 50 events ends long before the first 5 s tick.
    const off = engine.observe('RB_1', 0.2, (s) => seen.push(s.counter));
    await engine.start({ outputDirectory: out, runevents: 50 });
    const summary = await engine.waitForEnd();
    off();
    expect(summary.buffers.RB_1.written).toBe(50);
    expect(seen.at(-1)).toBe(49);
  });

  it('gives each run its own directory', async () => {
    const engine = await load(join(fixtures, 'finite.yaml'));
    await engine.start({ outputDirectory: out });
    const a = await engine.waitForEnd();
    await engine.start({ outputDirectory: out });
    const b = await engine.waitForEnd();
    expect(a.run_directory).not.toBe(b.run_directory);
    expect(a.end_reason).toBe('source_ended');
    expect(a.buffers.RB_1.written).toBe(25);
    expect(b.buffers.RB_1.written).toBe(25);
  });

  it('pauses (counts frozen across status updates) and resumes (counts rise)', async () => {
    const engine = await load(join(fixtures, 'paced.yaml'));
    await engine.start({ outputDirectory: out });
    await nextStatus(engine, (s) => s.buffers[0].written > 20);
    engine.pause();
    expect(engine.state).toBe('paused');
    // Wait until what was in flight has drained, then two further reports must agree.
    await nextStatus(engine, (s) => s.buffers[0].filled === 0);
    const a = await nextStatus(engine);
    const b = await nextStatus(engine);
    expect(written(b)).toEqual(written(a));
    expect(b.state).toBe('paused');
    engine.resume();
    const c = await nextStatus(engine, (s) => s.buffers[0].written > written(b)[0]);
    expect(c.state).toBe('running');
    const summary = await engine.stop();
    expect(summary.end_reason).toBe('stop');
    expectReconciled(summary);
    const seen = readExport<{ values: number[] }>(summary, 'Fkt_2_RB_1.json');
    expect(seen.values).toEqual(Array.from({ length: summary.buffers.RB_1.written }, (_, i) => i));
  });

  it('stops gracefully: everything written by the source reaches the sink', async () => {
    const engine = await load(join(root, 'examples/counting/setup.yaml'));
    await engine.start({ outputDirectory: out, runevents: 0 });
    await nextStatus(engine, (s) => s.buffers[1].written > 1000);
    const summary = await engine.stop();
    expect(summary.end_reason).toBe('stop');
    expectReconciled(summary);
    const n = summary.buffers.RB_1.written;
    expect(summary.buffers.RB_2.written).toBe(n);
    const sums = readExport<{ count: number; sum: number }>(summary, 'Fkt_3_RB_2.json');
    expect(sums.count).toBe(n);
    expect(sums.sum).toBe(((n - 1) * n) / 2);
  });

  it('on_error stop: reports function, instance, counter; the run ends cleanly with what was committed', async () => {
    const engine = await load(join(fixtures, 'throwing.yaml'));
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    await engine.start({ outputDirectory: out });
    const summary = await engine.waitForEnd();
    expect(summary.end_reason).toBe('error');
    expect(engine.state).toBe('failed');
    const f = summary.functions.Fkt_2;
    expect(f.state).toBe('failed');
    expect(f.errors).toHaveLength(1);
    expect(f.errors[0]).toMatchObject({ function: 'Fkt_2', fkt_name: 'throwing_filter', instance: 0, counter: 50, message: 'value 50 is not welcome', policy: 'stop' });
    expect(f.errors[0].stack).toContain('modules.mjs');
    expect(errors).toHaveLength(1);
    // What the filter passed before failing was all written by the sink.
    const seen = readExport<{ values: number[] }>(summary, 'Fkt_3_RB_2.json');
    expect(seen.values).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(summary.buffers.RB_2.written).toBe(50);
    expect(summary.buffers.RB_2.released.Fkt_3).toBe(50);
    const log = readFileSync(join(summary.run_directory, 'run.log'), 'utf8');
    expect(log).toContain('[Fkt_2#0] event 50: value 50 is not welcome');
  });

  it('on_error skip_event: the failed events are counted and the run goes on', async () => {
    const engine = await load(join(fixtures, 'skipping.yaml'));
    await engine.start({ outputDirectory: out });
    const summary = await engine.waitForEnd();
    expect(summary.end_reason).toBe('runevents');
    expect(summary.functions.Fkt_2.failed_events).toBe(2);
    expect(summary.functions.Fkt_2.errors.map((e) => e.counter).sort()).toEqual([5, 7]);
    expect(summary.buffers.RB_1.written).toBe(100);
    expect(summary.buffers.RB_2.written).toBe(98);
    expectReconciled(summary);
    const seen = readExport<{ values: number[] }>(summary, 'Fkt_3_RB_2.json');
    expect([...seen.values].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((v) => v !== 5 && v !== 7));
  });

  it('ends by runtime', async () => {
    const engine = await load(join(fixtures, 'paced.yaml'));
    await engine.start({ outputDirectory: out, runtime: 0.5 });
    const summary = await engine.waitForEnd();
    expect(summary.end_reason).toBe('runtime');
    expect(summary.buffers.RB_1.written).toBeGreaterThan(0);
    expectReconciled(summary);
  });

  it('delivers a parameter changed while running to the worker', async () => {
    const engine = await load(join(fixtures, 'paced.yaml'));
    await engine.start({ outputDirectory: out });
    await nextStatus(engine, (s) => s.buffers[0].written > 5);
    engine.setParam('Fkt_2', 'mark', 'B');
    const logged = new Promise<void>((resolve) => engine.on('log', (l) => l.message === 'mark is now B' && resolve()));
    await logged;
    const before = engine.status().buffers[0].written;
    await nextStatus(engine, (s) => s.buffers[0].written > before + 5);
    const summary = await engine.stop();
    const seen = readExport<{ marks: (string | null)[] }>(summary, 'Fkt_2_RB_1.json');
    const firstB = seen.marks.indexOf('B');
    expect(firstB).toBeGreaterThan(0);
    expect(seen.marks.slice(0, firstB).every((m) => m === null)).toBe(true);
    expect(seen.marks.slice(firstB).every((m) => m === 'B')).toBe(true);
  });
});
