// builtin internal/histogram — the engine's histogram reader (never named in a
// setup). One thread per scalar buffer a host wants to see, in the reader group
// `histogram`: it reads every event, keeps each field's values (see
// src-shared/analysis), fills the histograms the engine asks for (parameter
// `views`) with their unbinned lifetime fits, and collects strip-chart min/max
// buckets. Results go to the engine at display rate; at the end of the stream
// the last counts and the kept values (transferred, not copied).
import { parentPort } from 'node:worker_threads';
import { HistogramAccumulator, StripAggregator, type ViewSpec } from '../../../src-shared/analysis';
import { HISTOGRAM_HZ, STRIP_BUCKET_MS, type HistogramUpdate } from '../../../src-shared/bridge/protocol';
import type { FunctionIO } from '../../runtime/io';
import { VIEWS_PARAM, type HistogramReaderMessage } from './histogram-protocol';

const HISTOGRAM_MS = 1000 / HISTOGRAM_HZ;
/** A fit that took t ms waits at least FIT_SPACING × t before the next (big background fits stay cheap overall). */
const FIT_SPACING = 8;

const post = (m: HistogramReaderMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(m, transfer);

export default async function histogramReader(io: FunctionIO): Promise<void> {
  const buffer = Object.keys(io.readers)[0];
  if (!buffer) throw new Error('internal/histogram needs a buffer to read');
  const names = io.layouts[buffer]!.fields.map((f) => f.name);
  const acc = new HistogramAccumulator(names);
  const strip = new StripAggregator(names.length);
  const values = new Float64Array(names.length);
  const dirty = new Set<string>();
  const nextFit = new Map<string, number>();

  const applyViews = (v: unknown) => {
    const specs = Array.isArray(v) ? (v as ViewSpec[]) : [];
    const valid: ViewSpec[] = [];
    for (const s of specs) {
      try {
        acc.setView(s.key, s.request);
        valid.push(s);
      } catch (e) {
        io.log.warn(`histogram ${s.request.field}: ${(e as Error).message}`);
      }
    }
    acc.setViews(valid);
    for (const s of valid) dirty.add(s.key);
    publishHistograms(performance.now(), true);
  };

  let lastHist = 0;
  let lastStrip = performance.now();
  let changed = false;

  function publishHistograms(now: number, force = false): void {
    if (!force && (!changed || now - lastHist < HISTOGRAM_MS)) return;
    const updates: HistogramUpdate[] = [];
    for (const key of acc.viewKeys()) {
      if (!changed && !dirty.has(key)) continue;
      const refit = now >= (nextFit.get(key) ?? 0);
      const u = acc.update(key, false, refit)!;
      if (refit && u.fit) nextFit.set(key, now + FIT_SPACING * acc.fitCost(key));
      updates.push(u);
    }
    dirty.clear();
    changed = false;
    lastHist = now;
    if (updates.length) post({ type: 'histograms', updates });
  }

  const publishStrip = (now: number) => {
    if (now - lastStrip < STRIP_BUCKET_MS) return;
    lastStrip = now;
    const buckets = strip.flush();
    if (buckets.length) post({ type: 'strip', buckets, latest: strip.latest, events: acc.events });
  };

  applyViews(io.config[VIEWS_PARAM]);
  io.onParam(VIEWS_PARAM, applyViews);

  await io.sink(
    (ev) => {
      if (ev === null) {
        const updates = acc.viewKeys().map((k) => acc.update(k, true)!);
        const kept = acc.stores.map((s) => s.take());
        post(
          { type: 'final', updates, buckets: strip.flush(), latest: strip.latest, events: acc.events, fields: names, kept },
          kept.map((k) => k.buffer as ArrayBuffer),
        );
        return;
      }
      for (let i = 0; i < names.length; i++) values[i] = Number(ev.fields[names[i]!]![0]);
      acc.add(values);
      strip.add(ev.timestamp, values);
      changed = true;
      const now = performance.now();
      publishStrip(now);
      publishHistograms(now);
    },
    {
      onIdle: () => {
        const now = performance.now();
        publishStrip(now);
        publishHistograms(now);
      },
    },
  );
}
