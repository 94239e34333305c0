// Bad input on the Node side (issue 18): config files that are not regular
// files or are alias bombs, user modules that exit or never finish loading,
// and buffers that need more memory than the machine has — each one clear
// error with file, line and key, never a crash or a hang.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSetup } from '../../src-shared/setup/parse';
import { loadSetup } from './load';
import { BUFFER_MEMORY_SHARE, bufferMemoryProblems } from './machine-limits';

const COUNTING = join(import.meta.dirname, '../../examples/counting');

let dir: string;
let timeout: string | undefined;
beforeAll(() => {
  timeout = process.env.RINGSCOPE_MODULE_LOAD_TIMEOUT;
  // Long enough for a module that loads fine on a busy machine (the clock starts when its thread runs), short for the loops below.
  process.env.RINGSCOPE_MODULE_LOAD_TIMEOUT = '4';
});
afterAll(() => {
  if (timeout === undefined) delete process.env.RINGSCOPE_MODULE_LOAD_TIMEOUT;
  else process.env.RINGSCOPE_MODULE_LOAD_TIMEOUT = timeout;
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringscope-guards-'));
  cpSync(COUNTING, dir, { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const setupPath = (): string => join(dir, 'setup.yaml');
const change = (from: string, to: string): string => {
  const text = readFileSync(setupPath(), 'utf8');
  if (!text.includes(from)) throw new Error(`"${from}" not in setup.yaml`);
  const next = text.replace(from, to);
  writeFileSync(setupPath(), next);
  return next;
};
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const errorsOf = async () => (await loadSetup(setupPath())).problems.filter((p) => p.severity === 'error');

const BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]', 'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]', 'g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]'].join('\n');

describe('config files', () => {
  it.each(['Fkt_main', 'Fkt_2'])('an alias bomb as the config_file of %s is one error in that file at the alias, not a ReferenceError', async (who) => {
    writeFileSync(join(dir, 'bomb.yaml'), `${BOMB}\n`);
    if (who === 'Fkt_main') change('Fkt_main: {runtime: 0, runevents: 1000}', 'Fkt_main: {runtime: 0, runevents: 1000, config_file: bomb.yaml}');
    else change('      num_process: 2', '      num_process: 2\n      config_file: bomb.yaml');
    const errors = await errorsOf();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: join(dir, 'bomb.yaml'), line: lineOf(BOMB, 'f: &f'), code: 'yaml-alias-bomb' });
  });

  it('a FIFO as config file is refused at once, at the line naming it', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const text = change('Fkt_main: {runtime: 0, runevents: 1000}', 'Fkt_main: {runtime: 0, runevents: 1000, config_file: pipe.yaml}');
    const errors = await errorsOf();
    expect(errors.map((e) => [e.line, e.path, e.message])).toEqual([[lineOf(text, 'pipe.yaml'), 'Functions[0].Fkt_main.config_file', 'The config file pipe.yaml (Fkt_main) is a named pipe (FIFO), not a file.']]);
  });

  it('reads a config file with CR-only line endings', async () => {
    writeFileSync(join(dir, 'cr.yaml'), 'square_filter:\r  keep_every: 3\r');
    change('Fkt_main: {runtime: 0, runevents: 1000}', 'Fkt_main: {runtime: 0, runevents: 1000, config_file: cr.yaml}');
    const loaded = await loadSetup(setupPath());
    expect(loaded.problems.filter((p) => p.severity !== 'note')).toEqual([]);
    expect(loaded.functions.Fkt_2.config.keep_every).toBe(3);
  });
});

describe('user modules are loaded apart, with a time limit', () => {
  it.each([
    ['process.exit(0);', /^modules\/bad ended the process while loading \(process\.exit\(0\) at its top level\)/],
    ['process.exit(3);', /^modules\/bad ended the process while loading \(process\.exit\(3\)/],
    ['for (;;) {}', /^modules\/bad did not finish loading within 4 s \(an endless loop or a long wait at its top level\?\)/],
    ['await new Promise(() => setInterval(() => {}, 1000));', /^modules\/bad did not finish loading within 4 s/],
    ['throw new TypeError("no device");', /^modules\/bad could not be loaded: TypeError: no device\. Fix the module/],
  ])('%s at the top level is an error at file_name naming the module', async (top, message) => {
    writeFileSync(join(dir, 'modules/bad.mjs'), `console.log('noise');\n${top}\nexport function count_source(io) { return io.source(() => false); }\n`);
    const text = change('file_name: modules/count_source', 'file_name: modules/bad');
    const errors = await errorsOf();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: lineOf(text, 'modules/bad'), path: 'Functions[1].Fkt_1.file_name', code: 'module-load' });
    expect(errors[0].message).toMatch(message);
  });

  it('an fkt_name such as valueOf or constructor means an export of that name, not what every object has', async () => {
    writeFileSync(join(dir, 'modules/odd.mjs'), 'function src(io) { return io.source(() => false); }\nexport { src as valueOf };\n');
    change('file_name: modules/count_source, fkt_name: count_source', 'file_name: modules/odd, fkt_name: valueOf');
    expect(await errorsOf()).toEqual([]);
    const text = change('fkt_name: valueOf', 'fkt_name: constructor');
    const errors = await errorsOf();
    expect(errors.map((e) => [e.line, e.path, e.message])).toEqual([
      [lineOf(text, 'fkt_name: constructor'), 'Functions[1].Fkt_1.fkt_name', 'modules/odd does not export a function named "constructor". It exports: valueOf.'],
    ]);
  });

  it('a module that loads is still checked for its export', async () => {
    const text = change('fkt_name: count_source', 'fkt_name: count_sourse');
    const errors = await errorsOf();
    expect(errors.map((e) => [e.line, e.path, e.message])).toEqual([
      [lineOf(text, 'count_sourse'), 'Functions[1].Fkt_1.fkt_name', 'modules/count_source does not export a function named "count_sourse". Did you mean "count_source"?'],
    ]);
  });
});

describe('buffers against the memory of this computer', () => {
  it('buffers that together need more than the share of memory are an error at the largest, with the numbers', async () => {
    // Each buffer below the 1 GiB limit of one ring buffer (128 slots × 2,000,000 float32 ≈ 977 MiB,
    // RB_3 a little larger), together above half of this machine.
    const count = Math.ceil((totalmem() * BUFFER_MEMORY_SHARE) / (977 * 2 ** 20)) + 1;
    const buffers = Array.from({ length: count }, (_, i) => `  - RB_${i + 2}: {number_of_slots: 100, channel_per_slot: ${i === 1 ? 2_090_000 : 2_000_000}, data_type: {1: [v, float32]}}`).join('\n');
    const text = change('RingBuffer:\n', `RingBuffer:\n${buffers}\n`);
    const errors = await errorsOf();
    const big = errors.filter((e) => e.code === 'over-memory');
    expect(big).toHaveLength(1);
    // RB_3 is float64: the largest.
    expect(big[0]).toMatchObject({ path: 'RingBuffer[1].RB_3', line: lineOf(text, '- RB_3:') });
    expect(big[0].message).toMatch(new RegExp(`^The ring buffers need \\d+ MiB of memory together \\(.*\\); this computer has ${Math.round(totalmem() / 2 ** 20)} MiB, and the buffers may take at most 50% of it\\. Reduce number_of_slots or channel_per_slot, starting with RB_3\\.$`));
  });

  it('says nothing while the buffers fit', () => {
    const { setup, paths } = parseSetup(readFileSync(join(COUNTING, 'setup.yaml'), 'utf8'));
    expect(bufferMemoryProblems(setup, paths.buffers)).toEqual([]);
  });
});
