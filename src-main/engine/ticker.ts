// A timer that keeps a fixed schedule. setInterval restarts its period when a
// late tick finally runs, so on a busy machine every delay adds up: a 30 Hz
// oscilloscope feed came out at 20–25 snapshots a second. This one aims each
// tick at start + k × period, and after a long stall resumes instead of
// firing the missed ticks in a burst.

/** The clock and timer functions fixedRateTimer uses (tests pass their own). */
export interface TimerDeps {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TimerDeps = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.(); // never keeps the process alive
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Calls fn every periodMs on a fixed schedule; returns a stop function. */
export function fixedRateTimer(periodMs: number, fn: () => void, deps: TimerDeps = realTimers): () => void {
  if (!(periodMs > 0)) throw new RangeError(`timer period must be > 0 ms, got ${periodMs}`);
  let stopped = false;
  let due = deps.now() + periodMs;
  const tick = () => {
    fn();
    if (stopped) return;
    const now = deps.now();
    due += periodMs;
    if (due < now) due = now + periodMs / 2; // a stall longer than a period: resume, no burst
    handle = deps.setTimeout(tick, due - now);
  };
  let handle = deps.setTimeout(tick, periodMs);
  return () => {
    stopped = true;
    deps.clearTimeout(handle);
  };
}
