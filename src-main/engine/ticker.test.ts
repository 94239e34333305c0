import { describe, expect, it } from 'vitest';
import { fixedRateTimer, type TimerDeps } from './ticker';

/** A manual clock: timers fire when run() reaches them, never earlier; `late` ms of lateness per firing. */
class Clock implements TimerDeps {
  t = 0;
  late = 0;
  private pending: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.ids;
    this.pending.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.pending = this.pending.filter((p) => p.id !== id);
  };
  /** Fires timers in order until `until`; each fires `late` ms after it was due (a busy thread). */
  run(until: number): void {
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at);
      const next = this.pending[0];
      if (!next || next.at + this.late > until) break;
      this.pending.shift();
      this.t = Math.max(this.t, next.at + this.late);
      next.fn();
    }
    this.t = until;
  }
}

describe('fixedRateTimer', () => {
  it('keeps 30 ticks a second when every tick runs late (where setInterval-like rescheduling drifts)', () => {
    const clock = new Clock();
    clock.late = 12; // each tick runs 12 ms after it was due
    const at: number[] = [];
    const stop = fixedRateTimer(1000 / 30, () => at.push(clock.t), clock);
    clock.run(1013);
    stop();
    expect(at).toHaveLength(30);
    at.forEach((t, k) => expect(t).toBeCloseTo((k + 1) * (1000 / 30) + 12, 6));

    // The same lateness with a period restarted at each tick gives ~22 ticks a second.
    const drift = new Clock();
    drift.late = 12;
    let n = 0;
    const again = () => {
      n++;
      drift.setTimeout(again, 1000 / 30);
    };
    drift.setTimeout(again, 1000 / 30);
    drift.run(1013);
    expect(n).toBeLessThan(23);
  });

  it('resumes after a stall without a burst of missed ticks, and stops', () => {
    const clock = new Clock();
    let n = 0;
    const stop = fixedRateTimer(100, () => n++, clock);
    clock.run(100);
    expect(n).toBe(1);
    // Blocked for a second: the late tick runs once, then the schedule starts again half a period later.
    clock.late = 1000;
    clock.run(1200);
    expect(n).toBe(2);
    clock.late = 0;
    clock.run(1249);
    expect(n).toBe(2);
    clock.run(1250);
    expect(n).toBe(3);
    clock.run(1350);
    expect(n).toBe(4);
    stop();
    clock.run(5000);
    expect(n).toBe(4);
  });

  it('rejects a period that is not positive', () => {
    expect(() => fixedRateTimer(0, () => {})).toThrow(/period must be > 0 ms, got 0/);
  });
});
