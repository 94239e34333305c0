// Waveform snapshots from the engine to the clients that watch a buffer: the
// session observes exactly the buffers some client wants while the run
// delivers, converts each snapshot once, and paces it per client (newest wins).
import { normaliseDtype, sampleTypeOf, toSampleArray } from '../../src-shared/bridge/codec';
import type { BufferInfo, HostEvent, Snapshot, SnapshotField } from '../../src-shared/bridge/protocol';
import { SNAPSHOT_WINDOW } from '../../src-shared/bridge/protocol';
import type { EngineHandle, EventSnapshot, Unsubscribe } from '../engine/api';
import { safely, type ClientState } from './clients';

/** What the snapshot fan-out reads of its session. */
export interface SnapshotSource {
  /** The highest rate the engine observes at. */
  readonly maxHz: number;
  /** Milliseconds clock for pacing. */
  now(): number;
  clients(): Iterable<ClientState>;
  bufferInfo(buffer: string): BufferInfo | undefined;
  /** Tells every client something it should see (a buffer that cannot be shown). */
  broadcast(ev: HostEvent): void;
}

/** The engine observations a session holds, one per watched buffer. */
export class SnapshotFanout {
  private readonly observations = new Map<string, Unsubscribe>();

  constructor(private readonly source: SnapshotSource) {}

  /** Observe exactly the buffers some client wants (none when `engine` is null or does not deliver). */
  sync(engine: EngineHandle | null): void {
    const want = new Set<string>();
    if (engine) {
      for (const st of this.source.clients()) if (st.buffer !== null && this.source.bufferInfo(st.buffer)) want.add(st.buffer);
    }
    for (const [buffer, un] of this.observations) {
      if (!want.has(buffer)) {
        safely(un);
        this.observations.delete(buffer);
      }
    }
    for (const buffer of want) {
      if (this.observations.has(buffer) || !engine) continue;
      try {
        this.observations.set(
          buffer,
          engine.observe(buffer, this.source.maxHz, (s) => this.onSnapshot(s)),
        );
      } catch (err) {
        this.source.broadcast({ type: 'error', message: `Cannot show buffer ${buffer}: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }

  /** Ends every observation (the engine is going away). */
  clear(): void {
    for (const [, un] of this.observations) safely(un);
    this.observations.clear();
  }

  private onSnapshot(es: EventSnapshot): void {
    let ev: HostEvent | null = null;
    const now = this.source.now();
    for (const st of this.source.clients()) {
      if (st.buffer !== es.buffer) continue;
      // Newest wins: a client that has not consumed its window, is backed up, or
      // asked for a lower rate simply misses this one and gets a later one.
      if (st.inFlight >= SNAPSHOT_WINDOW) continue;
      // 0.7 of the period: the engine's timer already paces at the highest rate asked for;
      // this only halves it for a client that asked for less, and lets its jitter through.
      if (now - st.lastSent < 700 / st.hz) continue;
      if (st.client.congested()) continue;
      ev ??= { type: 'snapshot', snapshot: toSnapshot(es, this.source.bufferInfo(es.buffer)) };
      st.inFlight += 1;
      st.lastSent = now;
      st.client.send(ev);
    }
  }
}

/** Converts an engine snapshot to the bridge's, with each field's dtype from the buffer layout. */
export function toSnapshot(es: EventSnapshot, info: BufferInfo | undefined): Snapshot {
  const names = info ? info.fields.map((f) => f.name).filter((n) => n in es.fields) : [];
  for (const n of Object.keys(es.fields)) if (!names.includes(n)) names.push(n);
  const fields: SnapshotField[] = names.map((name) => {
    const values = es.fields[name];
    const declared = info?.fields.find((f) => f.name === name)?.dtype;
    const dtype = sampleTypeOf(values) ?? (declared ? normaliseDtype(declared) : null) ?? 'float64';
    return { name, dtype, data: toSampleArray(values, dtype) };
  });
  return { buffer: es.buffer, seq: es.seq, counter: es.counter, timestamp: es.timestamp, deadtime: es.deadtime, fields };
}
