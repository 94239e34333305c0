// The data flows the scenarios time: writer → reader (optionally watched by
// an observer) and writer → 2 filter threads → second buffer → reader.
import { RingBuffer, type FieldSpec } from '../src-shared/ringbuffer';
import { Crew } from './lib';

export const SMALL: { samples: number; fields: FieldSpec[] } = { samples: 10, fields: [{ name: 'v', dtype: 'int32' }] };
export const BIG: { samples: number; fields: FieldSpec[] } = {
  samples: 4250,
  fields: ['a', 'b', 'c', 'd'].map((name) => ({ name, dtype: 'float64' as const })),
};
/** Payload bytes of one event of each kind. */
export const SMALL_BYTES = 10 * 4;
export const BIG_BYTES = 4 * 4250 * 8;

export interface FlowResult {
  events: number;
  seconds: number;
  events_per_s: number;
  /** Order violations seen by the last reader. */
  errors: number;
  copies?: number;
  torn?: number;
  writer_waits?: number;
  reader_waits?: number;
}

/** One writer → one reader group of one thread, optionally with an observer copying `observerHz` times a second. */
export async function writerToReader(o: { slots: number; big: boolean; batch: number; count: number; spin?: number; observerHz?: number; stampTime?: boolean }): Promise<FlowResult> {
  const kind = o.big ? BIG : SMALL;
  const rb = RingBuffer.create({ name: 'RB_bench', slots: o.slots, ...kind, groups: ['g'] }, o.spin === undefined ? {} : { spin: o.spin });
  const crew = new Crew();
  const fill = o.big ? 'copy' : 'small';
  const writer = crew.add({ role: 'writer', rb: rb.descriptor, count: o.count, batch: o.batch, fill, end: true, stampTime: o.stampTime });
  const reader = crew.add({ role: 'reader', rb: rb.descriptor, group: 'g', batch: o.batch, fill, expectOrder: true });
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const observer = o.observerHz ? crew.add({ role: 'observer', rb: rb.descriptor, hz: o.observerHz, stop: stop.buffer as SharedArrayBuffer }) : null;
  const t0 = await crew.go();
  const [w, r] = await Promise.all([writer, reader]);
  Atomics.store(stop, 0, 1);
  Atomics.notify(stop, 0);
  const obs = observer ? await observer : null;
  if (r.count !== w.count || r.count !== o.count) throw new Error(`lost events: wrote ${w.count}, read ${r.count} of ${o.count}`);
  const seconds = (r.tEnd! - t0) / 1000;
  return { events: r.count!, seconds, events_per_s: r.count! / seconds, errors: r.errors!, copies: obs?.copies, torn: obs?.errors, writer_waits: w.waits, reader_waits: r.waits };
}

/** Writer → group of 2 filter threads → second buffer → reader, small events. */
export async function cascade(o: { slots: number; batch: number; count: number }): Promise<FlowResult> {
  const rb1 = RingBuffer.create({ name: 'RB_1', slots: o.slots, ...SMALL, groups: ['filter'] });
  const rb2 = RingBuffer.create({ name: 'RB_2', slots: o.slots, ...SMALL, groups: ['sink'] });
  const crew = new Crew();
  const writer = crew.add({ role: 'writer', rb: rb1.descriptor, count: o.count, batch: o.batch, fill: 'small', end: true });
  const filters = [0, 1].map(() => crew.add({ role: 'filter', input: rb1.descriptor, group: 'filter', output: rb2.descriptor, batch: o.batch }));
  const reader = crew.add({ role: 'reader', rb: rb2.descriptor, group: 'sink', batch: o.batch, fill: 'small', expectOrder: false });
  const t0 = await crew.go();
  await writer;
  const f = await Promise.all(filters);
  rb2.end();
  const r = await reader;
  const filtered = f[0].count! + f[1].count!;
  if (r.count !== o.count || filtered !== o.count) throw new Error(`lost events: filtered ${filtered}, read ${r.count} of ${o.count}`);
  const seconds = (r.tEnd! - t0) / 1000;
  return { events: r.count!, seconds, events_per_s: r.count! / seconds, errors: 0 };
}
