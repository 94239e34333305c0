// Status reports and run.json, built from the plan and a run: the report before
// any run, a run's report (with its buffers' rates), and the summary written
// to run.json when it ends.
import type { BufferStatus, EndReason, FunctionState, FunctionStatus, RunProgress, RunState, RunSummary, StatusReport } from '../../src-shared/engine/status';
import { STAT } from '../../src-workers/runtime/protocol';
import { isSource, readerGroups, type RunPlan } from './plan';
import type { Run } from './run';

/** The report before the first run: every buffer and function, nothing counted. */
export function idleStatus(plan: RunPlan, state: RunState): StatusReport {
  return {
    state,
    elapsed: 0,
    source_events: 0,
    buffers: plan.buffers.map((b) => ({ name: b.name, slots: b.slots, written: 0, released: Object.fromEntries(readerGroups(plan, b.name).map((g) => [g, 0])), filled: 0, rate: 0, deadtime: 0, deadtime_mean: 0 })),
    functions: plan.functions.map((f) => ({ name: f.name, fkt_name: f.fkt_name, instances: [], errors: [] })),
    run_directory: null,
  };
}

/** A run's report now; a buffer's rates are recomputed when their last sample (run.sampling) is 500 ms old or more. */
export function collectStatus(plan: RunPlan, run: Run, state: RunState): StatusReport {
  const now = performance.now();
  const buffers: BufferStatus[] = [];
  for (const b of plan.buffers) {
    const st = run.buffers.get(b.name)!.status();
    const deadSum = st.deadtime_mean * st.written;
    const prev = run.sampling.lastSample.get(b.name);
    let rate = run.sampling.rates.get(b.name) ?? { rate: 0, deadtime: 0 };
    if (!prev) run.sampling.lastSample.set(b.name, { t: now, written: st.written, deadSum });
    else if (now - prev.t >= 500) {
      const dn = st.written - prev.written;
      rate = { rate: (dn * 1000) / (now - prev.t), deadtime: dn > 0 ? (deadSum - prev.deadSum) / dn : 0 };
      run.sampling.rates.set(b.name, rate);
      run.sampling.lastSample.set(b.name, { t: now, written: st.written, deadSum });
    }
    buffers.push({ name: b.name, slots: b.slots, written: st.written, released: st.released, filled: st.filled, rate: rate.rate, deadtime: rate.deadtime, deadtime_mean: st.deadtime_mean });
  }
  const functions: FunctionStatus[] = plan.functions.map((f) => ({
    name: f.name,
    fkt_name: f.fkt_name,
    errors: [...(run.errors.get(f.name) ?? [])],
    instances: run.instances
      .filter((i) => i.fn === f)
      .map((i) => {
        const s = run.stats;
        const events_out: Record<string, number> = {};
        f.assign.forEach((a, k) => {
          if (a.mode === 'write') events_out[a.buffer] = s[i.statsOffset + STAT.OUT0 + k];
        });
        return { instance: i.index, state: i.state, events_in: s[i.statsOffset + STAT.EVENTS_IN], events_out, failed_events: s[i.statsOffset + STAT.FAILED], extra: { ...i.extra } };
      }),
  }));
  const source_events = functions
    .filter((f) => isSource(plan.functions.find((p) => p.name === f.name)!))
    .reduce((n, f) => n + f.instances.reduce((m, i) => m + Object.values(i.events_out).reduce((a, b) => a + b, 0), 0), 0);
  return { state, elapsed: (now - run.clock.startedAt) / 1000, source_events, buffers, functions, run_directory: run.dir, disk: run.diskStatus };
}

/** run.json's content, from the run's final status; `ended` is now; `error`: what stopped the run for end_reason 'error'. */
export function runSummary(plan: RunPlan, run: Run, finalStatus: StatusReport, reason: EndReason, error: string | null): RunSummary {
  return { state: 'ended', ...runCounts(plan, run, finalStatus), ended: new Date().toISOString(), end_reason: reason, error };
}

/** run.json's content while the run goes: the counts so far. */
export function runProgress(plan: RunPlan, run: Run, status: StatusReport): RunProgress {
  return { state: 'running', ...runCounts(plan, run, status), ended: null, end_reason: null, error: null, updated: new Date().toISOString() };
}

function runCounts(plan: RunPlan, run: Run, finalStatus: StatusReport): Omit<RunSummary, 'state' | 'ended' | 'end_reason' | 'error'> {
  return {
    setup: plan.setupPath,
    started: run.started.toISOString(),
    run_directory: run.dir,
    runevents: run.runevents,
    runtime: run.runtime,
    buffers: Object.fromEntries(finalStatus.buffers.map((b) => [b.name, { written: b.written, released: b.released, deadtime_mean: b.deadtime_mean }])),
    functions: Object.fromEntries(
      finalStatus.functions.map((f) => {
        const sum = (k: 'events_in' | 'failed_events') => f.instances.reduce((n, i) => n + i[k], 0);
        const out: Record<string, number> = {};
        for (const i of f.instances) for (const [b, n] of Object.entries(i.events_out)) out[b] = (out[b] ?? 0) + n;
        const state: FunctionState = f.instances.some((i) => i.state === 'failed') ? 'failed' : 'ended';
        return [f.name, { fkt_name: f.fkt_name, instances: f.instances.length, state, events_in: sum('events_in'), events_out: out, failed_events: sum('failed_events'), errors: f.errors }];
      }),
    ),
    exports: [...run.exports].sort(),
    export_sources: Object.fromEntries([...run.exportSources].sort(([a], [b]) => a.localeCompare(b))),
  };
}
