// An in-memory stand-in for the engine, for the session's unit tests and
// for developing the UI without the real pipeline (dev-serve.ts).
// Never used by e2e tests or the build. It mimics the muon setup's shape:
// RB_1 raw waveforms (4 channels) → RB_2 accepted waveforms + RB_3 parameters.
import type { RunState, RunSummary, StatusReport } from '../../src-shared/engine/status';
import type { BufferInfo, EngineEvents, EngineHandle, EventSnapshot, StartOptions, Unsubscribe } from '../../src-main/engine/api';

export interface FakeEngineOptions {
  setupPath?: string;
  samples?: number;
  /** When true, events flow and status/snapshots are emitted on timers (for dev); tests drive it by hand. */
  auto?: boolean;
  /** Source events per auto tick (every 20 ms). */
  eventsPerTick?: number;
  statusMs?: number;
  /** Makes start() reject with this message. */
  failStart?: string;
  /** stop() only enters 'stopping' and waits (a function that does not stop); abort() ends the run. */
  stuckStop?: boolean;
}

type Listeners = { [K in keyof EngineEvents]: Set<(p: EngineEvents[K]) => void> };

const CHANNELS = ['chA', 'chB', 'chC', 'chD'];

/** A controllable EngineHandle: tick() makes events, emitStatus() reports, deliverSnapshots() observes. */
export class FakeEngine implements EngineHandle {
  readonly setupPath: string;
  state: RunState = 'idle';
  readonly calls: string[] = [];
  readonly params: { fn: string; name: string; value: unknown }[] = [];
  private readonly samples: number;
  private readonly listeners: Listeners = { status: new Set(), state: new Set(), log: new Set(), error: new Set(), ended: new Set() };
  private readonly observers = new Set<{ buffer: string; hz: number; fn: (s: EventSnapshot) => void; last: number }>();
  private written = { RB_1: 0, RB_2: 0, RB_3: 0 };
  private seq = 0;
  private started = 0;
  private startedIso = '';
  private options: StartOptions = {};
  private timers: ReturnType<typeof setInterval>[] = [];
  private lastSummary: RunSummary | null = null;
  private endWaiters: ((s: RunSummary) => void)[] = [];
  private rates = { RB_1: 0, RB_2: 0, RB_3: 0 };
  private lastRateAt = 0;
  private lastRateCounts = { RB_1: 0, RB_2: 0, RB_3: 0 };

  constructor(private readonly opts: FakeEngineOptions = {}) {
    this.setupPath = opts.setupPath ?? 'fake/setup.yaml';
    this.samples = opts.samples ?? 4250;
  }

  /** Like Engine.load: a fake engine for any path, or problems for a path containing "bad". */
  static async load(setupPath: string, opts: FakeEngineOptions = {}) {
    if (setupPath.includes('bad')) {
      return {
        engine: null,
        problems: [
          { severity: 'error' as const, message: 'RB_assign names an unknown buffer "RB_9"; declared are RB_1, RB_2.', file: setupPath, line: 12, column: 41, path: 'Functions.Fkt_2.RB_assign.RB_9' },
          { severity: 'warning' as const, message: 'GUI_control is ignored by RingScope.', file: setupPath, line: 30, column: 3, path: 'Functions.Fkt_main.GUI_control' },
        ],
      };
    }
    return { engine: new FakeEngine({ ...opts, setupPath }), problems: [] };
  }

  buffers(): BufferInfo[] {
    const wave = CHANNELS.map((name) => ({ name, dtype: 'float32' }));
    const display = { sample_time_ns: 4, trigger_level: -440, pre_trigger_samples: 500, units: 'mV' };
    return [
      { name: 'RB_1', slots: 128, samples: this.samples, fields: wave, display, groups: ['Fkt_2'], observed: false },
      { name: 'RB_2', slots: 128, samples: this.samples, fields: wave, display, groups: ['Fkt_4'], observed: true },
      {
        name: 'RB_3',
        slots: 32,
        samples: 1,
        fields: [
          { name: 'decay_time', dtype: 'int32' },
          { name: 'height', dtype: 'float64' },
        ],
        display: { histogram: 'decay_time' },
        groups: ['Fkt_3'],
        observed: false,
      },
    ];
  }

  async start(options: StartOptions = {}): Promise<void> {
    this.calls.push('start');
    if (this.opts.failStart) throw new Error(this.opts.failStart);
    if (this.state !== 'idle' && this.state !== 'ended' && this.state !== 'failed') throw new Error('already running');
    this.options = options;
    this.written = { RB_1: 0, RB_2: 0, RB_3: 0 };
    this.lastRateCounts = { RB_1: 0, RB_2: 0, RB_3: 0 };
    this.started = Date.now();
    this.lastRateAt = this.started;
    this.startedIso = new Date().toISOString();
    this.setState('starting');
    this.setState('running');
    if (this.opts.auto) {
      this.timers.push(setInterval(() => this.state === 'running' && this.tick(this.opts.eventsPerTick ?? 40), 20));
      this.timers.push(setInterval(() => this.emitStatus(), this.opts.statusMs ?? 1000));
      this.timers.push(setInterval(() => this.deliverSnapshots(true), 5));
    }
  }

  /** Makes n source events (RB_1), of which every 12th is accepted (RB_2, RB_3). */
  tick(n = 1): void {
    if (this.state !== 'running') return;
    for (let i = 0; i < n; i++) {
      this.written.RB_1 += 1;
      this.seq += 1;
      if (this.written.RB_1 % 12 === 0) {
        this.written.RB_2 += 1;
        this.written.RB_3 += 1;
      }
    }
    const limit = this.options.runevents ?? 0;
    if (limit > 0 && this.written.RB_1 >= limit) void this.finish('runevents');
  }

  pause(): void {
    this.calls.push('pause');
    if (this.state !== 'running') throw new Error('not running');
    this.setState('paused');
  }

  resume(): void {
    this.calls.push('resume');
    if (this.state !== 'paused') throw new Error('not paused');
    this.setState('running');
  }

  async stop(): Promise<RunSummary> {
    this.calls.push('stop');
    if (this.opts.stuckStop && this.state === 'running') {
      this.setState('stopping');
      return this.waitForEnd();
    }
    return this.finish('stop');
  }

  async abort(): Promise<RunSummary> {
    this.calls.push('abort');
    return this.finish('abort');
  }

  setParam(fn: string, name: string, value: unknown): void {
    if (fn !== 'Fkt_1') throw new Error(`There is no function "${fn}".`);
    this.params.push({ fn, name, value });
  }

  status(): StatusReport {
    const now = Date.now();
    const dt = (now - this.lastRateAt) / 1000;
    if (dt > 0.2) {
      for (const k of ['RB_1', 'RB_2', 'RB_3'] as const) {
        this.rates[k] = (this.written[k] - this.lastRateCounts[k]) / dt;
        this.lastRateCounts[k] = this.written[k];
      }
      this.lastRateAt = now;
    }
    const buf = (name: 'RB_1' | 'RB_2' | 'RB_3', slots: number, group: string) => ({
      name,
      slots,
      written: this.written[name],
      released: { [group]: this.written[name] },
      filled: this.state === 'running' ? Math.min(slots, 3 + (this.written[name] % 7)) : 0,
      rate: this.state === 'running' ? this.rates[name] : 0,
      deadtime: name === 'RB_1' && this.state === 'running' ? 0.02 : 0,
      deadtime_mean: name === 'RB_1' ? 0.015 : 0,
    });
    const active = this.state === 'running' || this.state === 'paused' || this.state === 'stopping';
    return {
      state: this.state,
      elapsed: this.started ? (now - this.started) / 1000 : 0,
      source_events: this.written.RB_1,
      buffers: [buf('RB_1', 128, 'Fkt_2'), buf('RB_2', 128, 'Fkt_4'), buf('RB_3', 32, 'Fkt_3')],
      functions: [
        {
          name: 'Fkt_1',
          fkt_name: 'muon',
          instances: [{ instance: 0, state: active ? 'running' : 'ended', events_in: 0, events_out: { RB_1: this.written.RB_1 }, failed_events: 0 }],
          errors: [],
        },
        {
          name: 'Fkt_2',
          fkt_name: 'lifetime',
          instances: [0, 1].map((instance) => ({
            instance,
            state: active ? ('running' as const) : ('ended' as const),
            events_in: this.written.RB_1 / 2,
            events_out: { RB_2: this.written.RB_2 / 2, RB_3: this.written.RB_3 / 2 },
            failed_events: 0,
          })),
          errors: [],
        },
      ],
      run_directory: this.started ? '/tmp/fake-target/setup_run' : null,
    };
  }

  /** Emits a status report now (as the engine does about once a second). */
  emitStatus(): void {
    this.emit('status', this.status());
  }

  /** Emits a function error as the engine would. */
  failFunction(message: string): void {
    this.emit('error', { function: 'Fkt_2', fkt_name: 'lifetime', instance: 1, counter: this.written.RB_1, message, policy: 'skip_event' });
  }

  /** Emits a log line. */
  log(message: string): void {
    this.emit('log', { time: Date.now(), level: 'info', source: 'engine', message });
  }

  waitForEnd(): Promise<RunSummary> {
    if (this.state !== 'starting' && this.state !== 'running' && this.state !== 'paused' && this.state !== 'stopping') {
      return Promise.resolve(this.lastSummary ?? this.summary('stop'));
    }
    return new Promise((r) => this.endWaiters.push(r));
  }

  on<K extends keyof EngineEvents>(event: K, listener: (payload: EngineEvents[K]) => void): Unsubscribe {
    const set = this.listeners[event] as Set<(p: EngineEvents[K]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  observe(buffer: string, hz: number, listener: (snapshot: EventSnapshot) => void): Unsubscribe {
    if (!this.buffers().some((b) => b.name === buffer)) throw new Error(`unknown buffer ${buffer}`);
    const o = { buffer, hz, fn: listener, last: 0 };
    this.observers.add(o);
    return () => this.observers.delete(o);
  }

  /** Number of active observe() subscriptions. */
  get observerCount(): number {
    return this.observers.size;
  }

  /** Sends every observer the newest event (rate-limited to its hz when `paced`). */
  deliverSnapshots(paced = false): void {
    if (this.state !== 'running' && this.state !== 'paused') return;
    const now = performance.now();
    for (const o of this.observers) {
      if (paced && now - o.last < 1000 / o.hz) continue;
      o.last = now;
      o.fn(this.snapshot(o.buffer));
    }
  }

  /** A muon-like event: baseline, noise, a pulse at the pre-trigger position and sometimes a second. */
  snapshot(buffer: string): EventSnapshot {
    const fields: Record<string, Float32Array | Int32Array | Float64Array> = {};
    if (buffer === 'RB_3') {
      fields.decay_time = Int32Array.of(1000 + (this.seq % 5000));
      fields.height = Float64Array.of(250);
    } else {
      const second = 500 + ((this.seq * 997) % 3000);
      CHANNELS.forEach((name, k) => {
        const a = new Float32Array(this.samples);
        const h1 = 200 + 60 * Math.sin(this.seq + k);
        const h2 = k < 2 === (this.seq % 2 === 0) ? 150 : 0;
        for (let i = 0; i < a.length; i++) {
          let v = -480 + 8 * (0.5 - Math.random());
          if (i >= 500) v += h1 * Math.exp(-(i - 500) / 25);
          if (h2 && i >= second) v += h2 * Math.exp(-(i - second) / 25);
          a[i] = v;
        }
        fields[name] = a;
      });
    }
    return { buffer, seq: this.seq, counter: this.written.RB_1, timestamp: Date.now(), deadtime: 0.01, fields };
  }

  async close(): Promise<void> {
    this.calls.push('close');
    if (this.state === 'running' || this.state === 'paused') await this.finish('stop');
    this.observers.clear();
  }

  private summary(reason: RunSummary['end_reason']): RunSummary {
    return {
      setup: this.setupPath,
      started: this.startedIso,
      ended: new Date().toISOString(),
      state: 'ended',
      end_reason: reason,
      error: reason === 'error' ? 'a fake error' : null,
      run_directory: '/tmp/fake-target/setup_run',
      runevents: this.options.runevents ?? 0,
      runtime: this.options.runtime ?? 0,
      buffers: {
        RB_1: { written: this.written.RB_1, released: { Fkt_2: this.written.RB_1 }, deadtime_mean: 0.015 },
        RB_2: { written: this.written.RB_2, released: { Fkt_4: this.written.RB_2 }, deadtime_mean: 0 },
        RB_3: { written: this.written.RB_3, released: { Fkt_3: this.written.RB_3 }, deadtime_mean: 0 },
      },
      functions: {
        Fkt_2: {
          fkt_name: 'lifetime',
          instances: 2,
          state: 'ended',
          events_in: this.written.RB_1,
          events_out: { RB_2: this.written.RB_2, RB_3: this.written.RB_3 },
          failed_events: 0,
          errors: [],
        },
      },
      exports: ['Fkt_3_RB_3.csv', 'Fkt_5_RB_2.parquet'],
    };
  }

  private async finish(reason: RunSummary['end_reason']): Promise<RunSummary> {
    if (this.state === 'ended' || this.state === 'idle' || this.state === 'failed') {
      return this.lastSummary ?? this.summary(reason);
    }
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.setState('stopping');
    const s = this.summary(reason);
    this.lastSummary = s;
    this.setState('ended');
    this.emit('ended', s);
    for (const w of this.endWaiters.splice(0)) w(s);
    return s;
  }

  private setState(s: RunState): void {
    this.state = s;
    this.emit('state', s);
    this.emit('status', this.status());
  }

  private emit<K extends keyof EngineEvents>(event: K, payload: EngineEvents[K]): void {
    for (const l of this.listeners[event] as Set<(p: EngineEvents[K]) => void>) l(payload);
  }
}
