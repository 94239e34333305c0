// Event contents derived from the counter, so any thread can tell whether a
// copy or an in-place event is one whole, uncorrupted event.
import type { TypedArray } from '../../../src-shared/ringbuffer/layout';

const isBig = (a: TypedArray): a is BigInt64Array | BigUint64Array => a instanceof BigInt64Array || a instanceof BigUint64Array;

/** The value sample j of field k holds for this counter (before the field's dtype wraps it). */
export function patternValue(counter: number, k: number, j: number): number {
  return counter * 4096 + k * 1024 + j;
}

/** Fills every field with the counter's pattern (field by field, sample by sample). */
export function fillPattern(fields: Readonly<Record<string, TypedArray>>, counter: number): void {
  let k = 0;
  for (const name in fields) {
    const a = fields[name];
    if (isBig(a)) for (let j = 0; j < a.length; j++) a[j] = BigInt(patternValue(counter, k, j));
    else for (let j = 0; j < a.length; j++) a[j] = patternValue(counter, k, j);
    k++;
  }
}

const scratch = new Map<unknown, TypedArray>();

/** True when every sample of every field holds the counter's pattern. */
export function checkPattern(fields: Readonly<Record<string, TypedArray>>, counter: number): boolean {
  let k = 0;
  for (const name in fields) {
    const a = fields[name];
    if (isBig(a)) {
      for (let j = 0; j < a.length; j++) if (a[j] !== BigInt.asIntN(64, BigInt(patternValue(counter, k, j)))) return false;
    } else {
      // Compare through a one-element array of the same type, which wraps like the field did.
      const ctor = a.constructor as new (n: number) => TypedArray;
      let t = scratch.get(ctor) as Exclude<TypedArray, BigInt64Array | BigUint64Array> | undefined;
      if (!t) scratch.set(ctor, (t = new ctor(1) as Exclude<TypedArray, BigInt64Array | BigUint64Array>));
      for (let j = 0; j < a.length; j++) {
        t[0] = patternValue(counter, k, j);
        if (a[j] !== t[0]) return false;
      }
    }
    k++;
  }
  return true;
}
