// builtin:sources/replay — a previous run's Parquet or CSV export played back
// into a buffer with the same fields, each event keeping its counter and
// timestamp, so filters and displays can be re-run offline.
// Parameters: src-shared/builtins/source-replay.ts.
import type { EventView } from '../../../src-shared/ringbuffer';
import type { FunctionIO } from '../../runtime/io';
import { writerLayout } from '../../runtime/event-layout';
import { openReplay, resolveReplayFile } from '../../formats/open-replay';

/** How far behind the pace may fall (a pause, a slow pipeline) before it restarts from now instead of catching up in a burst. */
const MAX_BEHIND_MS = 1000;

export type Pace = { kind: 'original'; speed: number } | { kind: 'rate'; hz: number } | { kind: 'fast' };

/** Reads the pace parameters; throws naming the one that is wrong. */
export function paceOf(config: Record<string, unknown>): Pace {
  const pace = String(config.pace ?? 'original');
  if (pace === 'fast') return { kind: 'fast' };
  if (pace === 'rate') {
    const hz = Number(config.rate ?? 10);
    if (!(hz > 0) || !Number.isFinite(hz)) throw new Error(`rate must be a positive number of events per second, not ${String(config.rate)}`);
    return { kind: 'rate', hz };
  }
  if (pace === 'original') {
    const speed = Number(config.speed ?? 1);
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`speed must be a positive number, not ${String(config.speed)}`);
    return { kind: 'original', speed };
  }
  throw new Error(`pace must be original, rate or fast, not "${pace}"`);
}

/**
 * When (ms on the monotonic clock) each row is due. The schedule starts at the
 * first row; falling more than a second behind restarts it from there.
 */
export class PaceSchedule {
  private start = NaN;
  private firstTs = 0;
  private n = 0;

  constructor(private readonly pace: Pace) {}

  /** The due time of the next row (timestamp in ms from the file), given the time now. */
  due(timestamp: number, now: number): number {
    if (this.pace.kind === 'fast') return now;
    if (Number.isNaN(this.start)) this.restart(timestamp, now);
    let t = this.at(timestamp);
    if (now - t > MAX_BEHIND_MS) {
      this.restart(timestamp, now);
      t = now;
    }
    this.n++;
    return t;
  }

  private at(timestamp: number): number {
    if (this.pace.kind === 'rate') return this.start + (this.n * 1000) / this.pace.hz;
    if (this.pace.kind === 'original') return this.start + Math.max(0, timestamp - this.firstTs) / this.pace.speed;
    return this.start;
  }

  private restart(timestamp: number, now: number): void {
    this.start = now;
    this.firstTs = timestamp;
    this.n = 0;
  }
}

export default async function replay(io: FunctionIO): Promise<void> {
  const path = resolveReplayFile(String(io.config.file ?? ''), io.setupDirectory);
  const schedule = new PaceSchedule(paceOf(io.config));
  const { layout } = writerLayout(io, 'sources/replay');
  // A file that does not fit the buffer ends the run here, naming the columns.
  const reader = await openReplay(path, layout);
  let played = 0;
  let lastReport = 0;
  const report = (force = false) => {
    const now = performance.now();
    if (!force && now - lastReport < 500) return;
    lastReport = now;
    const values: Record<string, number | string> = { replayed: played };
    if (reader.rows !== null) values.of = reader.rows;
    if (reader.skipped) {
      values.bad_rows = reader.skipped;
      values.last_error = reader.lastError;
    }
    io.setStatus(values);
  };
  io.log.info(`replaying ${path}${reader.rows !== null ? ` (${reader.rows} events)` : ''}`);
  try {
    await io.source(async (ev: EventView) => {
      const more = reader.next();
      if (!(more instanceof Promise ? await more : more)) return false;
      const wait = schedule.due(reader.timestamp, performance.now()) - performance.now();
      if (wait > 0 && !io.sleep(wait / 1000)) return false;
      reader.writeInto(ev.fields);
      ev.counter = reader.counter;
      ev.timestamp = reader.timestamp;
      played++;
      report();
      return true;
    });
    if (reader.skipped) io.log.warn(`replay: ${reader.skipped} malformed rows of ${path} skipped (last: ${reader.lastError})`);
  } finally {
    report(true);
    reader.close();
  }
}
