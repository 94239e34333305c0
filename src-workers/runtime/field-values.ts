// Writing what a filter returns into an output event: every field of the
// output buffer must be given (or copied from the input), in any numeric form
// that converts exactly to the field's dtype, 64-bit integer fields included.
// Nothing is zero-filled silently unless the setup asks for it.
import type { EventView, TypedArray } from '../../src-shared/ringbuffer';

/** Field values a filter writes: a number for the first value of a field, or an array for all of them. */
export type FieldValues = Record<string, number | bigint | ArrayLike<number> | ArrayLike<bigint>>;

const isBig = (a: TypedArray): a is BigInt64Array | BigUint64Array => a instanceof BigInt64Array || a instanceof BigUint64Array;

function toBig(v: unknown, field: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new Error(`field "${field}" is a 64-bit integer field; got ${typeof v === 'number' ? String(v) : typeof v}`);
}

function toNumber(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** Copies src into dst element by element (converting between BigInt and number arrays) or with set(). */
export function copyValues(dst: TypedArray, src: ArrayLike<unknown>, field: string): void {
  const n = Math.min(dst.length, src.length);
  if (src.length > dst.length) throw new Error(`field "${field}" holds ${dst.length} value(s); got ${src.length}`);
  const srcBig = src instanceof BigInt64Array || src instanceof BigUint64Array;
  if (isBig(dst)) {
    if (srcBig) (dst as BigInt64Array).set(src as BigInt64Array);
    else for (let i = 0; i < n; i++) dst[i] = toBig(src[i], field);
  } else if (ArrayBuffer.isView(src) && !srcBig) {
    (dst as Float64Array).set(src as unknown as Float64Array);
  } else {
    // BigInt arrays, or plain arrays that may mix numbers and BigInts.
    for (let i = 0; i < n; i++) dst[i] = toNumber(src[i]);
  }
  if (n < dst.length) (isBig(dst) ? (dst as BigInt64Array).fill(0n, n) : (dst as Float64Array).fill(0, n));
}

/** Zeroes a field of any dtype. */
export function zero(dst: TypedArray): void {
  if (isBig(dst)) (dst as BigInt64Array).fill(0n);
  else (dst as Float64Array).fill(0);
}

/**
 * Fills out's fields from a filter's result: `true` copies the input's fields, an object gives
 * values by field name. Throws naming the fields when they do not match the output buffer
 * (fields it lacks; fields it has that were not given, unless zeroMissing).
 */
export function fillOutput(out: EventView, input: EventView, values: FieldValues | true, zeroMissing: boolean): void {
  const names = Object.keys(out.fields);
  const given = values === true ? input.fields : values;
  const extra = Object.keys(given).filter((k) => !Object.hasOwn(out.fields, k));
  if (extra.length && values !== true) {
    throw new Error(`the filter returned field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}, which the output buffer does not have (its fields: ${names.join(', ')})`);
  }
  const missing = names.filter((k) => !Object.hasOwn(given, k) || given[k] === undefined || given[k] === null);
  if (missing.length && !zeroMissing) {
    const what = values === true ? 'the input event (forwarded with true) lacks' : 'the filter did not return';
    throw new Error(`${what} field${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${k}"`).join(', ')} of the output buffer (its fields: ${names.join(', ')}); set missing_fields: zero in the function's config to write zeros instead`);
  }
  for (const k of names) {
    const dst = out.fields[k];
    const v = Object.hasOwn(given, k) ? (given as Record<string, unknown>)[k] : undefined;
    if (v === undefined || v === null) zero(dst);
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
      zero(dst);
      if (isBig(dst)) dst[0] = toBig(v, k);
      else dst[0] = toNumber(v);
    } else if (typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number') copyValues(dst, v as ArrayLike<unknown>, k);
    else throw new Error(`field "${k}": expected a number or an array of numbers, got ${typeof v}`);
  }
}
