// The bad-input corpus (issue 18): mutations of every example (ours, found by
// listing examples/, and mimoCoRB's, as shipped and ported to built-ins) plus
// the hand-made cases from the issue. Each case is a folder (a copy of its
// example) with a setup file; e2e/bad-input.solo.test.ts runs `validate` and
// `run` on each in child processes.
import { closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deleteText, editText } from '../../../src-shared/setup/edit';
import { parseSetup } from '../../../src-shared/setup/parse';
import { ALIAS_BOMB, mkfifo, mutations, spread } from './mutations';

/** What a case must do. */
export type Expect =
  /** validate exits 1 with errors naming file and line; run exits 1 and creates nothing. */
  | 'invalid'
  /** validate accepts it; run ends with exit 1 and names the failing function. */
  | 'run-error'
  /** validate accepts it; run ends cleanly (exit 0) with no error reported. */
  | 'good';

export interface Case {
  id: string;
  /** The folder copied as the case's folder (null: an empty folder). */
  from: string | null;
  /** The setup text written as setup.yaml into the case's folder (undefined: keep the copied one). */
  text?: string;
  /** Extra files (FIFOs, bombs, modules) in the case's folder. */
  prepare?: (dir: string) => void;
  /** The setup path given to the CLI (default: the case's setup.yaml). */
  setup?: (dir: string) => string;
  expect: Expect;
}

/**
 * Cases where this tree still falls short, each waiting for the issue that owns the fix:
 * they run like all others, and are asserted to fail until then (so the fix shows up as a
 * failing "known" entry to delete from here).
 */
export const EXPECTED_TO_BE_FIXED: Record<string, string> = {
};

const ROOT = join(import.meta.dirname, '../../..');
const EXAMPLES = join(ROOT, 'examples');
/** mimoCoRB 1.0.2's own files, copied unchanged (BSD-2): test/fixtures/mimocorb-upstream/README.md. */
export const UPSTREAM = join(ROOT, 'test/fixtures/mimocorb-upstream/examples');

/** Mutations kept per example (each kind once before any twice; the kinds rotate per example). */
const PER_EXAMPLE = 20;

/** Every setup under examples/ (new examples are fuzzed without listing them). */
export function exampleSetups(): Array<{ name: string; dir: string; file: string }> {
  const out: Array<{ name: string; dir: string; file: string }> = [];
  for (const d of readdirSync(EXAMPLES, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(EXAMPLES, d.name))) {
      if (/\.ya?ml$/.test(f)) out.push({ name: `${d.name}/${f}`, dir: join(EXAMPLES, d.name), file: f });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** mimoCoRB's lifetime setup with its Python modules replaced by RingScope's built-ins (plots dropped). */
export function portedLifetime(text: string): string {
  let t = text;
  const { setup, paths } = parseSetup(t);
  const byModule: Record<string, string> = {
    'modules/simul_source': 'builtin:sources/muon',
    'modules/lifetime_filter': 'builtin:filters/lifetime',
  };
  const sinks: Record<string, string> = { save_to_txt: 'builtin:sinks/csv', save_parquet: 'builtin:sinks/parquet', plot_histograms: 'builtin:sinks/csv' };
  // From the end, so the list indices of earlier entries stay put.
  for (const f of [...setup.functions].reverse()) {
    const P = paths.functions[f.name]!;
    const to = byModule[f.file_name] ?? sinks[f.fkt_name];
    if (to) t = editText(t, [...P, 'file_name'], to);
    else t = deleteText(t, P.slice(0, 2));
  }
  return t;
}

const sparse = (path: string, bytes: number): void => {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
};

/** Replaces `from` (which must occur) in `text`. */
function change(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`"${from}" not in the setup`);
  return text.replace(from, to);
}

function handMade(): Case[] {
  const counting = join(EXAMPLES, 'counting');
  const muon = join(EXAMPLES, 'muon');
  const base = readFileSync(join(counting, 'setup.yaml'), 'utf8');
  const muonText = readFileSync(join(muon, 'setup.yaml'), 'utf8');
  const withMain = (extra: string) => change(base, 'Fkt_main: {runtime: 0, runevents: 1000}', `Fkt_main: {runtime: 0, runevents: 1000, ${extra}}`);
  const filter = (body: string) => (dir: string) => writeFileSync(join(dir, 'modules/square_filter.mjs'), `export function square_filter(io) {\n  return io.filter((input) => ${body});\n}\n`);
  const cases: Case[] = [
    { id: 'hand: the setup is a FIFO', from: counting, prepare: (d) => mkfifo(join(d, 'fifo.yaml')), setup: (d) => join(d, 'fifo.yaml'), expect: 'invalid' },
    { id: 'hand: the setup is /dev/zero', from: counting, setup: () => '/dev/zero', expect: 'invalid' },
    { id: 'hand: the setup is a folder', from: counting, setup: (d) => d, expect: 'invalid' },
    { id: 'hand: the setup is empty', from: counting, text: '', expect: 'invalid' },
    { id: 'hand: the setup is binary', from: counting, prepare: (d) => writeFileSync(join(d, 'setup.yaml'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), expect: 'invalid' },
    { id: 'hand: the setup is 50 MB', from: counting, prepare: (d) => sparse(join(d, 'setup.yaml'), 50 << 20), expect: 'invalid' },
    { id: 'hand: the setup does not exist', from: counting, setup: (d) => join(d, 'no-such-setup.yaml'), expect: 'invalid' },
    { id: 'hand: an alias bomb in the setup', from: counting, text: `${base}  lol:\n${ALIAS_BOMB.replace(/^(?=.)/gm, '    ')}`, expect: 'invalid' },
    { id: 'hand: an alias bomb as Fkt_main config_file', from: counting, text: withMain('config_file: bomb.yaml'), prepare: (d) => writeFileSync(join(d, 'bomb.yaml'), ALIAS_BOMB), expect: 'invalid' },
    { id: 'hand: a FIFO as Fkt_main config_file', from: counting, text: withMain('config_file: fifo.yaml'), prepare: (d) => mkfifo(join(d, 'fifo.yaml')), expect: 'invalid' },
    { id: 'hand: /dev/zero as Fkt_main config_file', from: counting, text: withMain('config_file: /dev/zero'), expect: 'invalid' },
    { id: 'hand: a 50 MB Fkt_main config_file', from: counting, text: withMain('config_file: big.yaml'), prepare: (d) => sparse(join(d, 'big.yaml'), 50 << 20), expect: 'invalid' },
    { id: 'hand: num_process 1000000', from: counting, text: change(base, 'num_process: 2', 'num_process: 1000000'), expect: 'invalid' },
    { id: 'hand: a module that calls process.exit(0) at load', from: counting, prepare: (d) => writeFileSync(join(d, 'modules/count_source.mjs'), 'process.exit(0);\nexport function count_source(io) { return io.source(() => false); }\n'), expect: 'invalid' },
    { id: 'hand: a module that loops at load', from: counting, prepare: (d) => writeFileSync(join(d, 'modules/sum_sink.mjs'), 'while (true) {}\nexport function sum_sink(io) { return io.sink(() => {}); }\n'), expect: 'invalid' },
    ...['constructor', 'toString', 'valueOf', '__proto__'].map(
      (name): Case => ({ id: `hand: a field named ${name}, exported to CSV`, from: counting, text: change(base.replace('Fkt_3: {file_name: modules/sum_sink, fkt_name: sum_sink', 'Fkt_3: {file_name: builtin:sinks/csv'), '2: [square, float64]', `2: ["${name}", float64]`), expect: 'invalid' }),
    ),
    { id: 'hand: pulse parameters into a buffer of other fields', from: muon, text: change(muonText, '1: [decay_time, int32]', '1: [pulse_height, int32]'), expect: 'invalid' },
    { id: 'hand: the muon source into int16 waveforms', from: muon, text: change(muonText, '1: [chA, float32]', '1: [chA, int16]'), expect: 'invalid' },
    { id: "hand: mimoCoRB's lifetime example with int16 waveforms", from: UPSTREAM, text: change(portedLifetime(readFileSync(join(UPSTREAM, 'lifetime_setup.yaml'), 'utf8')), `1: ['chA', "float32"]`, `1: ['chA', "int16"]`), expect: 'invalid' },
    { id: 'hand: a CSV file name of 300 characters', from: counting, text: change(base, 'Fkt_3: {file_name: modules/sum_sink, fkt_name: sum_sink,', `Fkt_3: {file_name: builtin:sinks/csv, config: {filename: ${'x'.repeat(300)}},`), expect: 'invalid' },
    { id: 'hand: a sensors buffer with a pressure field', from: join(EXAMPLES, 'sensors'), text: change(readFileSync(join(EXAMPLES, 'sensors/setup.yaml'), 'utf8'), '[battery, float64]', '[pressure, float64]'), expect: 'invalid' },
    { id: 'hand: CR-only line endings', from: counting, text: base.replace(/\n/g, '\r'), expect: 'good' },
    { id: 'hand: CRLF line endings', from: counting, text: base.replace(/\n/g, '\r\n'), expect: 'good' },
    { id: 'hand: a user filter that throws at the first event', from: counting, prepare: filter('{ throw new Error("calibration missing"); }'), expect: 'run-error' },
    { id: 'hand: a user filter returns a field its output buffer lacks', from: counting, prepare: filter('[{ value: 1, square: 1, cube: 1 }]'), expect: 'run-error' },
    { id: 'hand: a user filter leaves out a field of its output buffer', from: counting, prepare: filter('[{ value: input.fields.value[0] }]'), expect: 'run-error' },
    // At end of stream, so the run has always reached its events first (an earlier throw races the source's last events).
    { id: 'hand: a user sink that fails to close its file', from: counting, prepare: (d) => writeFileSync(join(d, 'modules/sum_sink.mjs'), 'export function sum_sink(io) { return io.sink((ev) => { if (ev === null) throw new Error("disk full while closing"); }); }\n'), expect: 'run-error' },
    {
      // Two CSV sinks named alike: the second would find its file taken (exports are created exclusively).
      id: 'hand: two CSV sinks write the same file',
      from: counting,
      text: change(
        base,
        '  - Fkt_3: {file_name: modules/sum_sink, fkt_name: sum_sink, num_process: 1, RB_assign: {RB_2: read}}',
        '  - Fkt_3: {file_name: builtin:sinks/csv, RB_assign: {RB_2: read}, config: {filename: same}}\n  - Fkt_4: {file_name: builtin:sinks/csv, RB_assign: {RB_2: read}, config: {filename: same}}',
      ),
      expect: 'invalid',
    },
    { id: 'hand: a serial port that does not exist', from: join(EXAMPLES, 'serial'), text: change(readFileSync(join(EXAMPLES, 'serial/setup.yaml'), 'utf8'), 'port: /dev/ttyACM0', 'port: /dev/ttyNOPE9'), expect: 'run-error' },
  ];
  return cases;
}

/** The whole corpus: mutations of every example, then the hand-made cases. */
export function corpus(): Case[] {
  const sources: Array<{ name: string; dir: string; text: string }> = exampleSetups().map((e) => ({ name: e.name, dir: e.dir, text: readFileSync(join(e.dir, e.file), 'utf8') }));
  if (existsSync(UPSTREAM)) {
    for (const f of ['demo_setup.yaml', 'lifetime_setup.yaml']) sources.push({ name: `mimoCoRB ${f}`, dir: UPSTREAM, text: readFileSync(join(UPSTREAM, f), 'utf8') });
    sources.push({ name: 'mimoCoRB lifetime_setup.yaml ported to built-ins', dir: UPSTREAM, text: portedLifetime(readFileSync(join(UPSTREAM, 'lifetime_setup.yaml'), 'utf8')) });
  }
  const cases: Case[] = [];
  sources.forEach((s, i) => {
    for (const m of spread(mutations(s.text), PER_EXAMPLE, i * 5)) {
      cases.push({ id: `${s.name}: ${m.name}`, from: s.dir, text: m.text, ...(m.prepare ? { prepare: m.prepare } : {}), expect: 'invalid' });
    }
  });
  return [...cases, ...handMade()];
}
