// The computer's own sensors (cpu, memory, battery) and the tick scheduler of
// the sensors source. The scheduler keeps ticks on a fixed grid from the start
// (no drift from the time readings take) and counts ticks it had to skip when
// a reading ran late, instead of failing as the Python original did on a
// negative sleep. Its clock is injected, so tests drive it with a fake one.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';

/** Time for the scheduler: a monotonic now (ms) and a sleep that returns false once the run stops. */
export interface Clock {
  now(): number;
  sleep(ms: number): boolean;
}

/** Longest single sleep, so a changed dt is noticed promptly. */
const SLICE_MS = 200;

/** Ticks every dt on a grid anchored at the start; dt may change between ticks. */
export class TickScheduler {
  /** Ticks skipped because a reading (or anything else inside the source) ran late. */
  missed = 0;
  /** Ticks delivered. */
  ticks = 0;
  private anchor: number;
  private k = 0;
  private dtMs: number;
  private pendingDt: number | null = null;

  constructor(
    private readonly clock: Clock,
    dtSeconds: number,
  ) {
    this.dtMs = checkDt(dtSeconds) * 1000;
    this.anchor = clock.now();
  }

  /** Seconds between ticks (the pending value once set). */
  get dt(): number {
    return (this.pendingDt ?? this.dtMs) / 1000;
  }

  /** Changes the period; takes effect from the last tick (also during a sleep). Throws on a bad value. */
  setDt(seconds: number): void {
    this.pendingDt = checkDt(seconds) * 1000;
  }

  /** The time (clock ms) of the last tick, or of the start. */
  get lastTick(): number {
    return this.anchor + this.k * this.dtMs;
  }

  /**
   * Restarts the grid so that the next tick is due now: for time spent outside
   * the source (paused, or waiting for a free slot), which is not a missed reading.
   */
  restart(): void {
    this.applyDt();
    this.anchor = this.clock.now() - this.dtMs;
    this.k = 0;
  }

  /** Sleeps until the next tick; false when the clock reports the run stopped. */
  next(): boolean {
    for (;;) {
      this.applyDt();
      const now = this.clock.now();
      let j = this.k + 1;
      // Late by half a period or more: that tick, and any after it that also passed, is missed.
      if (now - (this.anchor + j * this.dtMs) >= this.dtMs / 2) {
        const skipTo = Math.floor((now - this.anchor - this.dtMs / 2) / this.dtMs) + 1;
        this.missed += skipTo - j;
        j = skipTo;
        this.k = j - 1;
      }
      const wait = this.anchor + j * this.dtMs - now;
      if (wait <= 0) {
        this.k = j;
        this.ticks++;
        return true;
      }
      // Sleep in slices and look again: dt may change meanwhile.
      if (!this.clock.sleep(Math.min(wait, SLICE_MS))) return false;
    }
  }

  private applyDt(): void {
    if (this.pendingDt === null) return;
    // The new grid starts at the last tick; if its first tick has already passed, it starts now.
    const last = this.lastTick;
    const now = this.clock.now();
    this.dtMs = this.pendingDt;
    this.pendingDt = null;
    this.anchor = last + this.dtMs >= now ? last : now - this.dtMs;
    this.k = 0;
  }
}

function checkDt(seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) throw new Error(`dt must be a positive number of seconds, not ${String(seconds)}`);
  return seconds;
}

/** One reading of the sensors. */
export interface SensorReading {
  /** Unix seconds. */
  time: number;
  /** CPU utilisation since the previous reading, in % of all cores. */
  cpu: number;
  /** Memory in use, GiB. */
  memory: number;
  /** Battery charge in %, NaN without a battery. */
  battery: number;
}

/** The names a sensors buffer's fields may have: one list for the worker and for validation (src-shared/builtins/layouts.ts). */
export { SENSOR_FIELDS } from '../../src-shared/builtins/layouts';

type CpuTimes = { busy: number; total: number };

function cpuTimes(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}

/** CPU % between two samples of the cumulative times (0 when no time passed). */
export function cpuPercent(a: CpuTimes, b: CpuTimes): number {
  const total = b.total - a.total;
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, (100 * (b.busy - a.busy)) / total));
}

/** Battery % from /sys/class/power_supply (Linux): energy- or charge-weighted over system batteries; NaN without one. */
export function linuxBattery(root = '/sys/class/power_supply'): number {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return NaN;
  }
  const read = (dir: string, f: string): string | null => {
    try {
      return readFileSync(join(dir, f), 'utf8').trim();
    } catch {
      return null;
    }
  };
  let now = 0;
  let full = 0;
  const caps: number[] = [];
  for (const n of names) {
    const dir = join(root, n);
    if (read(dir, 'type') !== 'Battery') continue;
    // Mice and headsets report scope "Device": they are not the computer's battery.
    if (read(dir, 'scope') === 'Device') continue;
    if (read(dir, 'present') === '0') continue;
    const pair = (a: string, b: string): [number, number] | null => {
      const x = Number(read(dir, a) ?? NaN);
      const y = Number(read(dir, b) ?? NaN);
      return Number.isFinite(x) && Number.isFinite(y) && y > 0 ? [x, y] : null;
    };
    const p = pair('energy_now', 'energy_full') ?? pair('charge_now', 'charge_full');
    if (p) {
      now += p[0];
      full += p[1];
      continue;
    }
    const cap = Number(read(dir, 'capacity'));
    if (read(dir, 'capacity') !== null && Number.isFinite(cap)) caps.push(cap);
  }
  if (full > 0) return Math.min(100, (100 * now) / full);
  if (caps.length) return caps.reduce((a, b) => a + b, 0) / caps.length;
  return NaN;
}

/** Parses `pmset -g batt` (macOS): the first "NN%". */
export function parsePmset(out: string): number {
  const m = /(\d+(?:\.\d+)?)%/.exec(out);
  return m ? Number(m[1]) : NaN;
}

/** Parses the PowerShell query's output (Windows): a number, or nothing without a battery. */
export function parseWindowsBattery(out: string): number {
  const vals = out
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^\d+(\.\d+)?$/.test(l))
    .map(Number);
  return vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
}

/** How long an asynchronously queried battery value is kept (macOS, Windows). */
const BATTERY_REFRESH_MS = 30_000;

/** Reads the sensors; the first cpu value covers the time since construction. */
export class SensorReader {
  private last: CpuTimes;
  private battery = NaN;
  private batteryAt = -Infinity;
  private querying = false;

  constructor(
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly powerSupplyRoot = '/sys/class/power_supply',
  ) {
    this.last = cpuTimes();
    this.refreshBattery();
  }

  read(): SensorReading {
    const t = cpuTimes();
    const cpu = cpuPercent(this.last, t);
    this.last = t;
    return {
      time: Date.now() / 1000,
      cpu,
      memory: (totalmem() - freemem()) / 2 ** 30,
      battery: this.readBattery(),
    };
  }

  private readBattery(): number {
    if (this.platform === 'linux' || this.platform === 'android') return linuxBattery(this.powerSupplyRoot);
    this.refreshBattery();
    return this.battery;
  }

  /** macOS and Windows need a child process: it runs in the background and the tick uses the last value. */
  private refreshBattery(): void {
    if (this.platform === 'linux' || this.querying || performance.now() - this.batteryAt < BATTERY_REFRESH_MS) return;
    let cmd: string;
    let args: string[];
    let parse: (s: string) => number;
    if (this.platform === 'darwin') {
      if (!existsSync('/usr/bin/pmset')) return;
      [cmd, args, parse] = ['/usr/bin/pmset', ['-g', 'batt'], parsePmset];
    } else if (this.platform === 'win32') {
      [cmd, args, parse] = ['powershell.exe', ['-NoProfile', '-Command', '(Get-CimInstance Win32_Battery).EstimatedChargeRemaining'], parseWindowsBattery];
    } else return;
    this.querying = true;
    const child = execFile(cmd, args, { timeout: 10_000, windowsHide: true }, (err, stdout) => {
      this.querying = false;
      this.batteryAt = performance.now();
      this.battery = err ? NaN : parse(String(stdout));
    });
    child.unref();
  }
}
