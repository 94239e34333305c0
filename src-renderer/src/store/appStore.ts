// The app's state (zustand): connection, setup, status and its history, the
// last run's summary, notices, and the run options being edited. Everything
// here changes at most about once a second; waveform snapshots go to the
// SnapshotFeed instead, so they never re-render React.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { describeFunctionError } from '../../../src-shared/bridge/describe';
import type { BufferInfo, HostEvent, LogLine, RunControlCommand, RunFiles, SetupInfo } from '../../../src-shared/bridge/protocol';
import { DEFAULT_DISPLAY_HZ, isActive, LOG_HISTORY } from '../../../src-shared/bridge/protocol';
import type { RunState, RunSummary, StatusReport } from '../../../src-shared/engine/status';
import type { Bridge, ConnectionState } from '../bridge/Bridge';
import { createEditorSlice, editedDiffers, wireEditor, type EditorSlice } from './editor';
import { createAnalysis, type Analysis } from '../analysis/store';
import { SnapshotFeed } from './snapshots';

/** Rate samples kept per buffer for its sparkline (about a minute at one report a second). */
export const RATE_HISTORY = 60;

export interface Notice {
  id: number;
  level: 'error' | 'info';
  text: string;
}

export type RunCommand = 'start' | 'pause' | 'resume' | 'stop' | 'abort';

export interface AppState extends EditorSlice {
  /** caput with completion to any Channel Access PV (text that reads as a number is sent as one); resolves with the refusal, or null when done. */
  putPv(pv: string, value: string): Promise<string | null>;
  connection: ConnectionState;
  connectionDetail: string | null;
  server: { version: string; host: string } | null;
  maxHz: number;
  setup: SetupInfo | null;
  status: StatusReport | null;
  /** Rises with every status report: a handshake for tests and for "has anything changed". */
  statusSeq: number;
  rateHistory: Record<string, number[]>;
  /** The rate shown per buffer: for slow buffers over the last seconds' counts (see shownRate). */
  rates: Record<string, number>;
  /** (elapsed s, written) of the last reports per buffer, for shownRate. */
  countHistory: Record<string, [number, number][]>;
  lastRun: RunSummary | null;
  notices: Notice[];
  log: LogLine[];
  /** The current or last run's files (sizes, downloads, growth). */
  runFiles: RunFiles | null;
  /** Shows the list of keyboard shortcuts ("?"). */
  shortcutsOpen: boolean;
  /** Run limits as typed (empty = the setup's own value). */
  runOptions: { runevents: string; runtime: string };
  scopeBuffer: string | null;
  /** The run command waiting for its acknowledgement, if any. */
  pending: RunCommand | null;

  start(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** Aborts a run that is stopping (files closed as they are). */
  abort(): Promise<void>;
  openSetup(path: string): Promise<void>;
  setRunOption(key: 'runevents' | 'runtime', value: string): void;
  selectScopeBuffer(name: string | null): void;
  dismissNotice(id: number): void;
  showShortcuts(open: boolean): void;
}

/** What another window did, in words: "Paused from another window." */
export const FROM_ELSEWHERE: Record<RunControlCommand, string> = {
  start: 'Started from another window.',
  pause: 'Paused from another window.',
  resume: 'Resumed from another window.',
  stop: 'Stopped from another window.',
  abort: 'Aborted from another window.',
};

export type AppStore = StoreApi<AppState>;

/** Parses a run limit as typed: undefined for empty, a number ≥ 0, or an Error in plain words. */
export function parseRunOption(text: string, what: string): number | undefined | Error {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) return new Error(`${what} must be a number ≥ 0 (0 = no limit).`);
  if (what === 'Events' && !Number.isInteger(n)) return new Error('Events must be a whole number.');
  return n;
}

/**
 * The buffer the oscilloscope shows first: the one whose display hints say
 * `scope: true`, else a waveform buffer some function observes (a display
 * function's), else the first waveform buffer declared — setups list buffers
 * in data-flow order, so that is the raw data (every trigger), what a scope shows.
 */
export function defaultScopeBuffer(buffers: BufferInfo[]): string | null {
  const waves = buffers.filter((b) => b.samples > 1);
  return (buffers.find((b) => b.display?.scope === true) ?? waves.find((b) => b.observed) ?? waves[0] ?? buffers[0])?.name ?? null;
}

const SCOPE_KEY = 'ringscope.scope-buffer';

/** The buffer the user last chose for a setup (kept in localStorage, per setup path). */
export function rememberedScopeBuffer(setupPath: string): string | null {
  try {
    const all = JSON.parse(globalThis.localStorage?.getItem(SCOPE_KEY) ?? '{}') as Record<string, unknown>;
    return typeof all[setupPath] === 'string' ? (all[setupPath] as string) : null;
  } catch {
    return null;
  }
}

function rememberScopeBuffer(setupPath: string, buffer: string | null): void {
  try {
    const all = JSON.parse(globalThis.localStorage?.getItem(SCOPE_KEY) ?? '{}') as Record<string, unknown>;
    if (buffer === null) delete all[setupPath];
    else all[setupPath] = buffer;
    globalThis.localStorage?.setItem(SCOPE_KEY, JSON.stringify(all));
  } catch {
    // kept for this page only
  }
}

/** Seconds of counts a slow buffer's rate is taken over. */
export const RATE_WINDOW_S = 10;

/**
 * The rate to show: the engine's (commits over its last half second or so) for a fast buffer;
 * for a slow one (under 20 Hz) the events written over the last RATE_WINDOW_S seconds of reports,
 * since one event a second counted in half-second windows reads as 0, 2, 0.4 … Hz.
 */
export function shownRate(engineRate: number, counts: [number, number][]): number {
  if (engineRate >= 20 || counts.length < 2) return engineRate;
  const [t0, n0] = counts[0];
  const [t1, n1] = counts[counts.length - 1];
  return t1 - t0 >= 2 ? (n1 - n0) / (t1 - t0) : engineRate;
}

/** The run state shown: the status report's, idle before any. */
export function runState(s: Pick<AppState, 'status'>): RunState {
  return s.status?.state ?? 'idle';
}

/** Creates the store and wires it to a bridge; `feed` receives the snapshots. */
export function createAppStore(bridge: Bridge): { store: AppStore; feed: SnapshotFeed; analysis: Analysis; dispose: () => void } {
  const feed = new SnapshotFeed((cmd) => bridge.send(cmd));
  let noticeId = 0;

  const store = createStore<AppState>()((set, get) => {
    const notice = (level: Notice['level'], text: string) =>
      set((s) => ({ notices: [...s.notices.slice(-19), { id: ++noticeId, level, text }] }));

    const runCommand = async (type: RunCommand, extra: Record<string, number | undefined> = {}) => {
      set({ pending: type });
      try {
        await bridge.request({ type, ...extra } as Parameters<Bridge['request']>[0]);
      } catch (err) {
        notice('error', `${type[0].toUpperCase()}${type.slice(1)} failed: ${(err as Error).message}`);
      } finally {
        if (get().pending === type) set({ pending: null });
      }
    };

    return {
      ...createEditorSlice<AppState>(set, get, bridge),
      connection: bridge.connection,
      connectionDetail: null,
      server: null,
      maxHz: DEFAULT_DISPLAY_HZ,
      setup: null,
      status: null,
      statusSeq: 0,
      rateHistory: {},
      rates: {},
      countHistory: {},
      lastRun: null,
      notices: [],
      log: [],
      runFiles: null,
      shortcutsOpen: false,
      runOptions: { runevents: '', runtime: '' },
      scopeBuffer: null,
      pending: null,

      start: async () => {
        const { runOptions } = get();
        const runevents = parseRunOption(runOptions.runevents, 'Events');
        const runtime = parseRunOption(runOptions.runtime, 'Run time');
        for (const v of [runevents, runtime]) {
          if (v instanceof Error) {
            notice('error', v.message);
            return;
          }
        }
        // The setup editor's text runs: edits not yet loaded are loaded first (or Start is refused with why).
        if (editedDiffers(get())) {
          set({ pending: 'start' });
          const blocked = await get().prepareStart();
          set({ pending: null });
          if (blocked) {
            notice('error', blocked);
            return;
          }
        }
        await runCommand('start', { runevents: runevents as number | undefined, runtime: runtime as number | undefined });
      },
      putPv: async (pv, value) => {
        const n = value.trim() === '' ? NaN : Number(value);
        try {
          await bridge.request({ type: 'pv_put', pv, value: Number.isNaN(n) ? value : n });
          return null;
        } catch (err) {
          return (err as Error).message;
        }
      },
      pause: () => runCommand('pause'),
      resume: () => runCommand('resume'),
      stop: () => runCommand('stop'),
      abort: () => runCommand('abort'),
      openSetup: async (path) => {
        try {
          await bridge.request({ type: 'open', path });
        } catch (err) {
          notice('error', `Could not open ${path}: ${(err as Error).message}`);
        }
      },
      setRunOption: (key, value) => set((s) => ({ runOptions: { ...s.runOptions, [key]: value } })),
      selectScopeBuffer: (name) => {
        set({ scopeBuffer: name });
        const path = get().setup?.path;
        if (path) rememberScopeBuffer(path, name);
        subscribe();
      },
      dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
      showShortcuts: (open) => set({ shortcutsOpen: open }),
    };
  });

  const subscribe = () => {
    const { scopeBuffer, maxHz } = store.getState();
    feed.reset();
    bridge.send({ type: 'subscribe', buffer: scopeBuffer, hz: maxHz });
  };

  const adoptSetup = (setup: SetupInfo | null) => {
    const prev = store.getState();
    const names = setup?.buffers.map((b) => b.name) ?? [];
    const has = (b: string | null): b is string => b !== null && names.includes(b);
    // The user's choice for this setup, else what was shown (the same setup again), else the default.
    const remembered = setup ? rememberedScopeBuffer(setup.path) : null;
    const current = prev.setup?.path === setup?.path ? prev.scopeBuffer : null;
    const scopeBuffer = has(remembered) ? remembered : has(current) ? current : defaultScopeBuffer(setup?.buffers ?? []);
    store.setState({ setup, scopeBuffer });
    subscribe();
  };

  const onStatus = (seq: number, status: StatusReport) => {
    const prev = store.getState();
    const newRun = isActive(status.state) && !isActive(prev.status?.state);
    const history: Record<string, number[]> = newRun ? {} : { ...prev.rateHistory };
    const counts: Record<string, [number, number][]> = newRun ? {} : { ...prev.countHistory };
    const rates: Record<string, number> = {};
    for (const b of status.buffers) {
      const h = history[b.name] ?? [];
      history[b.name] = [...h.slice(-(RATE_HISTORY - 1)), b.rate];
      const c = [...(counts[b.name] ?? []), [status.elapsed, b.written] as [number, number]].filter(([t]) => status.elapsed - t <= RATE_WINDOW_S);
      counts[b.name] = c;
      rates[b.name] = shownRate(b.rate, c);
    }
    store.setState({
      status,
      statusSeq: seq,
      rateHistory: history,
      countHistory: counts,
      rates,
      ...(newRun ? { lastRun: null } : {}),
    });
  };

  const onEvent = (ev: HostEvent) => {
    switch (ev.type) {
      case 'hello':
        store.setState({
          server: { version: ev.server.version, host: ev.server.host },
          maxHz: ev.maxHz,
          lastRun: ev.lastRun,
          status: ev.status,
          statusSeq: ev.statusSeq,
          rateHistory: {},
          countHistory: {},
          log: ev.log ?? [],
          runFiles: ev.runFiles ?? null,
        });
        adoptSetup(ev.setup);
        break;
      case 'setup':
        store.setState({ status: null, lastRun: null, rateHistory: {}, countHistory: {}, rates: {}, runFiles: null });
        adoptSetup(ev.setup);
        break;
      case 'status':
        onStatus(ev.seq, ev.status);
        break;
      case 'snapshot':
        feed.push(ev.snapshot);
        break;
      case 'run_ended':
        store.setState({ lastRun: ev.summary });
        break;
      case 'error':
        store.setState((s) => ({
          notices: [...s.notices.slice(-19), { id: ++noticeId, level: 'error', text: ev.function ? describeFunctionError(ev.function) : ev.message }],
        }));
        break;
      case 'log':
        store.setState((s) => ({ log: [...s.log.slice(-(LOG_HISTORY - 1)), ev.line] }));
        break;
      case 'run_files':
        store.setState({ runFiles: ev.files });
        break;
      case 'control':
        if (!ev.self) store.setState((s) => ({ notices: [...s.notices.slice(-19), { id: ++noticeId, level: 'info', text: FROM_ELSEWHERE[ev.command] }] }));
        break;
      case 'histogram':
      case 'ack':
        break;
    }
  };

  const offEvent = bridge.onEvent(onEvent);
  // Histograms and strip charts keep their own state beside this store (src-renderer/src/analysis).
  const analysis = createAnalysis(bridge);
  const offEditor = wireEditor(store, bridge);
  const offConnection = bridge.onConnection((connection, detail) => {
    store.setState({ connection, connectionDetail: connection === 'closed' ? (detail ?? null) : null });
  });
  return {
    store,
    feed,
    analysis,
    dispose: () => {
      offEvent();
      offEditor();
      offConnection();
      analysis.dispose();
    },
  };
}
