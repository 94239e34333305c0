// mimoCoRB's setups with built-ins, as validation sees them: number_of_samples
// against the buffer, the spectrum filter's output layout, mimoCoRB's eventcount
// as the simulator's event limit, and the text exporter's .txt for save_to_txt.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSetup } from './load';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-mimocorb-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function load(setup: string, config = '') {
  const d = join(dir, String(n++));
  mkdirSync(d);
  writeFileSync(join(d, 'config.yaml'), config);
  writeFileSync(join(d, 'setup.yaml'), setup);
  return loadSetup(join(d, 'setup.yaml'), { checkModules: false });
}

const errors = (r: Awaited<ReturnType<typeof load>>) => r.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}: ${p.message}`);

const demo = (rb2Fields: string, samples = 500) => `RingBuffer:
  - RB_1: {number_of_slots: 16, channel_per_slot: ${samples}, data_type: {1: [chA, float32], 2: [chB, float32]}}
  - RB_2: {number_of_slots: 16, channel_per_slot: 1, data_type: {${rb2Fields}}}
Functions:
  - Fkt_main: {config_file: config.yaml}
  - Fkt_1: {file_name: builtin:sources/muon, fkt_name: simulation_source, RB_assign: {RB_1: write}}
  - Fkt_2: {file_name: builtin:filters/spectrum, fkt_name: find_peaks, RB_assign: {RB_1: read, RB_2: write}}
  - Fkt_3: {file_name: builtin:sinks/drain, fkt_name: drain, RB_assign: {RB_2: read}}
`;
const SIX = '1: [chA_height, float32], 2: [chA_position, int32], 3: [chA_integral, float32], 4: [chB_height, float32], 5: [chB_position, int32], 6: [chB_integral, float32]';
const CONFIG = 'simulation_source: {number_of_samples: 500, eventcount: 250}\nfind_peaks: {number_of_samples: 500}\n';

describe("mimoCoRB's setups with built-ins, validated", () => {
  it("accepts demo_setup's layout; the simulator takes eventcount and number_of_samples", async () => {
    const r = await load(demo(SIX), CONFIG);
    expect(errors(r)).toEqual([]);
    expect(r.problems.filter((p) => p.code === 'unknown-param')).toEqual([]);
    expect(r.functions.Fkt_1!.config.eventcount).toBe(250);
  });

  it('refuses number_of_samples unequal to channel_per_slot, naming both and where the value came from', async () => {
    const r = await load(demo(SIX, 400), CONFIG);
    const e = errors(r);
    expect(e).toHaveLength(2);
    expect(e[0]).toMatch(/^6: Fkt_1 \(builtin:sources\/muon\): number_of_samples is 500 \(from config\.yaml \(section simulation_source\)\), but RB_1 has channel_per_slot 400/);
    expect(e[1]).toMatch(/^7: Fkt_2 \(builtin:filters\/spectrum\): number_of_samples is 500 .* RB_1 has channel_per_slot 400/);
  });

  it("names the spectrum filter's missing and extra output fields", async () => {
    const r = await load(demo('1: [chA_height, float32], 2: [chA_position, int32], 3: [chA_integral, float32], 4: [chC_height, float32]'), CONFIG);
    expect(errors(r)).toEqual([
      expect.stringMatching(/^7: Fkt_2: RB_2 does not fit builtin:filters\/spectrum: .*it lacks "chB_height", "chB_position", "chB_integral"; "chC_height" would never be written/),
    ]);
  });

  it('takes fit: false in a histogram hint, and refuses a fit that is not true or false', async () => {
    const hinted = (fit: string) => demo(SIX).replace('channel_per_slot: 1, data_type: {', `channel_per_slot: 1, display: {histogram: {field: chA_height, fit: ${fit}}}, data_type: {`);
    expect(errors(await load(hinted('false'), CONFIG))).toEqual([]);
    expect(errors(await load(hinted('maybe'), CONFIG))).toEqual([expect.stringMatching(/^3: histogram fit must be true or false, not/)]);
  });

  it('save_to_txt writes .txt: two exporters clash only on the same extension', async () => {
    const base = `RingBuffer:
  - RB_1: {number_of_slots: 4, channel_per_slot: 1, data_type: {1: [x, float64]}}
Functions:
  - Fkt_1: {file_name: builtin:sources/sensors, fkt_name: s, RB_assign: {RB_1: write}}
`;
    const sinks = (a: string, b: string) =>
      `${base}  - Fkt_2: {file_name: builtin:sinks/csv, fkt_name: ${a}, RB_assign: {RB_1: read}, config: {filename: out}}\n  - Fkt_3: {file_name: builtin:sinks/csv, fkt_name: ${b}, RB_assign: {RB_1: read}, config: {filename: out}}\n`;
    const fields = (r: Awaited<ReturnType<typeof load>>) => errors(r).filter((e) => !/sensors/.test(e));
    expect(fields(await load(sinks('save_to_txt', 'csv')))).toEqual([]);
    expect(fields(await load(sinks('save_to_txt', 'save_to_txt')))).toEqual([expect.stringMatching(/Fkt_3 and Fkt_2 would both write out\.txt/)]);
  });
});
