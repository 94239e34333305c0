// builtin:sources/epics — PVs of any Channel Access server into the buffer.
// Parameters: src-shared/builtins/source-epics.ts. Trigger mode: one event per
// update of the trigger PV, the other PVs taken as they were at its time stamp
// (an ECHO round trip makes sure the server's updates of that moment are in).
// Clock mode: every dt seconds the newest value of each PV. An event that
// cannot be taken — a PV disconnected or without a value yet — is counted as
// missed, never made up.
import type { EventView } from '../../../src-shared/ringbuffer';
import type { FunctionIO } from '../../runtime/io';
import { writerLayout } from '../../runtime/event-layout';
import { CaClient, type CaChannel, type CaValue } from '../../epics/client';
import { AlarmSeverity, AlarmStatus } from '../../epics/protocol';
import { planFields, writeField, type FieldPlan } from '../../epics/pv-fields';

/** Updates kept per PV for trigger mode's look-back (a trigger further behind than this is missed). */
const HISTORY = 64;
/** Trigger updates waiting for a free slot at most; more are counted as missed. */
const MAX_QUEUE = 100_000;

/** EPICS_CA_* for the client: the process's environment with the source's parameters laid over it. */
export function caEnvironment(config: Record<string, unknown>, env: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  const out = { ...env };
  if (typeof config.addr_list === 'string' && config.addr_list.trim()) out.EPICS_CA_ADDR_LIST = config.addr_list;
  if (config.auto_addr_list === 'YES' || config.auto_addr_list === 'NO') out.EPICS_CA_AUTO_ADDR_LIST = config.auto_addr_list;
  if (typeof config.server_port === 'number' && config.server_port > 0) out.EPICS_CA_SERVER_PORT = String(config.server_port);
  if (typeof config.name_servers === 'string' && config.name_servers.trim()) out.EPICS_CA_NAME_SERVERS = config.name_servers;
  return out;
}

/** A channel with its recent values, so that an event takes each PV as it was at the trigger's time stamp. */
class Tracked {
  history: CaValue[] = [];
  /** Called after each update is kept (the trigger listens here: one subscription per PV). */
  listeners: ((v: CaValue) => void)[] = [];
  /** Milliseconds spent disconnected after the first connection. */
  gapMs = 0;
  private downAt: number | null = null;

  constructor(readonly channel: CaChannel) {
    channel.monitor((v) => {
      this.history.push(v);
      if (this.history.length > HISTORY) this.history.shift();
      for (const l of this.listeners) l(v);
    });
    channel.onConnection((up) => {
      if (!up) {
        this.downAt = Date.now();
      } else {
        // Values from before the disconnect do not mix with the server's new ones.
        this.history = [];
        if (this.downAt !== null) this.gapMs += Date.now() - this.downAt;
        this.downAt = null;
      }
    });
  }

  /** Disconnected time so far, the current disconnection included. */
  gap(): number {
    return this.gapMs + (this.downAt === null ? 0 : Date.now() - this.downAt);
  }

  /**
   * The newest value stamped at or before `t` (ms). Null without such a value, or when
   * the PV was disconnected before `since` (local ms: when the trigger arrived; a PV lost after that
   * still had its values then).
   */
  at(t: number | null, since = Date.now()): CaValue | null {
    if (!this.history.length) return null;
    if (!this.channel.connected && (this.downAt === null || this.downAt < since)) return null;
    if (t === null) return this.history[this.history.length - 1];
    for (let i = this.history.length - 1; i >= 0; i--) {
      const s = this.history[i].stampMs;
      if (s === null || s <= t) return this.history[i];
    }
    // Every kept value is newer than t (subscribed just after it, or more than HISTORY updates since):
    // what the PV held at t is unknown, and a newer value would make an event that never was.
    return null;
  }
}

function disconnectedText(channels: CaChannel[]): string {
  const down = channels.filter((c) => !c.connected);
  if (!down.length) return 'none';
  return down.map((c) => `${c.name} since ${new Date(c.disconnectedSince ?? Date.now()).toISOString()}`).join(', ');
}

export default async function epics(io: FunctionIO): Promise<void> {
  const { buffer, layout } = writerLayout(io, 'sources/epics');
  const fields = layout.map((f) => f.name);
  const plan: FieldPlan[] = planFields(io.config.pvs, fields);
  const triggerName = String(io.config.trigger ?? '').trim();
  const triggerPv = triggerName ? (plan.find((p) => p.field === triggerName)?.pv ?? triggerName) : null;

  const client = new CaClient({ env: caEnvironment(io.config), log: (_level, m) => io.log.warn(m), clientName: `ringscope ${io.name}` });
  const tracked = new Map<string, Tracked>();
  for (const name of new Set([...plan.map((p) => p.pv), ...(triggerPv ? [triggerPv] : [])])) tracked.set(name, new Tracked(client.channel(name)));
  const channels = [...tracked.values()].map((t) => t.channel);
  let taken = 0;
  let missed = 0;
  let closing = false;
  for (const ch of channels) {
    ch.onConnection((up, c) => {
      if (closing) return;
      io.log[up ? 'info' : 'warn'](`${c.name} ${up ? 'connected' : 'disconnected'}`);
      report(true);
    });
  }
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < 500) return;
    lastReport = now;
    io.setStatus({
      mode: triggerPv ? `trigger ${triggerPv}` : `clock ${Number(io.config.dt)} s`,
      events: taken,
      missed,
      disconnects: channels.reduce((n, c) => n + c.disconnects, 0),
      gap_s: Math.round(Math.max(0, ...[...tracked.values()].map((t) => t.gap())) / 100) / 10,
      disconnected: disconnectedText(channels),
      bad_messages: client.stats.badMessages + client.searchErrors,
      pv_meta: pvMeta(),
    });
  };
  const reportTimer = setInterval(() => report(), 1000);
  /** Units, precision and limits the servers give, per field of the buffer (JSON: the window's strip charts read it). */
  const pvMeta = (): string => {
    const out: Record<string, unknown> = {};
    for (const p of plan) {
      const m = p.take === 'value' ? tracked.get(p.pv)!.channel.meta : null;
      if (m) out[p.field] = { pv: p.pv, units: m.units, precision: m.precision, limits: m.limits };
    }
    return JSON.stringify({ buffer, fields: out });
  };

  /** Fills an event from values at time `t`; false (and counted as missed) when a PV has none. */
  const fillAt = (ev: EventView, t: number | null, since?: number, trigger?: CaValue): boolean => {
    // The trigger's own fields take the trigger update itself, however far the queue is behind.
    const values = plan.map((p) => (trigger && p.pv === triggerPv ? trigger : tracked.get(p.pv)!.at(t, since)));
    if (values.some((v) => v === null)) {
      missed++;
      return false;
    }
    plan.forEach((p, i) => writeField(ev.fields[p.field], values[i]!, p.take));
    taken++;
    return true;
  };

  // Wakes a waiting fill: a trigger arrived, a tick is due, or the run stops.
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const waitForWake = (ms?: number) =>
    new Promise<void>((resolve) => {
      const t = ms === undefined ? null : setTimeout(wakeUp, ms);
      wake = () => {
        if (t) clearTimeout(t);
        resolve();
      };
    });
  io.signal.addEventListener('abort', wakeUp);

  try {
    if (triggerPv) await triggerLoop();
    else await clockLoop();
  } finally {
    clearInterval(reportTimer);
    report(true);
    closing = true;
    client.close();
  }

  async function triggerLoop(): Promise<void> {
    const queue: { value: CaValue; barrier: Promise<void> | null; arrived: number }[] = [];
    let barrier: Promise<void> | null = null;
    const others = [...tracked.entries()].filter(([name]) => name !== triggerPv).map(([, t]) => t);
    /** Every other PV has a value stamped at or after t: nothing of that moment can still be on its way. */
    const caughtUp = (t: number | null) => t !== null && others.every((o) => (o.history.at(-1)?.stampMs ?? -Infinity) >= t);
    let lastStamp = -Infinity;
    tracked.get(triggerPv!)!.listeners.push((value) => {
      // A trigger PV without a valid reading (UDF, INVALID: never set since its server started, or NaN) is no event.
      if (value.status === AlarmStatus.UDF && value.severity === AlarmSeverity.INVALID) return;
      // After a reconnect the server repeats its current value: an event already taken.
      if (value.stampMs !== null && value.stampMs <= lastStamp) return;
      if (value.stampMs !== null) lastStamp = value.stampMs;
      if (queue.length >= MAX_QUEUE) {
        missed++;
        return;
      }
      // One ECHO round trip covers every trigger that arrived in the same read; none is needed when
      // the other PVs are already past this time stamp (or there are none).
      if (!barrier && !caughtUp(value.stampMs)) {
        barrier = client.barrier();
        setImmediate(() => (barrier = null));
      }
      queue.push({ value, barrier: caughtUp(value.stampMs) ? null : barrier, arrived: Date.now() });
      wakeUp();
    });
    await io.source(async (ev) => {
      for (;;) {
        while (!queue.length) {
          if (io.signal.aborted) return false;
          await waitForWake();
        }
        const { value, barrier: b, arrived } = queue.shift()!;
        if (b && !caughtUp(value.stampMs)) await b;
        if (io.signal.aborted) return false;
        if (fillAt(ev, value.stampMs, arrived, value)) {
          if (value.stampMs !== null) ev.timestamp = value.stampMs;
          report();
          return true;
        }
      }
    });
  }

  async function clockLoop(): Promise<void> {
    let dtMs = Number(io.config.dt ?? 1) * 1000;
    io.onParam('dt', (v) => {
      dtMs = Number(v) * 1000;
      io.log.info(`dt is now ${Number(v)} s`);
    });
    let next = Date.now() + dtMs;
    await io.source(async (ev) => {
      for (;;) {
        while (Date.now() < next) {
          if (io.signal.aborted) return false;
          await waitForWake(next - Date.now());
        }
        if (io.signal.aborted) return false;
        // Ticks keep to a grid; a late tick (paused, buffer full) starts the grid afresh.
        next = Date.now() - next > dtMs ? Date.now() + dtMs : next + dtMs;
        if (fillAt(ev, null)) {
          ev.timestamp = Date.now();
          report();
          return true;
        }
        report();
      }
    });
  }
}
