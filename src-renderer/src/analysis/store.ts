// The analysis panels' state: the histogram the page watches (its request and
// the host's latest update), the strip-chart buffer, fields and window. Kept
// beside the app store (createAppStore makes one for each; panels reach it with useAnalysis) and wired to the
// same bridge. Strip-chart buckets arrive ten times a second and go to the
// StripFeed, which the charts draw from without re-rendering React.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { StripHistory } from '../../../src-shared/analysis/strip';
import type { BufferInfo, HistogramRequest, HistogramUpdate, HostEvent, SetupInfo, StripUpdate } from '../../../src-shared/bridge/protocol';
import type { Bridge } from '../bridge/Bridge';
import { defaultFitWindow, defaultHistogram, hintedRange, rangeForData, requestFits, scalarBuffers } from './histogram-model';

/** The id of the page's histogram on the host. */
export const HISTOGRAM_ID = 'main';
/** Events after which an automatic range stays put (later outliers go to under/overflow). */
export const AUTO_RANGE_EVENTS = 100;
/** Fields a strip chart shows first. */
const DEFAULT_STRIP_FIELDS = 4;

/** The main view: oscilloscope, histogram or strip charts. */
export type AnalysisTab = 'scope' | 'histogram' | 'strip' | 'log';

export interface AnalysisState {
  tab: AnalysisTab;
  request: HistogramRequest | null;
  histogram: HistogramUpdate | null;
  histogramError: string | null;
  /** True while the range follows the values counted (a field without a hinted range), until AUTO_RANGE_EVENTS or the user sets one. */
  autoRange: boolean;
  logY: boolean;
  stripBuffer: string | null;
  stripFields: string[];
  /** Window in ms, null: the whole run. */
  stripWindow: number | null;
  stripError: string | null;

  setTab(tab: AnalysisTab): void;
  /** Asks the host for this histogram (bins, range, fit …); `autoRange`: set the range from the first values counted. */
  setRequest(request: HistogramRequest, options?: { autoRange?: boolean }): Promise<void>;
  setLogY(on: boolean): void;
  setStripBuffer(buffer: string | null): void;
  setStripFields(fields: string[]): void;
  setStripWindow(ms: number | null): void;
}

/** The strip-chart data of the chosen buffer, outside React: the charts redraw when it changes. */
export class StripFeed {
  history: StripHistory | null = null;
  buffer: string | null = null;
  latest: StripUpdate['latest'] = null;
  events = 0;
  final = false;
  /** Rises with every change. */
  version = 0;
  private listeners = new Set<() => void>();

  /** Applies a host update. */
  apply(u: StripUpdate): void {
    if (u.buffer !== this.buffer) return;
    if (u.reset) {
      this.history = u.history ? StripHistory.fromJSON(u.history) : new StripHistory(u.fields);
    } else {
      // Buckets of an earlier subscription (other fields) may still arrive: ignore them.
      if (!this.history || this.history.fields.join('\u0000') !== u.fields.join('\u0000')) return;
      for (const b of u.buckets) this.history.add(b);
    }
    this.latest = u.latest;
    this.events = u.events;
    this.final = u.final;
    this.changed();
  }

  /** Forgets everything (a new subscription). */
  reset(buffer: string | null): void {
    this.buffer = buffer;
    this.history = null;
    this.latest = null;
    this.events = 0;
    this.final = false;
    this.changed();
  }

  /** Calls fn on every change; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

export interface Analysis {
  store: StoreApi<AnalysisState>;
  strip: StripFeed;
  dispose(): void;
}

/** Default strip fields: those with a colour hint, else the first few. */
export function defaultStripFields(info: BufferInfo | undefined): string[] {
  if (!info) return [];
  const colors = info.display?.colors;
  const names = info.fields.map((f) => f.name);
  const colored = colors && typeof colors === 'object' ? names.filter((n) => n in (colors as object)) : [];
  return colored.length ? colored : names.slice(0, DEFAULT_STRIP_FIELDS);
}

/** Wires the analysis state to a bridge. */
export function createAnalysis(bridge: Bridge): Analysis {
  const strip = new StripFeed();
  let buffers: BufferInfo[] = [];
  // Changes of request that the host has not answered yet: only the newest counts.
  let requestSeq = 0;

  const sendStrip = () => {
    const { stripBuffer } = store.getState();
    strip.reset(stripBuffer);
    if (!stripBuffer) return;
    // Every field (not only those charted): the panel shows each one's latest value as text.
    bridge
      .request({ type: 'strip', buffer: stripBuffer })
      .then(() => store.setState({ stripError: null }))
      .catch((e: Error) => store.setState({ stripError: e.message }));
  };

  const store = createStore<AnalysisState>()((set, get) => ({
    tab: 'scope',
    request: null,
    histogram: null,
    histogramError: null,
    autoRange: false,
    logY: false,
    stripBuffer: null,
    stripFields: [],
    stripWindow: 60_000,
    stripError: null,

    setTab: (tab) => set({ tab }),
    setRequest: async (request, options = {}) => {
      const seq = ++requestSeq;
      set({ request, autoRange: options.autoRange === true });
      try {
        await bridge.request({ type: 'histogram', id: HISTOGRAM_ID, spec: request });
        if (seq === requestSeq) set({ histogramError: null });
      } catch (e) {
        if (seq === requestSeq) set({ histogramError: (e as Error).message });
      }
    },
    setLogY: (logY) => set({ logY }),
    setStripBuffer: (stripBuffer) => {
      set({ stripBuffer, stripFields: defaultStripFields(buffers.find((b) => b.name === stripBuffer)) });
      sendStrip();
    },
    setStripFields: (stripFields) => {
      const info = buffers.find((b) => b.name === get().stripBuffer);
      // Keep the buffer's order.
      set({ stripFields: info ? info.fields.map((f) => f.name).filter((n) => stripFields.includes(n)) : stripFields });
      sendStrip();
    },
    setStripWindow: (stripWindow) => set({ stripWindow }),
  }));

  // A setup (on connecting, or a new one): keep what still fits, else the setup's defaults.
  const adopt = (setup: SetupInfo | null) => {
    buffers = setup?.buffers ?? [];
    const s = store.getState();
    const scalar = scalarBuffers(buffers);
    const request = s.request && requestFits(s.request, buffers) ? s.request : defaultHistogram(buffers);
    const waves = buffers.some((b) => b.samples > 1);
    // Another setup (not a reconnect to the same one): start from its defaults.
    const fresh = !s.request || !requestFits(s.request, buffers);
    const keepStrip = s.stripBuffer !== null && scalar.some((b) => b.name === s.stripBuffer);
    const stripBuffer = keepStrip ? s.stripBuffer : (scalar[0]?.name ?? null);
    const info = buffers.find((b) => b.name === stripBuffer);
    const stripFields = keepStrip ? s.stripFields.filter((f) => info?.fields.some((x) => x.name === f)) : defaultStripFields(info);
    store.setState({
      histogram: null,
      histogramError: null,
      stripBuffer,
      stripFields,
      stripError: null,
      // A new setup opens on the oscilloscope when it has waveforms, else on its strip charts.
      ...(fresh ? { tab: waves || scalar.length === 0 ? 'scope' : 'strip' } : {}),
    });
    const kept = request === s.request;
    const histInfo = request ? buffers.find((b) => b.name === request.buffer) : undefined;
    const autoRange = kept ? s.autoRange : !!histInfo && !hintedRange(histInfo, request!.field);
    if (request && setup?.runnable) void store.getState().setRequest(request, { autoRange });
    else store.setState({ request, autoRange });
    if (setup?.runnable) sendStrip();
    else strip.reset(null);
  };

  const off = bridge.onEvent((ev: HostEvent) => {
    switch (ev.type) {
      case 'hello':
        adopt(ev.setup);
        break;
      case 'setup':
        adopt(ev.setup);
        break;
      case 'histogram':
        if (ev.histogram.id === HISTOGRAM_ID) {
          const r = store.getState().request;
          // An update for the request before the newest one is dropped: the newest follows.
          if (!r || (r.buffer === ev.histogram.buffer && r.field === ev.histogram.field)) store.setState({ histogram: ev.histogram });
          const h = ev.histogram;
          // An automatic range widens to the values while few are in, then stays (the kept values re-bin exactly).
          if (r && store.getState().autoRange && h.events > 0 && (h.underflow > 0 || h.overflow > 0 || h.entries === 0)) {
            const range = rangeForData(h.low, h.high, r.bins);
            if (range) void store.getState().setRequest({ ...r, range, fit: r.fit ? defaultFitWindow(range) : r.fit }, { autoRange: h.events < AUTO_RANGE_EVENTS });
          } else if (r && store.getState().autoRange && h.events >= AUTO_RANGE_EVENTS) store.setState({ autoRange: false });
        }
        break;
      case 'strip':
        strip.apply(ev.strip);
        break;
    }
  });
  return { store, strip, dispose: off };
}
