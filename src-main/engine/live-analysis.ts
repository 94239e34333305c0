// Histograms and strip charts from every event: for each scalar buffer
// (samples = 1) a host wants to see, the engine adds a reader group named
// `histogram` to the buffer and runs the histogram reader (builtin
// internal/histogram) in its own thread. Being a real reader group, it sees
// every event and its released count equals the buffer's written count in
// status and run.json; it never slows the CLI, whose runs start without it
// (StartOptions.histograms). Hosts subscribe to views (field, bins, range, fit
// window — changeable at any time) and to strip-chart buckets; after a run the
// reader hands its kept values over, so views can still be re-binned and
// re-fitted until the next Start.
import { MessageChannel, Worker } from 'node:worker_threads';
import { HistogramAccumulator, requestProblem, StripHistory, type ViewSpec } from '../../src-shared/analysis';
import type { HistogramRequest, HistogramUpdate, StripBucket, StripUpdate } from '../../src-shared/bridge/protocol';
import type { RingBuffer } from '../../src-shared/ringbuffer';
import type { WorkerInit, WorkerMessage } from '../../src-workers/runtime/protocol';
import { VIEWS_PARAM, type HistogramReaderMessage } from '../../src-workers/builtins/internal/histogram-protocol';
import type { HistogramSubscription, StartOptions, Unsubscribe } from './api';
import type { PlannedBuffer, RunPlan } from './plan';
import { readerGroups } from './plan';

/** The reader group of the histogram reader on every buffer it reads. */
export const HISTOGRAM_GROUP = 'histogram';
/** Milliseconds a reader whose function returned may take to exit. */
const EXIT_GRACE_MS = 2_000;

export interface ReaderContext {
  buffers: Map<string, RingBuffer>;
  control: SharedArrayBuffer;
  runDirectory: string;
  setupDirectory: string;
  entry: { file: URL; extra: Record<string, string> };
}

interface ReaderState {
  buffer: string;
  fields: string[];
  worker: Worker;
  params: MessageChannel['port1'];
  final: boolean;
  failed: string | null;
}

interface ViewEntry {
  key: string;
  request: HistogramRequest;
  listener: (u: HistogramUpdate) => void;
}

interface StripSub {
  buffer: string;
  fields: string[] | null;
  listener: (u: StripUpdate) => void;
}

interface StripState {
  history: StripHistory;
  latest: { t: number; values: (number | null)[] } | null;
  events: number;
  final: boolean;
}

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

/** The buffers a run reads for histograms: every scalar buffer for `true`, the named scalar ones for a list. */
export function histogramBuffers(plan: RunPlan, option: StartOptions['histograms']): string[] {
  if (!option) return [];
  const scalar = plan.buffers.filter((b) => b.samples === 1).map((b) => b.name);
  return option === true ? scalar : scalar.filter((b) => option.includes(b));
}

/** The histogram readers of the engine's runs and the views hosts asked for. */
export class LiveAnalysis {
  private chosen = new Set<string>();
  private readers = new Map<string, ReaderState>();
  private ended = new Map<string, HistogramAccumulator>();
  private strips = new Map<string, StripState>();
  private views = new Map<string, ViewEntry>();
  private stripSubs = new Set<StripSub>();
  private nextKey = 1;
  private begun = false;

  constructor(
    private readonly plan: RunPlan,
    private readonly log: Log,
  ) {}

  /** Picks the buffers the next run reads for histograms (see groupsFor). */
  choose(option: StartOptions['histograms']): void {
    this.chosen = new Set(histogramBuffers(this.plan, option));
    const clash = [...this.chosen].filter((b) => readerGroups(this.plan, b).includes(HISTOGRAM_GROUP));
    // A setup function named "histogram" reading the buffer owns that group name: no reader there.
    for (const b of clash) {
      this.chosen.delete(b);
      this.log('warn', `no histogram reader on ${b}: a function named "${HISTOGRAM_GROUP}" reads it`);
    }
  }

  /** Extra reader groups for a buffer of the next run. */
  groupsFor(buffer: string): string[] {
    return this.chosen.has(buffer) ? [HISTOGRAM_GROUP] : [];
  }

  /** Starts one reader per chosen buffer; each promise resolves once its reader has counted (or drained) the last event. */
  begin(ctx: ReaderContext): Promise<void>[] {
    this.ended.clear();
    this.readers.clear();
    this.begun = true;
    this.strips.clear();
    for (const b of this.chosen) {
      const pb = this.planned(b)!;
      this.strips.set(b, { history: new StripHistory(pb.fields.map((f) => f.name)), latest: null, events: 0, final: false });
    }
    for (const sub of this.stripSubs) this.sendStripReset(sub);
    const done = [...this.chosen].map((b) => this.spawn(b, ctx));
    for (const v of this.views.values()) if (!this.chosen.has(v.request.buffer)) this.emitIdle(v);
    return done;
  }

  /** Subscribes to a histogram; the listener gets an update now and whenever it changes (at most HISTOGRAM_HZ). */
  histogram(request: HistogramRequest, listener: (u: HistogramUpdate) => void): HistogramSubscription {
    const key = `h${this.nextKey++}`;
    const entry: ViewEntry = { key, request: this.checked(request), listener };
    this.views.set(key, entry);
    this.apply(entry, null);
    return {
      set: (req) => {
        const before = entry.request.buffer;
        entry.request = this.checked(req);
        this.apply(entry, before);
      },
      close: () => {
        if (!this.views.delete(key)) return;
        this.postViews(entry.request.buffer);
      },
    };
  }

  /** Subscribes to a buffer's strip-chart buckets (all fields, or the named ones): the history now, then new buckets. */
  strip(buffer: string, fields: string[] | null, listener: (u: StripUpdate) => void): Unsubscribe {
    const pb = this.planned(buffer);
    if (!pb || pb.samples !== 1) throw new Error(`strip charts need a buffer of single values; ${buffer} ${pb ? `holds ${pb.samples} samples per field` : 'does not exist'}`);
    const names = pb.fields.map((f) => f.name);
    const unknown = (fields ?? []).filter((f) => !names.includes(f));
    if (unknown.length) throw new Error(`${buffer} has no field ${unknown.map((f) => `"${f}"`).join(', ')} (fields: ${names.join(', ')})`);
    const sub: StripSub = { buffer, fields, listener };
    this.stripSubs.add(sub);
    this.sendStripReset(sub);
    return () => this.stripSubs.delete(sub);
  }

  /** Forgets every subscription. */
  close(): void {
    this.views.clear();
    this.stripSubs.clear();
  }

  // ------------------------------------------------------------------ views

  private planned(buffer: string): PlannedBuffer | undefined {
    return this.plan.buffers.find((b) => b.name === buffer);
  }

  private checked(req: HistogramRequest): HistogramRequest {
    const pb = this.planned(req.buffer);
    if (!pb) throw new Error(`no ring buffer named "${req.buffer}" (buffers: ${this.plan.buffers.map((b) => b.name).join(', ')})`);
    if (pb.samples !== 1) throw new Error(`histograms need a buffer of single values; ${req.buffer} holds ${pb.samples} samples per field`);
    const problem = requestProblem(req, pb.fields.map((f) => f.name));
    if (problem) throw new Error(problem);
    return structuredClone(req);
  }

  private apply(v: ViewEntry, previousBuffer: string | null): void {
    if (previousBuffer !== null && previousBuffer !== v.request.buffer) this.postViews(previousBuffer);
    const b = v.request.buffer;
    if (this.readers.has(b) && !this.readers.get(b)!.final) {
      this.postViews(b);
      return;
    }
    const acc = this.ended.get(b);
    if (acc) {
      acc.setView(v.key, v.request);
      safely(() => v.listener(acc.update(v.key, true)!));
      return;
    }
    this.emitIdle(v);
  }

  // An empty histogram: no run yet, or this run has no reader on its buffer.
  private emitIdle(v: ViewEntry): void {
    const [lo, hi] = v.request.range;
    const u: HistogramUpdate = {
      id: v.key,
      buffer: v.request.buffer,
      field: v.request.field,
      range: [lo, hi],
      counts: new Array(v.request.bins).fill(0),
      underflow: 0,
      overflow: 0,
      entries: 0,
      invalid: 0,
      events: 0,
      complete: false,
      final: false,
      fit: null,
    };
    if (this.begun && !this.chosen.has(v.request.buffer)) u.note = `the run was started without a histogram reader on ${v.request.buffer}`;
    safely(() => v.listener(u));
  }

  private viewSpecs(buffer: string): ViewSpec[] {
    return [...this.views.values()].filter((v) => v.request.buffer === buffer).map((v) => ({ key: v.key, request: v.request }));
  }

  private postViews(buffer: string): void {
    const r = this.readers.get(buffer);
    if (r && !r.final) r.params.postMessage({ type: 'param', name: VIEWS_PARAM, value: this.viewSpecs(buffer) });
  }

  private deliver(updates: HistogramUpdate[]): void {
    for (const u of updates) {
      const v = this.views.get(u.id);
      if (v) safely(() => v.listener(u));
    }
  }

  // ----------------------------------------------------------------- strips

  private project(sub: StripSub, names: string[]): number[] | null {
    return sub.fields ? sub.fields.map((f) => names.indexOf(f)) : null;
  }

  private sendStripReset(sub: StripSub): void {
    const st = this.strips.get(sub.buffer);
    const names = this.planned(sub.buffer)!.fields.map((f) => f.name);
    const fields = sub.fields ?? names;
    const history = st ? st.history.toJSON(fields) : new StripHistory(fields).toJSON();
    const idx = this.project(sub, names);
    const latest = st?.latest ? { t: st.latest.t, values: idx ? idx.map((i) => st.latest!.values[i] ?? null) : [...st.latest.values] } : null;
    safely(() => sub.listener({ buffer: sub.buffer, fields, reset: true, history, buckets: [], latest, events: st?.events ?? 0, final: st?.final ?? false }));
  }

  private onStrip(buffer: string, buckets: StripBucket[], latest: StripState['latest'], events: number, final: boolean): void {
    const st = this.strips.get(buffer);
    if (!st) return;
    for (const b of buckets) st.history.add(b);
    if (latest) st.latest = latest;
    st.events = events;
    st.final = final;
    const names = st.history.fields;
    for (const sub of this.stripSubs) {
      if (sub.buffer !== buffer) continue;
      const idx = this.project(sub, names);
      const pick = <T>(a: T[]) => (idx ? idx.map((i) => a[i]!) : a);
      safely(() =>
        sub.listener({
          buffer,
          fields: sub.fields ?? names,
          reset: false,
          buckets: buckets.map((b) => ({ t: b.t, dt: b.dt, n: b.n, min: pick(b.min), max: pick(b.max) })),
          latest: st.latest ? { t: st.latest.t, values: pick(st.latest.values) } : null,
          events,
          final,
        }),
      );
    }
  }

  // ---------------------------------------------------------------- readers

  private spawn(buffer: string, ctx: ReaderContext): Promise<void> {
    const rb = ctx.buffers.get(buffer)!;
    const channel = new MessageChannel();
    // Built as the engine builds its functions' inits; cast, so a field added to WorkerInit for functions does not break this one.
    const init = {
      name: `${HISTOGRAM_GROUP}:${buffer}`,
      fkt_name: 'histogram_reader',
      instance: 0,
      instances: 1,
      builtin: 'internal/histogram',
      moduleUrl: null,
      config: { [VIEWS_PARAM]: this.viewSpecs(buffer) },
      on_error: 'stop',
      assign: [{ buffer, mode: 'read', descriptor: rb.descriptor }],
      group: HISTOGRAM_GROUP,
      control: ctx.control,
      counter: new SharedArrayBuffer(8),
      runevents: 0,
      stats: new SharedArrayBuffer(8 * 3),
      statsOffset: 0,
      track: new SharedArrayBuffer(8),
      runDirectory: ctx.runDirectory,
      setupDirectory: ctx.setupDirectory,
      params: channel.port2,
    } as WorkerInit;
    const worker = new Worker(ctx.entry.file, { workerData: { ...init, ...ctx.entry.extra }, transferList: [channel.port2], name: `histogram:${buffer}` });
    const r: ReaderState = { buffer, fields: this.planned(buffer)!.fields.map((f) => f.name), worker, params: channel.port1, final: false, failed: null };
    this.readers.set(buffer, r);
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        channel.port1.close();
        if (r.final) return resolve();
        // The reader died before the end: release what it left so the buffer's writers never wait on it.
        this.log('error', `the histogram reader of ${buffer} stopped early${r.failed ? `: ${r.failed}` : ''}; its histograms are incomplete`);
        void drain(rb, (n) => this.log('warn', `${n} event(s) of ${buffer} were not counted in its histograms`)).then(resolve, resolve);
      };
      worker.on('message', (m: WorkerMessage | HistogramReaderMessage) => {
        switch (m.type) {
          case 'histograms':
            this.deliver(m.updates);
            break;
          case 'strip':
            this.onStrip(buffer, m.buckets, m.latest, m.events, false);
            break;
          case 'final':
            r.final = true;
            this.ended.set(buffer, HistogramAccumulator.restore(m.fields, m.kept, m.events));
            for (const v of this.views.values()) if (v.request.buffer === buffer) this.ended.get(buffer)!.setView(v.key, v.request);
            this.deliver(m.updates);
            this.onStrip(buffer, m.buckets, m.latest, m.events, true);
            this.log('info', `histogram reader of ${buffer}: ${m.events} event(s) counted`);
            break;
          case 'log':
            this.log(m.level, `histogram reader of ${buffer}: ${m.message}`);
            break;
          case 'error':
            r.failed = m.message;
            break;
          case 'done':
            setTimeout(() => void worker.terminate(), EXIT_GRACE_MS).unref();
            break;
        }
      });
      worker.on('error', (e) => {
        r.failed = e.message;
        settle();
      });
      worker.on('exit', () => settle());
    });
  }
}

/** Releases every event of the histogram group until the stream ends; reports how many. */
async function drain(rb: RingBuffer, report: (n: number) => void): Promise<void> {
  const reader = rb.reader(HISTOGRAM_GROUP);
  let n = 0;
  for (;;) {
    const ev = await reader.nextAsync(1000);
    if (ev === 'timeout') continue;
    if (!ev) break;
    n++;
  }
  reader.close();
  if (n > 0) report(n);
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error('ringscope: a histogram listener threw:', e);
  }
}
