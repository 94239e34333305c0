// A small tmpfs for tests of a full or read-only disk. Mounting needs root (CI runs as root);
// elsewhere the test is skipped with the reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Makes the mounted file system read-only (mount -o remount,ro). */
  readOnly(): void;
  unmount(): void;
}

function mount(args: string[]): string | null {
  const r = spawnSync('mount', args, { encoding: 'utf8' });
  if (r.error) return r.error.message;
  return r.status === 0 ? null : (r.stderr.trim() || `mount exited with ${r.status}`);
}

/** Mounts a tmpfs of `size` (e.g. '5m'); returns it, or why it cannot (not root, mounting not permitted). */
export function mountTmpfs(size: string): Tmpfs | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(join(tmpdir(), 'ringscope-tmpfs-'));
  const problem = mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  if (problem) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mounting a tmpfs is not permitted here: ${problem}` };
  }
  return {
    dir,
    readOnly() {
      const p = mount(['-o', 'remount,ro', dir]);
      if (p) throw new Error(`cannot remount ${dir} read-only: ${p}`);
    },
    unmount() {
      mount(['-o', 'remount,rw', dir]);
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
