// The `frames` protocol of the serial source: fixed-size binary frames, each
// after a sync word, for a streaming ADC or scope sending waveforms. The
// payload is the buffer's record packed without padding (fields in order,
// samples after samples) in a stated byte order.
//
// Without a checksum a frame can only be trusted when the next sync word
// follows it exactly: a cut-off frame would otherwise swallow the start of the
// next one. So a frame is accepted when the sync word follows it, or when the
// line goes quiet after it (flush); otherwise it is counted bad and the decoder
// resynchronises on the next sync word after the rejected one.
import { LITTLE_ENDIAN, bytesOf, packedBytes, type FieldLayout } from '../runtime/event-layout';
import type { Decoder, DecoderCounts } from './lines';

export type ByteOrder = 'little' | 'big';

export interface FrameOptions {
  /** The sync word's bytes, in the order they arrive. */
  sync: Uint8Array;
  /** The record the payload holds. */
  layout: readonly FieldLayout[];
  byteOrder: ByteOrder;
}

/** Reads a sync word written in hex ("A55A", "0xA5 0x5A", "a5:5a") into its bytes; throws naming what is wrong. */
export function parseSyncWord(text: string): Uint8Array {
  const hex = text.trim().replace(/0x/gi, '').replace(/[\s:_,-]/g, '');
  if (hex === '') throw new Error('syncWord is empty; give the bytes that start every frame in hex, e.g. "A55A"');
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new Error(`syncWord "${text}" is not hexadecimal; write the bytes in hex, e.g. "A55A"`);
  if (hex.length % 2 !== 0) throw new Error(`syncWord "${text}" has an odd number of hex digits; write whole bytes, e.g. "A55A"`);
  if (hex.length > 16) throw new Error(`syncWord "${text}" is longer than 8 bytes`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Decodes the `frames` protocol; each record is a copy of one frame's payload. */
export class FrameDecoder implements Decoder<Uint8Array> {
  readonly counts: DecoderCounts = { good: 0, bad: 0, header: 0, skippedBytes: 0 };
  lastError = '';
  /** Payload bytes per frame. */
  readonly frameSize: number;
  private readonly sync: Uint8Array;
  private buf: Uint8Array;
  private len = 0;
  /** Set when the bytes before the current search position belong to a frame just rejected (not a new garbage run). */
  private inRejected = false;

  constructor(private readonly options: FrameOptions) {
    this.sync = options.sync;
    this.frameSize = packedBytes(options.layout);
    if (this.sync.length === 0) throw new Error('the frames protocol needs a sync word');
    if (this.frameSize === 0) throw new Error('the frames protocol needs a buffer with at least one field');
    this.buf = new Uint8Array(Math.max(4096, 2 * (this.frameSize + 2 * this.sync.length)));
  }

  get buffered(): number {
    return this.len;
  }

  get hasPending(): boolean {
    const p = this.findSync(0);
    return p === 0 && this.len >= this.sync.length + this.frameSize;
  }

  push(chunk: Uint8Array, emit: (record: Uint8Array) => void): void {
    this.append(chunk);
    this.scan(emit, false);
  }

  flush(emit: (record: Uint8Array) => void): void {
    this.scan(emit, true);
  }

  reset(): void {
    if (this.len > 0) {
      const p = this.findSync(0);
      if (p === 0 && this.len > this.sync.length) this.fail(`a frame cut off by the disconnect (${this.len - this.sync.length} of ${this.frameSize} bytes)`);
      else if (p !== 0) this.garbage(this.len);
    }
    this.len = 0;
    this.inRejected = false;
  }

  /** Decodes one payload (from this decoder) into an event's fields. */
  decodeInto(payload: Uint8Array, fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void {
    decodePayload(payload, this.options.layout, this.options.byteOrder, fields);
  }

  private scan(emit: (record: Uint8Array) => void, quiet: boolean): void {
    const S = this.sync.length;
    const F = this.frameSize;
    let pos = 0;
    for (;;) {
      const p = this.findSync(pos);
      if (p < 0) {
        // Keep a tail that may be the start of a sync word.
        const keep = Math.min(S - 1, this.len - pos);
        const drop = this.len - keep - pos;
        if (drop > 0) this.garbage(drop);
        pos = this.len - keep;
        break;
      }
      if (p > pos) this.garbage(p - pos);
      pos = p;
      this.inRejected = false;
      const end = p + S + F;
      if (this.len < end) break;
      const trailing = Math.min(S, this.len - end);
      let match = true;
      for (let i = 0; i < trailing; i++) if (this.buf[end + i] !== this.sync[i]) match = false;
      if (match && (trailing === S || quiet)) {
        this.counts.good++;
        emit(this.buf.slice(p + S, end));
        pos = end;
        continue;
      }
      if (!match) {
        this.fail(`frame not followed by the sync word (a cut-off frame or ${this.options.sync.length}-byte sync word inside data); resynchronising`);
        this.inRejected = true;
        this.counts.skippedBytes++;
        pos = p + 1;
        continue;
      }
      break;
    }
    if (pos > 0) {
      this.buf.copyWithin(0, pos, this.len);
      this.len -= pos;
    }
  }

  private findSync(from: number): number {
    const S = this.sync.length;
    const s0 = this.sync[0];
    outer: for (let i = from; i + S <= this.len; i++) {
      if (this.buf[i] !== s0) continue;
      for (let k = 1; k < S; k++) if (this.buf[i + k] !== this.sync[k]) continue outer;
      return i;
    }
    return -1;
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private garbage(n: number): void {
    this.counts.skippedBytes += n;
    if (!this.inRejected) {
      this.fail(`${n} byte${n === 1 ? '' : 's'} before a sync word`);
      this.inRejected = true;
    }
  }

  private fail(reason: string): void {
    this.counts.bad++;
    this.lastError = reason;
  }
}

/** Decodes a packed record (fields in order) of the given byte order into an event's typed arrays. */
export function decodePayload(payload: Uint8Array, layout: readonly FieldLayout[], byteOrder: ByteOrder, fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void {
  const native = (byteOrder === 'little') === LITTLE_ENDIAN;
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const le = byteOrder === 'little';
  let off = 0;
  for (const f of layout) {
    const dst = fields[f.name] as unknown as { buffer: ArrayBufferLike; byteOffset: number; byteLength: number } & Record<number, number | bigint>;
    const n = f.samples * bytesOf(f.dtype);
    if (native) {
      new Uint8Array(dst.buffer, dst.byteOffset, n).set(payload.subarray(off, off + n));
      off += n;
      continue;
    }
    for (let i = 0; i < f.samples; i++) {
      switch (f.dtype) {
        case 'int8': dst[i] = dv.getInt8(off); break;
        case 'uint8': dst[i] = dv.getUint8(off); break;
        case 'int16': dst[i] = dv.getInt16(off, le); break;
        case 'uint16': dst[i] = dv.getUint16(off, le); break;
        case 'int32': dst[i] = dv.getInt32(off, le); break;
        case 'uint32': dst[i] = dv.getUint32(off, le); break;
        case 'int64': dst[i] = dv.getBigInt64(off, le); break;
        case 'uint64': dst[i] = dv.getBigUint64(off, le); break;
        case 'float32': dst[i] = dv.getFloat32(off, le); break;
        case 'float64': dst[i] = dv.getFloat64(off, le); break;
      }
      off += bytesOf(f.dtype);
    }
  }
}

/** Packs a record's values (field after field) into a frame payload: for tests and device simulators. */
export function encodePayload(layout: readonly FieldLayout[], byteOrder: ByteOrder, values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(packedBytes(layout));
  const dv = new DataView(out.buffer);
  const le = byteOrder === 'little';
  let off = 0;
  let k = 0;
  for (const f of layout) {
    for (let i = 0; i < f.samples; i++, k++) {
      const v = values[k];
      switch (f.dtype) {
        case 'int8': dv.setInt8(off, v); break;
        case 'uint8': dv.setUint8(off, v); break;
        case 'int16': dv.setInt16(off, v, le); break;
        case 'uint16': dv.setUint16(off, v, le); break;
        case 'int32': dv.setInt32(off, v, le); break;
        case 'uint32': dv.setUint32(off, v, le); break;
        case 'int64': dv.setBigInt64(off, BigInt(Math.trunc(v)), le); break;
        case 'uint64': dv.setBigUint64(off, BigInt(Math.trunc(v)), le); break;
        case 'float32': dv.setFloat32(off, v, le); break;
        case 'float64': dv.setFloat64(off, v, le); break;
      }
      off += bytesOf(f.dtype);
    }
  }
  return out;
}
