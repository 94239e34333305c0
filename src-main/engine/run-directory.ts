// Run directories: <output>/<name>_<YYYY-MM-DDTHHMMSS>[-N]/, never overwritten.
import { copyFileSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Copies the setup and its config files into <runDir>/setup/, keeping their paths relative to the
 * setup's folder; with `setupText`, that is written as the setup file (what was validated and runs,
 * also for an unsaved draft).
 */
export function snapshotSetup(runDir: string, setupPath: string, files: string[], setupText?: string): void {
  const root = dirname(resolve(setupPath));
  for (const f of files) {
    const rel = relative(root, f);
    const target = rel.startsWith('..') ? join(runDir, 'setup', basename(f)) : join(runDir, 'setup', rel);
    mkdirSync(dirname(target), { recursive: true });
    if (setupText !== undefined && resolve(f) === resolve(setupPath)) writeFileSync(target, setupText);
    else copyFileSync(f, target);
  }
}

/** Removes a run directory that could not be set up, and its output folder when the run created it and it is empty. */
export function discardRunDirectory(dir: string | null, outputDirectory: string, outputExisted: boolean): void {
  try {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!outputExisted && readdirSync(outputDirectory).length === 0) rmdirSync(outputDirectory);
  } catch {
    // nothing there to remove
  }
}
