// The pipe protocol between a worker thread and its Python process (the Python
// side is ringscope_link.py): frames of u32 length + one kind byte + payload;
// events in batches of u32 count, then per event counter (int64), timestamp
// (float64 seconds, mimoCoRB's unit), deadtime (float64) and each field's values.
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

/** Bytes of one event of a buffer on the wire. */
export function eventBytes(layout: RingBufferLayout): number {
  return META_BYTES + layout.fields.reduce((sum, f) => sum + DTYPE_ARRAY[f.dtype].BYTES_PER_ELEMENT * layout.samples, 0);
}

/** A batch of events as one payload (copied out of shared memory). */
export function encodeEvents(events: readonly EventView[], layout: RingBufferLayout): Buffer {
  const size = eventBytes(layout);
  const out = Buffer.alloc(4 + events.length * size);
  out.writeUInt32LE(events.length, 0);
  let off = 4;
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
  return out;
}

/** Events of a put frame, checked against the buffer's layout: the count and each event's bytes. */
export function checkPut(payload: Buffer, layout: RingBufferLayout): number {
  const count = payload.readUInt32LE(1);
  const want = 5 + count * eventBytes(layout);
  if (payload.byteLength !== want) {
    const fields = layout.fields.map((f) => `${f.name} ${f.dtype}`).join(', ');
    throw new Error(
      `what Python wrote to ${layout.name} does not fit its layout: ${payload.byteLength - 5} bytes for ${count} event(s), but an event of ${layout.name} is ${eventBytes(layout)} bytes (${layout.samples} × {${fields}} and the metadata)`,
    );
  }
  return count;
}

/** Copies event `i` of a checked put payload into a slot; the counter is left to the caller. */
export function fillEvent(out: EventView, payload: Buffer, i: number, layout: RingBufferLayout): { counter: number; timestamp: number; deadtime: number } {
  let off = 5 + i * eventBytes(layout);
  const meta = { counter: Number(payload.readBigInt64LE(off)), timestamp: payload.readDoubleLE(off + 8) * 1000, deadtime: payload.readDoubleLE(off + 16) };
  off += META_BYTES;
  for (const f of layout.fields) {
    const a = out.fields[f.name];
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(payload.subarray(off, off + a.byteLength));
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
