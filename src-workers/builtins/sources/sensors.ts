// builtin:sources/sensors — every dt seconds one event of the computer's own
// sensors (the seed's "simple DAQ"). Parameters: src-shared/builtins/source-sensors.ts.
// The buffer's fields are a choice of time, cpu, memory and battery.
import type { EventView } from '../../../src-shared/ringbuffer';
import type { FunctionIO } from '../../runtime/io';
import { writerLayout } from '../../runtime/event-layout';
import { SENSOR_FIELDS, SensorReader, TickScheduler, type Clock, type SensorReading } from '../../sensors/sensors';

/** Checks that every field of the buffer is a sensor; throws naming the others. */
export function checkSensorFields(names: string[]): void {
  const unknown = names.filter((n) => !(SENSOR_FIELDS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new Error(
      `the sensors source fills the fields ${SENSOR_FIELDS.join(', ')}; the buffer also has ${unknown.map((n) => `"${n}"`).join(', ')}. Remove ${unknown.length === 1 ? 'it' : 'them'} or rename to one of these.`,
    );
  }
}

export default async function sensors(io: FunctionIO): Promise<void> {
  checkSensorFields(writerLayout(io, 'sources/sensors').layout.map((f) => f.name));
  const clock: Clock = { now: () => performance.now(), sleep: (ms) => io.sleep(ms / 1000) };
  const sched = new TickScheduler(clock, Number(io.config.dt ?? 1));
  io.onParam('dt', (v) => {
    sched.setDt(Number(v));
    io.log.info(`dt is now ${Number(v)} s`);
  });
  const reader = new SensorReader();
  let lastEnd = -1;
  let reported = -Infinity;
  const report = (force = false) => {
    const now = clock.now();
    if (!force && now - reported < 500) return;
    reported = now;
    io.setStatus({ dt: sched.dt, readings: sched.ticks, missed_ticks: sched.missed });
  };

  await io.source((ev: EventView) => {
    // Time spent outside (paused, or waiting for a free slot) is not a late reading: start the grid afresh.
    if (lastEnd >= 0 && clock.now() - lastEnd > sched.dt * 1000) sched.restart();
    if (!sched.next()) return false;
    const r: SensorReading = reader.read();
    ev.timestamp = r.time * 1000;
    for (const [name, arr] of Object.entries(ev.fields)) {
      const v = r[name as keyof SensorReading];
      if (arr instanceof BigInt64Array || arr instanceof BigUint64Array) arr.fill(BigInt(Math.trunc(Number.isFinite(v) ? v : 0)));
      else arr.fill(v);
    }
    report();
    lastEnd = clock.now();
    return true;
  });
  report(true);
}
