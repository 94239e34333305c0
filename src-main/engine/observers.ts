// Snapshots of a buffer's newest event for hosts (Engine.observe): a
// fixed-rate timer per subscription reads whichever run is active; when a run
// ends each subscription gets the run's last event if its timer had not yet
// shown it (a run of one event shows that event); the engine stops them all
// when it closes.
import type { RingBuffer } from '../../src-shared/ringbuffer';
import type { EventSnapshot, Unsubscribe } from './api';
import type { RunPlan } from './plan';
import { fixedRateTimer } from './ticker';

interface Observer {
  buffer: string;
  hz: number;
  listener: (s: EventSnapshot) => void;
  stop: () => void;
  lastSeq: number;
  rb: RingBuffer | null;
  obs: ReturnType<RingBuffer['observer']> | null;
}

/** The engine's observe() subscriptions. */
export class Observers {
  private observers = new Set<Observer>();

  constructor(
    private readonly plan: RunPlan,
    /** The active run's buffer of that name; null while no run is active. */
    private readonly activeBuffer: (name: string) => RingBuffer | null,
  ) {}

  observe(buffer: string, hz: number, listener: (snapshot: EventSnapshot) => void): Unsubscribe {
    if (!this.plan.buffers.some((b) => b.name === buffer)) throw new Error(`no ring buffer named "${buffer}" (buffers: ${this.plan.buffers.map((b) => b.name).join(', ')})`);
    const sub = {
      buffer,
      hz,
      listener,
      lastSeq: -1,
      rb: null as RingBuffer | null,
      obs: null as ReturnType<RingBuffer['observer']> | null,
      stop: () => {},
    };
    sub.stop = fixedRateTimer(1000 / Math.max(0.1, Math.min(hz, 120)), () => this.deliver(sub, this.activeBuffer(buffer)));
    this.observers.add(sub);
    return () => {
      sub.stop();
      this.observers.delete(sub);
    };
  }

  /** Each subscription's newest event of `buffers` (the run that is ending), where not shown yet. */
  runEnding(buffers: ReadonlyMap<string, RingBuffer>): void {
    for (const o of this.observers) this.deliver(o, buffers.get(o.buffer) ?? null);
  }

  private deliver(sub: Observer, rb: RingBuffer | null): void {
    if (!rb) return;
    if (rb !== sub.rb) {
      sub.rb = rb;
      sub.obs = rb.observer();
      sub.lastSeq = -1;
    }
    const snap = sub.obs!.latest();
    if (!snap || snap.seq === sub.lastSeq) return;
    sub.lastSeq = snap.seq;
    sub.listener({ buffer: sub.buffer, seq: snap.seq, counter: snap.counter, timestamp: snap.timestamp, deadtime: snap.deadtime, fields: snap.fields });
  }

  /** Stops every subscription. */
  close(): void {
    for (const o of this.observers) o.stop();
    this.observers.clear();
  }
}
