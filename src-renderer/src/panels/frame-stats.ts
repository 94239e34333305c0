// How fast the oscilloscope draws: per drawn snapshot the time uPlot took
// (setData to end of draw) and the interval since the previous drawn frame.
// Read by the bench (scenario f) through window.__ringscope.frames.

const CAP = 4096;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export class FrameStats {
  count = 0;
  private draws: number[] = [];
  private intervals: number[] = [];
  private lastFrameAt: number | null = null;

  /** Records one drawn frame that took `drawMs`, ending at `at` (ms). */
  record(drawMs: number, at: number): void {
    this.count += 1;
    if (this.draws.length >= CAP) this.draws.shift();
    this.draws.push(drawMs);
    if (this.lastFrameAt !== null) {
      if (this.intervals.length >= CAP) this.intervals.shift();
      this.intervals.push(at - this.lastFrameAt);
    }
    this.lastFrameAt = at;
  }

  reset(): void {
    this.count = 0;
    this.draws = [];
    this.intervals = [];
    this.lastFrameAt = null;
  }

  /** Median and 95th percentile of draw times and frame intervals (ms). */
  summary() {
    const d = [...this.draws].sort((a, b) => a - b);
    const iv = [...this.intervals].sort((a, b) => a - b);
    return {
      frames: this.count,
      draw_ms: { median: quantile(d, 0.5), p95: quantile(d, 0.95), max: d.at(-1) ?? NaN },
      interval_ms: { median: quantile(iv, 0.5), p95: quantile(iv, 0.95), max: iv.at(-1) ?? NaN },
    };
  }
}

/** The oscilloscope's statistics for this page. */
export const frameStats = new FrameStats();
