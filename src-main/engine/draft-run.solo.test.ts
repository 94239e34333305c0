// A run of an unsaved draft keeps the text that ran (issue 18: a never-saved
// draft failed with "ENOENT … copyfile"), and a run that cannot set up its
// run directory leaves nothing behind. The real engine, worker threads.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from './load';

const tmp = mkdtempSync(join(tmpdir(), 'ringscope-draft-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const counting = join(import.meta.dirname, '../../examples/counting');

describe('runs of drafts', () => {
  it('a never-saved draft runs, and its run directory keeps the draft text as the setup', async () => {
    const dir = join(tmp, 'draft');
    cpSync(counting, dir, { recursive: true });
    const text = readFileSync(join(dir, 'setup.yaml'), 'utf8').replace('keep_every: 1', 'keep_every: 2');
    const path = join(dir, 'new-setup.yaml');
    const { engine, problems } = await loadEngine(path, text);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    await engine!.start({ runevents: 10, outputDirectory: join(dir, 'out') });
    const summary = await engine!.waitForEnd();
    await engine!.close();
    expect(summary.end_reason).toBe('runevents');
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(join(summary.run_directory, 'setup', 'new-setup.yaml'), 'utf8')).toBe(text);
  });

  it('a run whose setup copy fails leaves no run directory and no output folder behind', async () => {
    const dir = join(tmp, 'vanished');
    cpSync(counting, dir, { recursive: true });
    writeFileSync(join(dir, 'common.yaml'), 'square_filter: {keep_every: 1}\n');
    const path = join(dir, 'setup.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('Fkt_main: {runtime: 0, runevents: 1000}', 'Fkt_main: {runtime: 0, runevents: 1000, config_file: common.yaml}'));
    const { engine } = await loadEngine(path);
    rmSync(join(dir, 'common.yaml'));
    const out = join(dir, 'out');
    await expect(engine!.start({ runevents: 10, outputDirectory: out })).rejects.toThrow(/^cannot create the run directory in .*out: its folder does not exist \(removed\?\) \(ENOENT\)/);
    expect(existsSync(out)).toBe(false);
    expect(engine!.state).toBe('idle');
    await engine!.close();
    expect(readdirSync(dir).sort()).toEqual(['modules', 'setup.yaml']);
  });
});
