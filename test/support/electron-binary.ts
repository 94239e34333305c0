// Where the Electron binary would be, checked on disk only: requiring the
// electron package would try to download it, which fails on offline machines.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const electronDir = join(import.meta.dirname, '..', '..', 'node_modules', 'electron');

/** The Electron executable path, or the reason it cannot be used here. */
export function electronBinary(): { path: string } | { missing: string } {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { missing: `no Electron binary on disk (${pathFile} is absent: the binary was never downloaded; it cannot be on machines that reach only the npm registry)` };
  }
  const exe = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(exe)) return { missing: `no Electron binary on disk (${exe} is absent)` };
  return { path: exe };
}
