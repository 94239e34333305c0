// Which PV fills which field of an event, and how a CA value goes into a
// field of any dtype: the EPICS source's `pvs:` parameter made into a plan,
// checked against the buffer's fields with messages that name both sides.
import type { TypedArray } from '../../src-shared/ringbuffer';
import { copyValues } from '../runtime/field-values';
import { parsePvNumber } from './dbr';
import type { CaValue } from './dbr-decode';

export const TAKES = ['value', 'timestamp', 'severity', 'status'] as const;
export type Take = (typeof TAKES)[number];

export interface FieldPlan {
  field: string;
  pv: string;
  take: Take;
}

/**
 * The plan for a buffer's fields from `pvs` (field → "PV" or {pv, take}).
 * Throws naming what does not fit: a field without a PV, a PV entry for a field
 * the buffer lacks, an unknown `take`.
 */
export function planFields(pvs: unknown, fields: readonly string[]): FieldPlan[] {
  if (pvs === null || typeof pvs !== 'object' || Array.isArray(pvs)) throw new Error('pvs must map each field of the buffer to a PV name, e.g. pvs: {cpu: "station_a:CPU"}');
  const entries = Object.entries(pvs as Record<string, unknown>);
  const plan: FieldPlan[] = [];
  const problems: string[] = [];
  for (const [field, spec] of entries) {
    if (!fields.includes(field)) {
      problems.push(`pvs names the field "${field}", which the buffer does not have (its fields: ${fields.join(', ')})`);
      continue;
    }
    const s = typeof spec === 'string' ? { pv: spec } : spec;
    if (s === null || typeof s !== 'object' || typeof (s as { pv?: unknown }).pv !== 'string' || !(s as { pv: string }).pv.trim()) {
      problems.push(`pvs.${field} must be a PV name, or {pv: NAME, take: ${TAKES.join('|')}}`);
      continue;
    }
    const take = ((s as { take?: unknown }).take ?? 'value') as Take;
    if (!TAKES.includes(take)) {
      problems.push(`pvs.${field}.take is "${String(take)}"; it must be one of ${TAKES.join(', ')}`);
      continue;
    }
    plan.push({ field, pv: (s as { pv: string }).pv.trim(), take });
  }
  const missing = fields.filter((f) => !entries.some(([k]) => k === f));
  if (missing.length) problems.push(`the field${missing.length > 1 ? 's' : ''} ${missing.map((f) => `"${f}"`).join(', ')} of the buffer ${missing.length > 1 ? 'have' : 'has'} no PV: add ${missing.length > 1 ? 'them' : 'it'} to pvs`);
  if (problems.length) throw new Error(`builtin:sources/epics: ${problems.join('; ')}`);
  return plan;
}

const isBig = (a: TypedArray): boolean => a instanceof BigInt64Array || a instanceof BigUint64Array;
const isFloat = (a: TypedArray): boolean => a instanceof Float32Array || a instanceof Float64Array;

/** The numbers a field gets from a value: a waveform cut to the field's samples, text parsed (NaN if not a number). */
function numbersOf(v: CaValue, take: Take, samples: number): ArrayLike<number> {
  switch (take) {
    case 'timestamp':
      return [v.stampMs === null ? NaN : v.stampMs / 1000];
    case 'severity':
      return [v.severity];
    case 'status':
      return [v.status];
    default:
      if (v.numbers) return v.numbers.subarray(0, Math.min(samples, v.count));
      return (v.strings ?? []).slice(0, samples).map((s) => parsePvNumber(s) ?? NaN);
  }
}

/**
 * Writes a value into a field: what the PV has, cut to the field's samples.
 * Samples the PV did not give are NaN in float fields, 0 in integer fields;
 * so is a non-number in an integer field (it has no NaN).
 */
export function writeField(dst: TypedArray, v: CaValue, take: Take): void {
  let src = numbersOf(v, take, dst.length);
  if (!isFloat(dst) && Array.prototype.some.call(src, (x: number) => !Number.isFinite(x))) src = Array.from(src, (x) => (Number.isFinite(x) ? x : 0));
  if (isBig(dst)) src = Array.from(src, (x) => Math.trunc(x));
  copyValues(dst, src, 'pv');
  if (isFloat(dst) && src.length < dst.length) (dst as Float64Array).fill(NaN, src.length);
}
