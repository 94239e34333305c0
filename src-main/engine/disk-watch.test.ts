import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiskWatch, diskStatus, formatBytes } from './disk-watch';

describe('free space on the output disk', () => {
  it('warns when the disk is full in less than five minutes at the current rate, naming both', () => {
    expect(diskStatus(50e6, 1e6)).toMatchObject({ seconds_left: 50, warning: 'the output disk is full in about 50 s at this rate (50 MB free, 1.0 MB/s)' });
    expect(diskStatus(240e6, 1e6).warning).toBe('the output disk is full in about 4 min at this rate (240 MB free, 1.0 MB/s)');
    expect(diskStatus(400e6, 1e6)).toMatchObject({ seconds_left: 400, warning: null });
    expect(diskStatus(1e3, 0)).toMatchObject({ seconds_left: null, warning: null });
  });

  it('formats bytes', () => {
    expect([formatBytes(999), formatBytes(1500), formatBytes(2.5e9)]).toEqual(['999 B', '1.5 kB', '2.5 GB']);
  });

  it('samples a real file system', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringscope-disk-'));
    try {
      const s = new DiskWatch(dir).sample()!;
      expect(s.free).toBeGreaterThan(0);
      expect(new DiskWatch(join(dir, 'gone')).sample()).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
