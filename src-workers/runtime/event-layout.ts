// The record layout of a buffer as a source sees it through an EventView
// (field names in declared order, dtype, samples), and writing plain numbers
// into an event's fields. Shared by the serial, sensors and replay sources.
import type { DType, TypedArray } from '../../src-shared/ringbuffer';
import { dtypeBytes } from '../../src-shared/setup/dtype';

/** One field of an event record. */
export interface FieldLayout {
  name: string;
  dtype: DType;
  samples: number;
}

const BY_CTOR: Record<string, DType> = {
  Int8Array: 'int8',
  Int16Array: 'int16',
  Int32Array: 'int32',
  BigInt64Array: 'int64',
  Uint8Array: 'uint8',
  Uint16Array: 'uint16',
  Uint32Array: 'uint32',
  BigUint64Array: 'uint64',
  Float32Array: 'float32',
  Float64Array: 'float64',
};


/** Bytes per value of a dtype. */
export function bytesOf(dtype: DType): number {
  return dtypeBytes(dtype);
}

/** True for the integer dtypes. */
export function isIntegerDType(dtype: DType): boolean {
  return !dtype.startsWith('float');
}

/** The dtype a field's typed array stands for. */
export function dtypeOfArray(a: ArrayLike<unknown>): DType {
  const d = BY_CTOR[(a as object).constructor?.name ?? ''];
  if (!d) throw new Error(`unexpected field array type ${(a as object).constructor?.name}`);
  return d;
}

/** The record layout of a buffer as the engine describes it (io.layouts[name]). */
export function fieldsOf(layout: { samples: number; fields: readonly { name: string; dtype: DType }[] }): FieldLayout[] {
  return layout.fields.map((f) => ({ name: f.name, dtype: f.dtype, samples: layout.samples }));
}

/** The name and record layout of the buffer a source writes (its first writer); throws naming the function when it writes none. */
export function writerLayout(io: { name: string; writers: Record<string, unknown>; layouts: Record<string, { samples: number; fields: readonly { name: string; dtype: DType }[] }> }, what: string): { buffer: string; layout: FieldLayout[] } {
  const buffer = Object.keys(io.writers)[0];
  if (!buffer) throw new Error(`${io.name} (builtin:${what}) needs a buffer to write: give it one in RB_assign`);
  return { buffer, layout: fieldsOf(io.layouts[buffer]) };
}

/** The layout of an event's fields, in declared order. */
export function layoutOf(fields: Readonly<Record<string, ArrayLike<number | bigint>>>): FieldLayout[] {
  return Object.entries(fields).map(([name, a]) => ({ name, dtype: dtypeOfArray(a), samples: a.length }));
}

/** Values in one record: the sum of samples over all fields. */
export function valueCount(layout: readonly FieldLayout[]): number {
  return layout.reduce((n, f) => n + f.samples, 0);
}

/** Bytes of one record packed without padding (fields in order, samples after samples). */
export function packedBytes(layout: readonly FieldLayout[]): number {
  return layout.reduce((n, f) => n + f.samples * dtypeBytes(f.dtype), 0);
}

/** "value (int32), wave (float32 × 100)": a layout in words for messages. */
export function describeLayout(layout: readonly FieldLayout[]): string {
  return layout.map((f) => `${f.name} (${f.dtype}${f.samples > 1 ? ` × ${f.samples}` : ''})`).join(', ');
}

/** The whole numbers each integer dtype holds, as [lowest, highest] (64-bit ones as the doubles that fit). */
const INTEGER_RANGES: Partial<Record<DType, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  // 2^63 and 2^64 themselves do not fit; the largest doubles below them do.
  int64: [-(2 ** 63), 2 ** 63 - 1024],
  uint64: [0, 2 ** 64 - 2048],
};
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Why `v` cannot be stored in a field of this dtype, or null when it can: integer fields take only
 * whole numbers within their range (a typed array would wrap -5 into 4294967291 or cut 1.7 to 1);
 * a float32 field takes no finite number beyond its range (it would become infinity).
 */
export function unfitValue(dtype: DType, v: number): string | null {
  const range = INTEGER_RANGES[dtype];
  if (range) {
    if (!Number.isFinite(v)) return `${v} is not a number an ${dtype} field can hold`;
    if (!Number.isInteger(v)) return `${v} is not a whole number, which an ${dtype} field needs`;
    if (v < range[0] || v > range[1]) return `${v} is outside what an ${dtype} field holds (${dtype === 'int64' ? '-2^63' : range[0]} … ${dtype.endsWith('64') ? (dtype === 'int64' ? '2^63-1' : '2^64-1') : range[1]})`;
    return null;
  }
  if (dtype === 'float32' && Number.isFinite(v) && Math.abs(v) > FLOAT32_MAX) return `${v} is beyond what a float32 field holds (±3.4e38); use float64`;
  return null;
}

/**
 * Writes `values` (field after field, sample after sample, as valueCount(layout)
 * numbers) into an event's fields. The caller checks each value first (unfitValue): an
 * integer field would wrap or truncate what does not fit.
 */
export function writeValues(fields: Readonly<Record<string, TypedArray>>, layout: readonly FieldLayout[], values: ArrayLike<number>): void {
  let k = 0;
  for (const f of layout) {
    const dst = fields[f.name];
    if (dst instanceof BigInt64Array || dst instanceof BigUint64Array) {
      for (let i = 0; i < f.samples; i++) dst[i] = BigInt(Math.trunc(values[k++]));
    } else {
      for (let i = 0; i < f.samples; i++) dst[i] = values[k++];
    }
  }
}

/** Whether this machine stores numbers little-endian (typed arrays use the platform's order). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
