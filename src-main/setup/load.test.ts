import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerBuiltin, type BuiltinSpec } from '../../src-shared/builtins/catalog';
import { loadSetup, resolveSetup } from './load';
import { SetupFile } from './setup-file';

const SPIN = join(import.meta.dirname, '../../test/fixtures/setups/spin');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringscope-load-'));
  cpSync(SPIN, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const setupPath = (): string => join(dir, 'setup.yaml');
const read = (rel: string): string => readFileSync(join(dir, rel), 'utf8');
const write = (rel: string, text: string): void => writeFileSync(join(dir, rel), text);
/** Replaces `from` (which must occur) in a file of the copied fixture. */
const change = (rel: string, from: string, to: string): void => {
  const text = read(rel);
  if (!text.includes(from)) throw new Error(`"${from}" not in ${rel}`);
  write(rel, text.replace(from, to));
};
const lineOf = (rel: string, needle: string): number => read(rel).split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('loadSetup', () => {
  it("loads a mimoCoRB-style setup: config files with anchors, aliases and merge keys, JS and TS modules", async () => {
    const loaded = await loadSetup(setupPath());
    expect(loaded.problems.filter((p) => p.severity !== 'note')).toEqual([]);
    expect(loaded.ok).toBe(true);
    // Fkt_main sets no limits, so general: of the common config does.
    expect([loaded.runtime, loaded.runevents]).toEqual([600, 100000]);
    expect(loaded.outputDirectory).toBe(join(dir, 'target'));
    expect(loaded.configFiles).toEqual(['config/spin_config.yaml', 'config/save_top.yaml', 'config/save_bottom.yaml'].map((f) => join(dir, f)));

    const f = loaded.functions;
    expect(f.Fkt_1.config).toEqual({ sample_time_ns: 4, number_of_samples: 4250, pre_trigger_samples: 500, analogue_offset: -0.48, eventcount: 100000, sleeptime: 0.003, random: true });
    expect(f.Fkt_1.origin.eventcount).toBe('config/spin_config.yaml (section simulation_source)');
    expect(f.Fkt_2.config).toMatchObject({ sample_time_ns: 4, number_of_samples: 4250, analogue_offset: -0.48, pre_trigger_samples: 500, trigger_channel: 'A', chA_scaling: 1 });
    expect((f.Fkt_2.config.signatures as unknown[][])[1][1]).toEqual(['-', '-', '+', '0']);
    // FunctionConfigs gives filename: spin; each exporter's own config file wins.
    expect(f.Fkt_3.config).toMatchObject({ filename: 'spin_up', header_alias: { counter: 'event id' } });
    expect(f.Fkt_3.origin.filename).toBe('config/save_top.yaml');
    expect(f.Fkt_4.config.filename).toBe('spin_down');
    expect(f.Fkt_5.config).toMatchObject({ title: 'Muon waveform', min_sleeptime: 0.5, sample_time_ns: 4 });

    expect(f.Fkt_1.module).toBe(join(dir, 'modules/simulation_source.mjs'));
    expect(f.Fkt_2.module).toBe(join(dir, 'modules/lifetime_filter.ts'));
    expect(f.Fkt_3.moduleUrl).toMatch(/^file:\/\/.*\/modules\/exporters\.js$/);
    expect(f.Fkt_3.configFile).toBe(join(dir, 'config/save_top.yaml'));
  });

  it('reports a setup file that does not exist', async () => {
    const loaded = await loadSetup(join(dir, 'nope.yaml'));
    expect(loaded.ok).toBe(false);
    expect(loaded.problems).toEqual([expect.objectContaining({ severity: 'error', line: 1, column: 1, message: expect.stringContaining('does not exist') })]);
  });

  it('reports a missing config file at the line naming it', async () => {
    change('setup.yaml', 'config/save_top.yaml', 'config/save_up.yaml');
    const loaded = await loadSetup(setupPath());
    expect(loaded.ok).toBe(false);
    expect(loaded.problems.filter((p) => p.severity !== 'note')).toEqual([
      expect.objectContaining({
        severity: 'error',
        file: setupPath(),
        line: lineOf('setup.yaml', 'config/save_up.yaml'),
        column: 20,
        path: 'Functions[3].Fkt_3.config_file',
        message: expect.stringContaining('The config file config/save_up.yaml (Fkt_3) does not exist'),
      }),
    ]);
  });

  it('reports a missing config file at every place that names it', async () => {
    change('setup.yaml', 'config/save_top.yaml', 'config/save.yaml');
    change('setup.yaml', 'config/save_bottom.yaml', 'config/save.yaml');
    const loaded = await loadSetup(setupPath());
    expect(loaded.problems.filter((p) => p.code === 'no-config-file').map((p) => p.path)).toEqual(['Functions[3].Fkt_3.config_file', 'Functions[4].Fkt_4.config_file']);
  });

  it('warns about keys written twice anywhere in a config file', async () => {
    change('config/spin_config.yaml', '  chB_scaling: 1.00', '  chB_scaling: 1.00\n  chA_scaling: 1.10');
    const loaded = await loadSetup(setupPath());
    expect(loaded.problems.find((p) => p.code === 'duplicate-key')).toMatchObject({
      severity: 'warning',
      file: join(dir, 'config/spin_config.yaml'),
      path: 'calculate_decay_time.chA_scaling',
      line: lineOf('config/spin_config.yaml', 'chA_scaling: 1.00'),
    });
    expect(loaded.functions.Fkt_2.config.chA_scaling).toBe(1.1);
  });

  it('reports YAML errors inside a config file with that file, line and column', async () => {
    change('config/save_bottom.yaml', 'filename: "spin_down"', 'filename: "spin_down');
    const loaded = await loadSetup(setupPath());
    const p = loaded.problems.find((x) => x.file.endsWith('save_bottom.yaml'));
    expect(p).toMatchObject({ severity: 'error', message: expect.stringContaining('YAML syntax') });
    expect(p!.file).toBe(join(dir, 'config/save_bottom.yaml'));
    expect(p!.line).toBeGreaterThanOrEqual(2);
  });

  it('reports a config file that is not a mapping, and an empty one', async () => {
    write('config/save_top.yaml', '- a\n- b\n');
    write('config/save_bottom.yaml', '# nothing\n');
    const loaded = await loadSetup(setupPath());
    expect(loaded.problems.map((p) => [p.severity, p.file.split('/').pop(), p.code])).toEqual([
      ['note', 'setup.yaml', 'mimocorb-gui-key'],
      ['note', 'setup.yaml', 'mimocorb-gui-key'],
      ['note', 'setup.yaml', 'only-observed'],
      ['error', 'save_top.yaml', 'bad-type'],
      ['warning', 'save_bottom.yaml', 'empty-config'],
    ]);
  });

  it('reports a missing module, and a Python module of that name by Python\'s parser (file:line), without running it', async () => {
    change('setup.yaml', 'modules/plot_waveform', 'modules/plot_wave');
    write('modules/lifetime_filter.py', 'import os\nos._exit(3)\ndef calculate_decay_time(:\n  pass\n');
    rmSync(join(dir, 'modules/lifetime_filter.ts'));
    const loaded = await loadSetup(setupPath());
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.file.split('/').pop(), p.code, p.line])).toEqual([
      ['setup.yaml', 'no-module', lineOf('setup.yaml', 'modules/plot_wave')],
      ['lifetime_filter.py', 'module-load', 3],
    ]);
    expect(errors[1].message).toContain('SyntaxError');
  });

  it('reports a module that does not export fkt_name, with a did-you-mean and what it exports', async () => {
    change('setup.yaml', 'fkt_name: "simulation_source"', 'fkt_name: "simulation_sourse"');
    change('setup.yaml', 'fkt_name: "calculate_decay_time"', 'fkt_name: "not_a_function"');
    const loaded = await loadSetup(setupPath());
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    expect(errors).toEqual([
      expect.objectContaining({ path: 'Functions[1].Fkt_1.fkt_name', line: lineOf('setup.yaml', 'simulation_sourse'), suggestion: 'simulation_source', message: expect.stringContaining('Did you mean "simulation_source"?') }),
      expect.objectContaining({ path: 'Functions[2].Fkt_2.fkt_name', message: expect.stringContaining('exports "not_a_function", but it is a number, not a function') }),
    ]);
  });

  it('reports a module that fails to load', async () => {
    write('modules/exporters.js', 'export function save_to_txt( {\n');
    const loaded = await loadSetup(setupPath());
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    expect(errors.length).toBe(2); // Fkt_3 and Fkt_4 share the module
    expect(errors[0].message).toMatch(/^modules\/exporters could not be loaded: \w*Error: .*[^.]\. Fix the module/);
  });

  it('skips importing modules when asked to', async () => {
    change('setup.yaml', 'fkt_name: "simulation_source"', 'fkt_name: "whatever"');
    const loaded = await loadSetup(setupPath(), { checkModules: false });
    expect(loaded.ok).toBe(true);
    expect(loaded.functions.Fkt_1.module).toBe(join(dir, 'modules/simulation_source.mjs'));
  });

  it('checks the general: section and notes when Fkt_main overrides it', async () => {
    change('setup.yaml', '      config_file: "config/spin_config.yaml"', '      config_file: "config/spin_config.yaml"\n      runtime: 60');
    let loaded = await loadSetup(setupPath());
    expect(loaded.runtime).toBe(60);
    expect(loaded.problems.find((p) => p.code === 'limit-override')).toMatchObject({
      severity: 'note',
      path: 'Functions[0].Fkt_main.runtime',
      message: 'runtime is 60 here and 600 in general: of config/spin_config.yaml; RingScope uses 60 from Fkt_main (mimoCoRB would use 600).',
    });
    change('config/spin_config.yaml', 'runtime: 600', 'runtime: soon');
    loaded = await loadSetup(setupPath());
    expect(loaded.problems.find((p) => p.path === 'general.runtime')).toMatchObject({ severity: 'error', line: 3, file: join(dir, 'config/spin_config.yaml') });
  });

  it("checks a built-in's parameters in the common config and in its own config file", async () => {
    const catalog: Record<string, BuiltinSpec> = {};
    registerBuiltin({ id: 'sinks/table', kind: 'sink', summary: '', params: [{ name: 'filename', type: 'string', default: 'x', help: '' }, { name: 'header_alias', type: 'string', default: '', help: '' }] }, catalog);
    change('setup.yaml', '      file_name: "modules/exporters"\n      fkt_name: "save_to_txt"\n      config_file: "config/save_top.yaml"', '      file_name: "builtin:sinks/table"\n      fkt_name: "save_to_txt"\n      config_file: "config/save_top.yaml"');
    change('config/spin_config.yaml', 'plot_waveform:', 'save_to_txt:\n  filename: 12\n  delimiter: ","\n\nplot_waveform:');
    const loaded = await loadSetup(setupPath(), { builtins: catalog });
    const inConfigs = loaded.problems.filter((p) => p.file.includes('/config/'));
    expect(inConfigs.map((p) => [p.file.split('/').pop(), p.severity, p.path, p.line])).toEqual([
      ['spin_config.yaml', 'error', 'save_to_txt.filename', lineOf('config/spin_config.yaml', 'filename: 12')],
      ['spin_config.yaml', 'warning', 'save_to_txt.delimiter', lineOf('config/spin_config.yaml', 'delimiter')],
      ['save_top.yaml', 'error', 'header_alias', 3],
    ]);
    expect(loaded.functions.Fkt_3.config.filename).toBe('spin_up');
    expect(loaded.functions.Fkt_3.origin.filename).toBe('config/save_top.yaml');
  });

  it('checks unsaved edits of a SetupFile', async () => {
    const file = await SetupFile.open(setupPath());
    file.set('Functions[4].Fkt_4.fkt_name', 'save_to_text');
    const loaded = await resolveSetup(file);
    expect(loaded.problems.find((p) => p.severity === 'error')).toMatchObject({ path: 'Functions[4].Fkt_4.fkt_name', suggestion: 'save_to_txt' });
    expect(read('setup.yaml')).toContain('fkt_name: "save_to_txt"');
  });
});
