import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SensorReader, TickScheduler, cpuPercent, linuxBattery, parsePmset, parseWindowsBattery, type Clock } from './sensors';

/** A clock whose sleep advances time instantly, running scheduled actions on the way. */
class FakeClock implements Clock {
  t = 0;
  stopAt = Infinity;
  private actions: { at: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number): boolean {
    const until = this.t + ms;
    for (;;) {
      const a = this.actions.find((x) => x.at <= until);
      if (!a) break;
      this.actions.splice(this.actions.indexOf(a), 1);
      this.t = Math.max(this.t, a.at);
      a.fn();
    }
    this.t = until;
    return this.t < this.stopAt;
  }
  at(t: number, fn: () => void): void {
    this.actions.push({ at: t, fn });
  }
}

/** Runs the scheduler for n ticks, each "reading" taking readMs(i); returns the tick times. */
function run(s: TickScheduler, c: FakeClock, n: number, readMs: (i: number) => number = () => 0): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!s.next()) break;
    times.push(c.now());
    c.t += readMs(i);
  }
  return times;
}

describe('TickScheduler (fake clock)', () => {
  it('ticks every dt on a grid from the start', () => {
    const c = new FakeClock();
    const s = new TickScheduler(c, 1);
    expect(run(s, c, 5)).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(s.missed).toBe(0);
    expect(s.ticks).toBe(5);
  });

  it('does not drift when each reading takes time', () => {
    const c = new FakeClock();
    const s = new TickScheduler(c, 0.5);
    expect(run(s, c, 6, () => 120)).toEqual([500, 1000, 1500, 2000, 2500, 3000]);
    expect(s.missed).toBe(0);
  });

  it('a changed dt takes effect at once, even when changed during a long sleep', () => {
    const c = new FakeClock();
    const s = new TickScheduler(c, 10);
    c.at(12_000, () => s.setDt(0.5));
    expect(run(s, c, 4)).toEqual([10_000, 12_000, 12_500, 13_000]);
    s.setDt(2);
    expect(run(s, c, 3)).toEqual([15_000, 17_000, 19_000]);
    expect(s.dt).toBe(2);
    expect(s.missed).toBe(0);
  });

  it('counts the ticks a slow reading skipped, and keeps to the grid', () => {
    const c = new FakeClock();
    const s = new TickScheduler(c, 1);
    // The second reading takes 2.5 s (until 4.5 s): the ticks at 3 s and 4 s are missed.
    const times = run(s, c, 5, (i) => (i === 1 ? 2500 : 10));
    expect(times).toEqual([1000, 2000, 5000, 6000, 7000]);
    expect(s.missed).toBe(2);
  });

  it('takes a tick that is less than half a period late, and skips one later than that', () => {
    const c = new FakeClock();
    const s = new TickScheduler(c, 1);
    expect(run(s, c, 3, (i) => (i === 0 ? 1400 : 0))).toEqual([1000, 2400, 3000]);
    expect(s.missed).toBe(0);
    const c2 = new FakeClock();
    const s2 = new TickScheduler(c2, 1);
    expect(run(s2, c2, 2, (i) => (i === 0 ? 1600 : 0))).toEqual([1000, 3000]);
    expect(s2.missed).toBe(1);
  });

  it('restart() (after a pause) makes the next tick due now, without counting misses', () => {
    const c = new FakeClock();
    const s = new TickScheduler(c, 1);
    run(s, c, 2);
    c.t += 60_000;
    s.restart();
    expect(run(s, c, 2)).toEqual([62_000, 63_000]);
    expect(s.missed).toBe(0);
  });

  it('returns false when the run stops during the sleep', () => {
    const c = new FakeClock();
    c.stopAt = 2500;
    const s = new TickScheduler(c, 1);
    expect(run(s, c, 10)).toEqual([1000, 2000]);
  });

  it('refuses a dt that is not a positive number', () => {
    const c = new FakeClock();
    expect(() => new TickScheduler(c, 0)).toThrow('dt must be a positive number of seconds, not 0');
    const s = new TickScheduler(c, 1);
    expect(() => s.setDt(Number.NaN)).toThrow(/positive number/);
    expect(() => s.setDt(-1)).toThrow(/positive number/);
  });
});

describe('sensor readings', () => {
  it('are in range on this machine', async () => {
    const r = new SensorReader();
    // Some work between readings, so cpu has something to measure.
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    const a = r.read();
    expect(a.time).toBeGreaterThan(Date.now() / 1000 - 5);
    expect(a.time).toBeLessThanOrEqual(Date.now() / 1000);
    expect(a.cpu).toBeGreaterThanOrEqual(0);
    expect(a.cpu).toBeLessThanOrEqual(100);
    expect(a.memory).toBeGreaterThan(0);
    expect(a.memory).toBeLessThan(totalmem() / 2 ** 30);
    expect(Number.isNaN(a.battery) || (a.battery >= 0 && a.battery <= 100)).toBe(true);
  });

  it('cpu % is busy time over total time between two samples', () => {
    expect(cpuPercent({ busy: 100, total: 1000 }, { busy: 350, total: 2000 })).toBe(25);
    expect(cpuPercent({ busy: 5, total: 10 }, { busy: 5, total: 10 })).toBe(0);
  });
});

describe('battery', () => {
  const root = mkdtempSync(join(tmpdir(), 'ringscope-power-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const supply = (dir: string, files: Record<string, string>) => {
    mkdirSync(join(dir), { recursive: true });
    for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, k), `${v}\n`);
  };

  it('Linux: energy-weighted over the system batteries, ignoring mains and a mouse', () => {
    const r = join(root, 'two');
    supply(join(r, 'AC'), { type: 'Mains', online: '1' });
    supply(join(r, 'BAT0'), { type: 'Battery', present: '1', energy_now: '30000000', energy_full: '40000000', capacity: '75' });
    supply(join(r, 'BAT1'), { type: 'Battery', present: '1', energy_now: '10000000', energy_full: '40000000', capacity: '25' });
    supply(join(r, 'hidpp_battery_0'), { type: 'Battery', scope: 'Device', capacity: '5' });
    expect(linuxBattery(r)).toBe(50);
  });

  it('Linux: charge or capacity where energy is missing; NaN without a battery', () => {
    const c = join(root, 'charge');
    supply(join(c, 'BAT0'), { type: 'Battery', charge_now: '2000000', charge_full: '4000000' });
    expect(linuxBattery(c)).toBe(50);
    const cap = join(root, 'cap');
    supply(join(cap, 'BAT0'), { type: 'Battery', capacity: '81' });
    expect(linuxBattery(cap)).toBe(81);
    const none = join(root, 'desktop');
    supply(join(none, 'AC'), { type: 'Mains', online: '1' });
    expect(linuxBattery(none)).toBeNaN();
    expect(linuxBattery(join(root, 'no-such-dir'))).toBeNaN();
  });

  it('macOS and Windows outputs', () => {
    expect(parsePmset("Now drawing from 'AC Power'\n -InternalBattery-0 (id=4653155)\t87%; charged; 0:00 remaining present: true\n")).toBe(87);
    expect(parsePmset("Now drawing from 'AC Power'\n")).toBeNaN();
    expect(parseWindowsBattery('93\r\n')).toBe(93);
    expect(parseWindowsBattery('\r\n')).toBeNaN();
  });

  it('the reader reports NaN on a Linux machine without a battery', () => {
    const none = join(root, 'desktop2');
    supply(join(none, 'AC'), { type: 'Mains' });
    expect(new SensorReader('linux', none).read().battery).toBeNaN();
  });
});
