// Free space on the disk a run writes to, sampled once a second: how fast it
// shrinks (whoever writes) and when it will be full, with a warning to show
// when that is less than about five minutes away.
import { statfsSync } from 'node:fs';
import type { DiskStatus } from '../../src-shared/engine/status';

/** Warn when the disk is full in less than this many seconds. */
export const DISK_WARN_S = 300;
/** The rate is taken over this window of samples (seconds). */
const WINDOW_S = 5;

/** Bytes in words: "1.2 GB". */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${n.toFixed(n < 10 && u > 0 ? 1 : 0)} ${units[u]}`;
}

/** What the status says about a disk with `free` bytes shrinking by `rate` bytes/s. */
export function diskStatus(free: number, rate: number): DiskStatus {
  const seconds_left = rate > 0 ? free / rate : null;
  const warning =
    seconds_left !== null && seconds_left < DISK_WARN_S
      ? `the output disk is full in about ${seconds_left < 60 ? `${Math.max(0, Math.round(seconds_left))} s` : `${Math.round(seconds_left / 60)} min`} at this rate (${formatBytes(free)} free, ${formatBytes(rate)}/s)`
      : null;
  return { free, rate, seconds_left, warning };
}

/** Samples the free space of the file system holding `dir`. */
export class DiskWatch {
  private readonly samples: { t: number; free: number }[] = [];

  constructor(private readonly dir: string) {}

  /** A new sample and the status from the last few; null when the file system cannot be asked. */
  sample(): DiskStatus | null {
    let free: number;
    try {
      const s = statfsSync(this.dir);
      free = Number(s.bavail) * Number(s.bsize);
    } catch {
      return null;
    }
    const t = performance.now();
    this.samples.push({ t, free });
    while (this.samples.length > 2 && t - this.samples[0]!.t > WINDOW_S * 1000) this.samples.shift();
    const first = this.samples[0]!;
    const dt = (t - first.t) / 1000;
    return diskStatus(free, dt > 0 ? Math.max(0, (first.free - free) / dt) : 0);
  }
}
