// Where the Electron binary would be, checked on disk only: requiring the
// electron package would try to download it, which fails on offline machines.
// And an X display to run it on (Xvfb where there is none), with the sandbox
// off: these machines run tests as root, which Chromium's sandbox refuses.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const electronDir = join(import.meta.dirname, '..', '..', 'node_modules', 'electron');

/** The Electron executable path (RINGSCOPE_ELECTRON_PATH, else the package's), or the reason it cannot be used here. */
export function electronBinary(): { path: string } | { missing: string } {
  const own = process.env.RINGSCOPE_ELECTRON_PATH;
  if (own) return existsSync(own) ? { path: own } : { missing: `RINGSCOPE_ELECTRON_PATH names ${own}, which does not exist` };
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { missing: `no Electron binary on disk (${pathFile} is absent: the binary was never downloaded; it cannot be on machines that reach only the npm registry; RINGSCOPE_ELECTRON_PATH may name one)` };
  }
  const exe = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(exe)) return { missing: `no Electron binary on disk (${exe} is absent)` };
  return { path: exe };
}

let xvfb: ChildProcess | null = null;

/**
 * The environment Electron runs in under tests: ELECTRON_DISABLE_SANDBOX=1 (root here) and a DISPLAY —
 * this one's, or an Xvfb started once for the test file (stopped at exit). Or why there is no display.
 */
export function electronTestEnv(): { env: Record<string, string> } | { missing: string } {
  const base = { ELECTRON_DISABLE_SANDBOX: '1' };
  if (process.env.DISPLAY) return { env: { ...base, DISPLAY: process.env.DISPLAY } };
  if (spawnSync('sh', ['-c', 'command -v Xvfb']).status !== 0) return { missing: 'no X display and no Xvfb to make one (apt-get install -y xvfb)' };
  const display = `:${90 + (process.pid % 500)}`;
  if (!xvfb) {
    xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    process.once('exit', () => xvfb?.kill());
  }
  return { env: { ...base, DISPLAY: display } };
}
