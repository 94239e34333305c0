// Snapshots bypass React state: they arrive up to 30 times a second and only
// the oscilloscope's draw loop reads them. The feed keeps just the newest
// (newest wins) and tells the host how many were consumed, which is the
// host's permission to send more (flow control; see SNAPSHOT_WINDOW).
import type { Command, Snapshot } from '../../../src-shared/bridge/protocol';

export class SnapshotFeed {
  private latest: Snapshot | null = null;
  private version = 0;
  private taken = 0;
  private unacked = 0;
  /** Snapshots received since the page loaded (for the benchmark). */
  received = 0;

  constructor(private readonly send: (cmd: Command) => void) {}

  /** Stores a received snapshot (replacing any not yet drawn). */
  push(s: Snapshot): void {
    this.latest = s;
    this.received += 1;
    this.version += 1;
    this.unacked += 1;
  }

  /** The newest snapshot if it arrived since the last take, else null. */
  take(): Snapshot | null {
    if (this.version === this.taken) return null;
    this.taken = this.version;
    return this.latest;
  }

  /** The newest snapshot, drawn or not (for a panel that mounts late). */
  peek(): Snapshot | null {
    return this.latest;
  }

  /** Acknowledges every snapshot received so far, so the host sends the next ones. */
  consumed(): void {
    if (this.unacked === 0) return;
    this.send({ type: 'snapshot_ack', count: this.unacked });
    this.unacked = 0;
  }

  /** Forgets the flow-control count (the host reset it: new connection or subscription). */
  reset(): void {
    this.unacked = 0;
  }
}
