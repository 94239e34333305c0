// Run directories: <output>/<name>_<YYYY-MM-DDTHHMMSS>[-N]/, never overwritten.
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local time as YYYY-MM-DDTHHMMSS. */
export function localStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/** Creates a fresh run directory; a suffix -2, -3 … is added when the second repeats. */
export function createRunDirectory(outputDirectory: string, name: string, when: Date): string {
  mkdirSync(outputDirectory, { recursive: true });
  const base = join(outputDirectory, `${name}_${localStamp(when)}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir); // not recursive: fails if it exists, so two runs never share one
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Copies the setup and its config files into <runDir>/setup/, keeping their paths relative to the setup's folder. */
export function snapshotSetup(runDir: string, setupPath: string, files: string[]): void {
  const root = dirname(resolve(setupPath));
  for (const f of files) {
    const rel = relative(root, f);
    const target = rel.startsWith('..') ? join(runDir, 'setup', basename(f)) : join(runDir, 'setup', rel);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(f, target);
  }
}
