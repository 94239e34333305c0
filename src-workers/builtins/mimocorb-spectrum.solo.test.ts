// mimoCoRB's demo_setup with built-ins (examples/mimocorb-demo) in the real
// engine: the pulse-height spectrum of builtin:filters/spectrum against
// mimoCoRB's own spectrum_filter.find_peaks (the upstream module, run by the
// venv Python with scipy) on the same simulated events — a two-sample KS test
// per channel, and the same events accepted; the drains read everything.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src-main/engine/load';
import type { RunSummary } from '../../src-shared/engine/status';
import { MIMOCORB_UPSTREAM, mimocorbPython } from '../../test/support/python/mimocorb';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ringscope-mimocorb-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of examples/mimocorb-demo without the simulation's wait (and with mimoCoRB's eventcount), edited by `edit`. */
function demoCopy(name: string, edit: (setup: string) => string, eventcount = 0): string {
  const d = join(dir, name);
  cpSync(join(root, 'examples/mimocorb-demo'), d, { recursive: true });
  const config = join(d, 'config/spectrum_config.yaml');
  writeFileSync(config, readFileSync(config, 'utf8').replace('sleeptime: 0.03', 'sleeptime: 0').replace('eventcount: 0 ', `eventcount: ${eventcount} `));
  const setup = join(d, 'setup.yaml');
  writeFileSync(setup, edit(readFileSync(setup, 'utf8')));
  return setup;
}

async function run(setup: string, runevents?: number): Promise<RunSummary> {
  const { engine, problems } = await loadEngine(setup);
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  await engine!.start({ outputDirectory: join(dir, 'runs'), ...(runevents ? { runevents } : {}) });
  return engine!.waitForEnd();
}

const exportOf = (s: RunSummary, name: string): string => {
  const f = s.exports.find((p) => p.endsWith(name));
  expect(f, `${name} in ${s.exports.join(', ')}`).toBeDefined();
  return f!;
};

function csvTable(path: string): Array<Record<string, number>> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, Number(v)])));
}

describe("mimoCoRB's demo_setup with built-ins", () => {
  it('runs as shipped: 1000 events, every one read by the drains, the spectrum filter in two threads', async () => {
    const s = await run(demoCopy('as-shipped', (t) => t));
    expect(s.end_reason).toBe('runevents');
    expect(s.buffers.RB_1!.written).toBe(1000);
    expect(s.buffers.RB_1!.released).toEqual({ Fkt_2: 1000, Fkt_3: 1000 });
    expect(s.functions.Fkt_2!.events_in).toBe(1000);
    expect(s.functions.Fkt_3!.instances).toBe(2);
    // most events have a trigger pulse in chA; the drain reads all of RB_2
    expect(s.buffers.RB_2!.written).toBeGreaterThan(800);
    expect(s.functions.Fkt_4!.events_in).toBe(s.buffers.RB_2!.written);
    expect(s.exports).toEqual([]);
  });

  it("ends the simulation after mimoCoRB's eventcount events", async () => {
    const s = await run(demoCopy('eventcount', (t) => t, 250));
    expect(s.end_reason).toBe('source_ended');
    expect(s.buffers.RB_1!.written).toBe(250);
    expect(s.buffers.RB_1!.released).toEqual({ Fkt_2: 250, Fkt_3: 250 });
  });

  it("gives the pulse-height spectrum of mimoCoRB's own spectrum_filter on the same events (KS p > 0.01)", async () => {
    // The drains become exports: the waveforms for mimoCoRB's filter, the spectrum to compare.
    const setup = demoCopy('spectrum', (t) =>
      t
        .replace('file_name: "builtin:sinks/drain"         # was modules/exporters\n', 'file_name: "builtin:sinks/csv"\n      config: {filename: waves}\n')
        .replace('file_name: "builtin:sinks/drain"         # was modules/exporters (save_to_txt → builtin:sinks/csv)', 'file_name: "builtin:sinks/csv"\n      config: {filename: spectrum}'),
    );
    const s = await run(setup);
    expect(s.end_reason).toBe('runevents');
    const ours = csvTable(exportOf(s, 'spectrum.csv'));
    const waves = exportOf(s, 'waves.csv');
    const python = mimocorbPython();
    const upstream = JSON.parse(
      execFileSync(python, [join(root, 'test/support/python/upstream_spectrum.py'), join(MIMOCORB_UPSTREAM, 'examples/modules'), join(dir, 'spectrum/config/spectrum_config.yaml'), waves], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    ) as Array<Record<string, number>>;
    // the same events pass: mimoCoRB's filter drops those without a chA peak, as ours
    expect(ours.length).toBeGreaterThan(800);
    expect(ours.map((r) => r.counter).sort((a, b) => a! - b!)).toEqual(upstream.map((r) => r.counter).sort((a, b) => a! - b!));
    for (const field of ['chA_height', 'chB_height']) {
      const ks = JSON.parse(
        execFileSync(python, ['-c', 'import json,sys; from scipy.stats import ks_2samp; a,b=json.load(sys.stdin); r=ks_2samp(a,b); print(json.dumps([r.statistic, r.pvalue]))'], {
          input: JSON.stringify([ours.map((r) => r[field]), upstream.map((r) => r[field])]),
          encoding: 'utf8',
        }),
      ) as [number, number];
      expect(ks[1], `${field}: KS statistic ${ks[0]}`).toBeGreaterThan(0.01);
    }
    // event by event: positions equal, heights and integrals to float32 precision
    const byCounter = new Map(upstream.map((r) => [r.counter, r]));
    for (const r of ours) {
      const u = byCounter.get(r.counter)!;
      for (const ch of ['chA', 'chB']) {
        expect(r[`${ch}_position`], `event ${r.counter} ${ch}`).toBe(u[`${ch}_position`]);
        expect(r[`${ch}_height`]).toBeCloseTo(u[`${ch}_height`]!, 3);
        expect(Math.abs(r[`${ch}_integral`]! - u[`${ch}_integral`]!)).toBeLessThanOrEqual(1e-6 * Math.abs(u[`${ch}_integral`]!) + 1e-12);
      }
    }
  });

  it('numbers events per source entry: unique across its threads (mimoCoRB repeats them per process), each entry from 0', async () => {
    // Fkt_1 simulates in two threads; Fkt_5, a second simulator, writes into the same RB_1.
    const setup = demoCopy('counters', (t) =>
      t
        .replace('fkt_name: "simulation_source"\n       num_process: 1', 'fkt_name: "simulation_source"\n       num_process: 2')
        .replace('file_name: "builtin:sinks/drain"         # was modules/exporters\n', 'file_name: "builtin:sinks/csv"\n      config: {filename: waves}\n')
        .concat('  - Fkt_5: {file_name: "builtin:sources/muon", fkt_name: simulation_source, RB_assign: {RB_1: write}}\n'),
    );
    const s = await run(setup, 300);
    expect(s.end_reason).toBe('runevents');
    const counters = readFileSync(exportOf(s, 'waves.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.slice(0, l.indexOf(','))));
    // runevents: the run ends when one entry has made that many (Fkt_1 here, in two threads); Fkt_5 stops with it
    expect(s.functions.Fkt_1!.events_out).toEqual({ RB_1: 300 });
    const second = s.functions.Fkt_5!.events_out.RB_1!;
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(300);
    expect(counters).toHaveLength(300 + second);
    const seen = new Map<number, number>();
    for (const c of counters) seen.set(c, (seen.get(c) ?? 0) + 1);
    // 0 … 299 each once from Fkt_1 (never twice from its two threads), and 0 … second−1 once more from Fkt_5
    expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    for (const [c, n] of seen) expect(n, `counter ${c}`).toBe(c < second ? 2 : 1);
  });
});
