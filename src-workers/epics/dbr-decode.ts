// The client's side of the DBR types: a server's payload (plain, STS, TIME,
// GR, CTRL of any base type) read back into values and metadata, checked
// against its declared count before a byte is read, and puts encoded. The
// layouts are the server's (dbr.ts): one table for both directions.
import { ELEMENT_SIZE, VALUE_OFFSET, familyOf, readElement, readFixedString, writeElement, writeFixedString, type Limits, type Range } from './dbr';
import { DbrBase, type DbrBaseType, DbrFamily, EPICS_EPOCH_OFFSET, LAST_DBR_TYPE, MAX_ENUM_STATES, MAX_ENUM_STRING_SIZE, MAX_STRING_SIZE, MAX_UNITS_SIZE, pad8 } from './protocol';

/** A value as a client receives it. Numeric and enum types fill `numbers`, strings fill `strings`. */
export interface CaValue {
  numbers: Float64Array | null;
  strings: string[] | null;
  count: number;
  /** Alarm status and severity (0 without an STS/TIME/GR/CTRL type). */
  status: number;
  severity: number;
  /** The server's time stamp in ms since the Unix epoch (TIME types), else null. */
  stampMs: number | null;
}

/** What a GR/CTRL read tells about a PV besides its value. */
export interface CaMeta {
  units?: string;
  precision?: number;
  limits: Limits;
  enumStrings?: string[];
}

export type DbrDecoded = { ok: true; value: CaValue; meta: CaMeta | null } | { ok: false; message: string };

const BASE_NAMES = ['STRING', 'SHORT', 'FLOAT', 'ENUM', 'CHAR', 'LONG', 'DOUBLE'];
const FAMILY_NAMES = ['', 'STS_', 'TIME_', 'GR_', 'CTRL_'];

/** "DBR_TIME_DOUBLE" for 20. */
export function dbrName(dbrType: number): string {
  if (!Number.isInteger(dbrType) || dbrType < 0 || dbrType > LAST_DBR_TYPE) return `DBR type ${dbrType}`;
  return `DBR_${FAMILY_NAMES[familyOf(dbrType)]}${BASE_NAMES[dbrType % 7]}`;
}

/** The DBR type of a family for a channel's native base type (GR/CTRL of a string is its STS). */
export function dbrOf(family: number, nativeType: number): number {
  return family * 7 + (nativeType % 7);
}

function range(low: number, high: number): Range | undefined {
  const r: Range = {};
  if (Number.isFinite(low)) r.low = low;
  if (Number.isFinite(high)) r.high = high;
  return r.low === undefined && r.high === undefined ? undefined : r;
}

function readGraphic(buf: Buffer, base: DbrBaseType, ctrl: boolean): CaMeta {
  if (base === DbrBase.ENUM) {
    const n = Math.max(0, Math.min(MAX_ENUM_STATES, buf.readInt16BE(4)));
    const enumStrings: string[] = [];
    for (let i = 0; i < n; i++) enumStrings.push(readFixedString(buf, 6 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE));
    return { limits: {}, enumStrings };
  }
  const floating = base === DbrBase.FLOAT || base === DbrBase.DOUBLE;
  const meta: CaMeta = { limits: {} };
  let off = 4;
  if (floating) {
    meta.precision = buf.readInt16BE(4);
    off = 8;
  }
  meta.units = readFixedString(buf, off, MAX_UNITS_SIZE);
  off += MAX_UNITS_SIZE;
  const size = ELEMENT_SIZE[base];
  const x: number[] = [];
  for (let i = 0; i < (ctrl ? 8 : 6); i++) x.push(readElement(buf, base, off + i * size));
  // Integer types have no "unset": a 0..0 pair means none.
  const pair = (low: number, high: number) => (!floating && low === 0 && high === 0 ? undefined : range(low, high));
  const display = pair(x[1], x[0]);
  const alarm = pair(x[5], x[2]);
  const warning = pair(x[4], x[3]);
  const control = ctrl ? pair(x[7], x[6]) : undefined;
  if (display) meta.limits.display = display;
  if (alarm) meta.limits.alarm = alarm;
  if (warning) meta.limits.warning = warning;
  if (control) meta.limits.control = control;
  return meta;
}

/**
 * Decodes a payload of `count` elements of `dbrType`. Refuses, with a message,
 * a type beyond 34 or a payload too short for what the header declares.
 */
export function decodeDbr(dbrType: number, count: number, payload: Buffer): DbrDecoded {
  if (!Number.isInteger(dbrType) || dbrType < 0 || dbrType > LAST_DBR_TYPE) return { ok: false, message: `unknown DBR type ${dbrType}` };
  const family = familyOf(dbrType);
  const base = (dbrType % 7) as DbrBaseType;
  const offset = VALUE_OFFSET[family][base];
  const need = offset + count * ELEMENT_SIZE[base];
  if (payload.length < need) {
    return { ok: false, message: `${dbrName(dbrType)} with ${count} elements needs ${need} bytes, the payload has ${payload.length}` };
  }
  const value: CaValue = { numbers: null, strings: null, count, status: 0, severity: 0, stampMs: null };
  if (family >= DbrFamily.STS) {
    value.status = payload.readInt16BE(0);
    value.severity = payload.readInt16BE(2);
  }
  if (family === DbrFamily.TIME) {
    const secs = payload.readUInt32BE(4);
    const nsec = payload.readUInt32BE(8);
    value.stampMs = secs === 0 && nsec === 0 ? null : (secs + EPICS_EPOCH_OFFSET) * 1000 + Math.min(nsec, 999_999_999) / 1e6;
  }
  const meta = (family === DbrFamily.GR || family === DbrFamily.CTRL) && base !== DbrBase.STRING ? readGraphic(payload, base, family === DbrFamily.CTRL) : null;
  if (base === DbrBase.STRING) {
    value.strings = [];
    for (let i = 0; i < count; i++) value.strings.push(readFixedString(payload, offset + i * MAX_STRING_SIZE, MAX_STRING_SIZE));
  } else if (base === DbrBase.DOUBLE) {
    const nums = new Float64Array(count);
    const view = new DataView(payload.buffer, payload.byteOffset + offset, count * 8);
    for (let i = 0; i < count; i++) nums[i] = view.getFloat64(i * 8, false);
    value.numbers = nums;
  } else {
    const nums = new Float64Array(count);
    const size = ELEMENT_SIZE[base];
    for (let i = 0; i < count; i++) nums[i] = readElement(payload, base, offset + i * size);
    value.numbers = nums;
  }
  return { ok: true, value, meta };
}

/** A put's payload: text as DBR_STRING, numbers as DBR_DOUBLE (the server converts to its native type). */
export function encodePut(value: number | string | readonly number[] | readonly string[]): { dbrType: number; count: number; payload: Buffer } {
  const list = (Array.isArray(value) ? value : [value]) as readonly (number | string)[];
  if (list.length === 0) throw new Error('a put needs at least one value');
  if (list.every((v) => typeof v === 'number')) {
    const payload = Buffer.alloc(pad8(list.length * 8));
    list.forEach((v, i) => writeElement(payload, DbrBase.DOUBLE, i * 8, v as number));
    return { dbrType: DbrBase.DOUBLE, count: list.length, payload };
  }
  const payload = Buffer.alloc(pad8(list.length * MAX_STRING_SIZE));
  list.forEach((v, i) => writeFixedString(payload, i * MAX_STRING_SIZE, MAX_STRING_SIZE, String(v)));
  return { dbrType: DbrBase.STRING, count: list.length, payload };
}
