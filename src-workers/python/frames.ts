// The pipe protocol between a worker thread and its Python process (the Python
// side is ringscope_link.py): frames of u32 length + one kind byte + payload. Events
// themselves lie in the shared file (shared-file.ts), one after the other, each as
// counter (int64), timestamp (float64 seconds, mimoCoRB's unit), deadtime (float64)
// and each field's values; frames only say how many and where.
import type { Readable } from 'node:stream';
import type { EventView, RingBufferLayout } from '../../src-shared/ringbuffer';
import { DTYPE_ARRAY } from '../../src-shared/ringbuffer/layout';

export interface Frame {
  kind: string;
  payload: Buffer;
}

const META_BYTES = 24;

/** A frame as bytes. */
export function frame(kind: string, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32LE(payload.byteLength, 0);
  head[4] = kind.charCodeAt(0);
  return Buffer.concat([head, payload]);
}

/** A u32 as a frame payload. */
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** Bytes of one event of a buffer in the shared file. */
export function eventBytes(layout: RingBufferLayout): number {
  return META_BYTES + layout.fields.reduce((sum, f) => sum + DTYPE_ARRAY[f.dtype].BYTES_PER_ELEMENT * layout.samples, 0);
}

/** Events copied out of shared memory into `out` (which holds them all), one after the other. */
export function encodeEvents(events: readonly EventView[], layout: RingBufferLayout, out: Buffer): Buffer {
  let off = 0;
  for (const ev of events) {
    out.writeBigInt64LE(BigInt(ev.counter), off);
    out.writeDoubleLE(ev.timestamp / 1000, off + 8);
    out.writeDoubleLE(ev.deadtime, off + 16);
    off += META_BYTES;
    for (const f of layout.fields) {
      const a = ev.fields[f.name];
      out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
      off += a.byteLength;
    }
  }
  return out.subarray(0, off);
}

/** A put frame (output index, half, count), checked against what the plan gives that output. */
export function parsePut(payload: Buffer, outputs: readonly RingBufferLayout[], halfBytes: (index: number) => number): { index: number; half: number; count: number } {
  if (payload.byteLength !== 6) throw new Error(`the Python side sent a put frame of ${payload.byteLength} bytes (6 expected)`);
  const index = payload[0];
  const half = payload[1];
  const count = payload.readUInt32LE(2);
  const layout = outputs[index];
  if (!layout) throw new Error(`Python wrote to output ${index + 1}, but RB_assign gives it ${outputs.length} buffer(s) to write`);
  const fit = Math.floor(halfBytes(index) / eventBytes(layout));
  if (half > 1 || count < 1 || count > fit) {
    throw new Error(`the Python side announced ${count} event(s) for ${layout.name} in half ${half}; a half holds 1 to ${fit} (${eventBytes(layout)} bytes each)`);
  }
  return { index, half, count };
}

/** Copies event `i` of a batch read from the shared file into a slot; the counter is left to the caller. */
export function fillEvent(out: EventView, batch: Buffer, i: number, layout: RingBufferLayout): { counter: number; timestamp: number; deadtime: number } {
  let off = i * eventBytes(layout);
  const meta = { counter: Number(batch.readBigInt64LE(off)), timestamp: batch.readDoubleLE(off + 8) * 1000, deadtime: batch.readDoubleLE(off + 16) };
  off += META_BYTES;
  for (const f of layout.fields) {
    const a = out.fields[f.name];
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(batch.subarray(off, off + a.byteLength));
    off += a.byteLength;
  }
  return meta;
}

/** Frames read from a stream, awaited one at a time; null once the stream ended. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private have = 0;
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(stream: Readable) {
    stream.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.have += b.length;
      this.notify();
    });
    stream.on('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.on('error', () => {
      this.ended = true;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.have -= n;
    return out;
  }

  private complete(): number {
    if (this.have < 5) return -1;
    const head = this.chunks[0].length >= 5 ? this.chunks[0] : Buffer.concat(this.chunks);
    const n = head.readUInt32LE(0);
    return this.have >= 5 + n ? n : -1;
  }

  /** The next whole frame; null at the end of the stream. */
  async next(): Promise<Frame | null> {
    for (;;) {
      const n = this.complete();
      if (n >= 0) {
        const b = this.take(5 + n);
        return { kind: String.fromCharCode(b[4]), payload: b.subarray(5) };
      }
      if (this.ended) return null;
      await new Promise<void>((res) => (this.wake = res));
    }
  }
}
