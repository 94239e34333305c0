// Reading setup and config files never hangs and never reads what is not a file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileNameProblem } from '../../src-shared/builtins/catalog';
import { readTextFile, SetupReadError } from './read-file';

const dir = mkdtempSync(join(tmpdir(), 'rs-read-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as SetupReadError);

describe('readTextFile', () => {
  it('reads a regular file, also through a symlink', async () => {
    writeFileSync(join(dir, 'a.yaml'), 'x: 1\n');
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'link.yaml'));
    expect(await readTextFile(join(dir, 'a.yaml'))).toBe('x: 1\n');
    expect(await readTextFile(join(dir, 'link.yaml'))).toBe('x: 1\n');
  });

  it('refuses a FIFO at once, with no writer on the other end', async () => {
    const fifo = join(dir, 'pipe.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const e = await failure(readTextFile(fifo));
    expect(e).toBeInstanceOf(SetupReadError);
    expect(e).toMatchObject({ code: 'ENOTREG', message: 'is a named pipe (FIFO), not a file' });
  });

  it('refuses devices, folders, missing files and files too large to be setups', async () => {
    expect(await failure(readTextFile('/dev/zero'))).toMatchObject({ code: 'ENOTREG', message: 'is a device, not a file' });
    expect(await failure(readTextFile(dir))).toMatchObject({ code: 'EISDIR' });
    expect(await failure(readTextFile(join(dir, 'none.yaml')))).toMatchObject({ code: 'ENOENT' });
    writeFileSync(join(dir, 'big.yaml'), 'x'.repeat(2048));
    expect(await failure(readTextFile(join(dir, 'big.yaml'), 1024))).toMatchObject({ code: 'EFBIG' });
  });
});

describe("a sink's filename", () => {
  it('is a file name in the run directory: no folders, not . or ..', () => {
    for (const ok of ['', 'decays', 'run 1.v2', '..x']) expect(fileNameProblem(ok), ok).toBeNull();
    for (const bad of ['../x', '../../../tmp/x', 'a/b', 'a\\b', '/etc/x', '..', '.']) expect(fileNameProblem(bad), bad).toMatch(/file name in the run directory/);
  });
});
