import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFileIndex } from './run-files';

const tmp = mkdtempSync(join(tmpdir(), 'rs-run-files-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function runDir(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(join(dir, 'waves.parquet'), { recursive: true });
  mkdirSync(join(dir, 'setup'), { recursive: true });
  writeFileSync(join(dir, 'run.log'), 'x'.repeat(100));
  writeFileSync(join(dir, 'waves.parquet', 'part-0001.parquet'), 'p'.repeat(1000));
  writeFileSync(join(dir, 'setup', 'setup.yaml'), 'title: t\n');
  return dir;
}

describe('RunFileIndex', () => {
  it('lists every file of a run with its size, the total and download addresses that name the run', async () => {
    const dir = runDir('a');
    const idx = new RunFileIndex(true);
    const files = await idx.list(dir, false);
    expect(files.files.map((f) => [f.path, f.size])).toEqual([
      ['run.log', 100],
      ['setup/setup.yaml', 9],
      ['waves.parquet/part-0001.parquet', 1000],
    ]);
    expect(files.total).toBe(1109);
    expect(files.files[2].url).toBe('run-files/0/waves.parquet/part-0001.parquet');
    // Without addresses (the desktop window) the paths alone.
    expect((await new RunFileIndex(false).list(dir, false)).files.every((f) => f.url === undefined)).toBe(true);
  });

  it('measures how fast a writing run grows from listings a few seconds apart (clock injected)', async () => {
    const dir = runDir('b');
    let now = 1_000_000;
    const idx = new RunFileIndex(true, () => now);
    expect((await idx.list(dir, true)).growth).toBeNull();
    writeFileSync(join(dir, 'waves.parquet', 'part-0002.parquet'), 'q'.repeat(4000));
    now += 2000;
    expect((await idx.list(dir, true)).growth).toBe(2000);
    // After the end no growth is claimed.
    now += 2000;
    expect((await idx.list(dir, false)).growth).toBeNull();
  });

  it('resolves only files inside the runs it noted: no climbing out, no symlinks out, no unknown runs, no folders', async () => {
    const dir = runDir('c');
    writeFileSync(join(tmp, 'secret.txt'), 'secret');
    symlinkSync(join(tmp, 'secret.txt'), join(dir, 'link.txt'));
    const idx = new RunFileIndex(true);
    const n = idx.note(dir);
    expect(await idx.resolve(n, 'run.log')).toBe(join(dir, 'run.log'));
    expect(await idx.resolve(n, 'waves.parquet/part-0001.parquet')).toBe(join(dir, 'waves.parquet', 'part-0001.parquet'));
    for (const bad of ['../secret.txt', 'setup/../../secret.txt', 'link.txt', 'waves.parquet', '', 'nothing.csv', 'setup//setup.yaml', '..\\secret.txt']) {
      expect(await idx.resolve(n, bad), bad).toBeNull();
    }
    expect(await idx.resolve(n + 1, 'run.log')).toBeNull();
  });
});
