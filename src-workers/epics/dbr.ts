// DBR payloads: a PV's value, alarm, time stamp and metadata encoded as any of
// the 35 DBR types (0–34), and client writes decoded into the PV's native type.
// Layouts follow EPICS base's db_access.h, including its RISC_pad fields.
import {
  DbrBase,
  type DbrBaseType,
  DbrFamily,
  Eca,
  EPICS_EPOCH_OFFSET,
  LAST_DBR_TYPE,
  MAX_ENUM_STATES,
  MAX_ENUM_STRING_SIZE,
  MAX_STRING_SIZE,
  MAX_UNITS_SIZE,
  pad8,
} from './protocol';

export type PvType = 'string' | 'short' | 'float' | 'enum' | 'char' | 'long' | 'double';

export const PV_TYPES: readonly PvType[] = ['double', 'float', 'long', 'short', 'char', 'enum', 'string'];

/** The DBR base type a PV type is served as. */
export const NATIVE_DBR: Record<PvType, DbrBaseType> = {
  string: DbrBase.STRING,
  short: DbrBase.SHORT,
  float: DbrBase.FLOAT,
  enum: DbrBase.ENUM,
  char: DbrBase.CHAR,
  long: DbrBase.LONG,
  double: DbrBase.DOUBLE,
};

/** Bytes per element of each base type. */
export const ELEMENT_SIZE: readonly number[] = [MAX_STRING_SIZE, 2, 4, 2, 1, 4, 8];

/**
 * Offset of the first value element, per family (plain, STS, TIME, GR, CTRL)
 * and base type (STRING, SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE); GR/CTRL of
 * STRING use the STS layout.
 */
export const VALUE_OFFSET: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0, 0],
  [4, 4, 4, 4, 5, 4, 8],
  [12, 14, 12, 14, 15, 12, 16],
  [4, 24, 40, 422, 19, 36, 64],
  [4, 28, 48, 422, 21, 44, 80],
];

/** A closed interval; either end may be absent. */
export interface Range {
  low?: number;
  high?: number;
}

export interface Limits {
  /** Where a display's axis should go (HOPR/LOPR). */
  display?: Range;
  /** Beyond these: MAJOR alarm (HIHI/LOLO). */
  alarm?: Range;
  /** Beyond these: MINOR alarm (HIGH/LOW). */
  warning?: Range;
  /** Writes outside these are refused (DRVH/DRVL). */
  control?: Range;
}

/** What a PV is, independent of its current value. */
export interface PvMeta {
  type: PvType;
  /** Element count clients see on connect (1 = scalar). */
  maxCount: number;
  units: string;
  precision?: number;
  limits: Limits;
  enumStrings: readonly string[];
}

/** A PV's value at one moment. Numeric and enum PVs use `numbers`, string PVs `strings`. */
export interface PvValue {
  numbers: Float64Array | null;
  strings: readonly string[] | null;
  /** Current element count (≤ maxCount). */
  count: number;
  status: number;
  severity: number;
  /** Milliseconds since the Unix epoch. */
  stampMs: number;
}

export type EncodeResult = { ok: true; count: number; payload: Buffer } | { ok: false; eca: number };

export function familyOf(dbrType: number): number {
  return Math.floor(dbrType / 7);
}

/** Payload bytes (padded to 8) of `count` elements of a DBR type. */
export function dbrPayloadSize(dbrType: number, count: number): number {
  const base = dbrType % 7;
  return pad8(VALUE_OFFSET[familyOf(dbrType)][base] + count * ELEMENT_SIZE[base]);
}

const INT_RANGE: Partial<Record<DbrBaseType, [number, number]>> = {
  [DbrBase.SHORT]: [-32768, 32767],
  [DbrBase.ENUM]: [0, 65535],
  [DbrBase.CHAR]: [0, 255],
  [DbrBase.LONG]: [-2147483648, 2147483647],
};

/** A number as the given base type holds it: integers truncate toward zero and saturate (NaN → 0). */
export function toBase(base: DbrBaseType, x: number): number {
  const range = INT_RANGE[base];
  if (!range) return base === DbrBase.FLOAT ? Math.fround(x) : x;
  if (Number.isNaN(x)) return 0;
  const t = Math.trunc(x);
  return t < range[0] ? range[0] : t > range[1] ? range[1] : t;
}

/** Writes one element of a numeric base type (integers saturate). */
export function writeElement(buf: Buffer, base: DbrBaseType, off: number, x: number): void {
  switch (base) {
    case DbrBase.SHORT:
      buf.writeInt16BE(toBase(base, x), off);
      return;
    case DbrBase.FLOAT:
      buf.writeFloatBE(x, off);
      return;
    case DbrBase.ENUM:
      buf.writeUInt16BE(toBase(base, x), off);
      return;
    case DbrBase.CHAR:
      buf.writeUInt8(toBase(base, x), off);
      return;
    case DbrBase.LONG:
      buf.writeInt32BE(toBase(base, x), off);
      return;
    case DbrBase.DOUBLE:
      buf.writeDoubleBE(x, off);
      return;
  }
}

/** Writes text NUL-terminated into `size` bytes, cut at a UTF-8 character boundary. */
export function writeFixedString(buf: Buffer, off: number, size: number, text: string): void {
  let bytes = Buffer.from(text, 'utf8');
  if (bytes.length > size - 1) {
    let end = size - 1;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
    bytes = bytes.subarray(0, end);
  }
  bytes.copy(buf, off);
}

/** A number as text the way a display shows it (precision applies to FLOAT/DOUBLE natives). */
export function formatNumber(meta: PvMeta, x: number): string {
  if (meta.type === 'enum') return meta.enumStrings[x] ?? String(x);
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Inf' : '-Inf';
  if ((meta.type === 'double' || meta.type === 'float') && meta.precision !== undefined && meta.precision >= 0) {
    const p = Math.min(meta.precision, 17);
    return Math.abs(x) < 1e21 ? x.toFixed(p) : x.toExponential(p);
  }
  if (meta.type === 'float') return String(Number(x.toPrecision(7)));
  return String(x);
}

/**
 * Encodes `value` as DBR type `dbrType` with `requested` elements (0: the
 * current count). Elements past the current count are zero; a string PV read
 * as a number, or a type beyond 34, is BADTYPE; more than maxCount is BADCOUNT.
 */
export function encodeDbr(meta: PvMeta, value: PvValue, dbrType: number, requested: number): EncodeResult {
  if (!Number.isInteger(dbrType) || dbrType < 0 || dbrType > LAST_DBR_TYPE) return { ok: false, eca: Eca.BADTYPE };
  const family = familyOf(dbrType);
  const base = (dbrType % 7) as DbrBaseType;
  if (meta.type === 'string' && base !== DbrBase.STRING) return { ok: false, eca: Eca.BADTYPE };
  if (requested > meta.maxCount) return { ok: false, eca: Eca.BADCOUNT };
  const count = requested === 0 ? value.count : requested;
  const offset = VALUE_OFFSET[family][base];
  const buf = Buffer.alloc(pad8(offset + count * ELEMENT_SIZE[base]));

  if (family >= DbrFamily.STS) {
    buf.writeInt16BE(value.status, 0);
    buf.writeInt16BE(value.severity, 2);
  }
  if (family === DbrFamily.TIME) {
    const secs = Math.floor(value.stampMs / 1000);
    const epicsSecs = secs - EPICS_EPOCH_OFFSET;
    if (epicsSecs > 0) {
      buf.writeUInt32BE(Math.min(epicsSecs, 0xffffffff), 4);
      buf.writeUInt32BE(Math.min(999_999_999, Math.max(0, Math.round((value.stampMs - secs * 1000) * 1e6))), 8);
    }
  }
  if ((family === DbrFamily.GR || family === DbrFamily.CTRL) && base !== DbrBase.STRING) {
    writeGraphic(buf, meta, base, family === DbrFamily.CTRL);
  }

  const n = Math.min(count, value.count);
  if (base === DbrBase.STRING) {
    for (let i = 0; i < n; i++) {
      const text = value.strings ? value.strings[i] : formatNumber(meta, value.numbers![i]);
      writeFixedString(buf, offset + i * MAX_STRING_SIZE, MAX_STRING_SIZE, text);
    }
  } else {
    const nums = value.numbers!;
    const size = ELEMENT_SIZE[base];
    if (base === DbrBase.DOUBLE) {
      for (let i = 0; i < n; i++) buf.writeDoubleBE(nums[i], offset + i * 8);
    } else {
      for (let i = 0; i < n; i++) writeElement(buf, base, offset + i * size, nums[i]);
    }
  }
  return { ok: true, count, payload: buf };
}

/** The GR/CTRL metadata block that sits between status/severity and the value. */
function writeGraphic(buf: Buffer, meta: PvMeta, base: DbrBaseType, ctrl: boolean): void {
  if (base === DbrBase.ENUM) {
    const strs = meta.type === 'enum' ? meta.enumStrings.slice(0, MAX_ENUM_STATES) : [];
    buf.writeInt16BE(strs.length, 4);
    strs.forEach((s, i) => writeFixedString(buf, 6 + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE, s));
    return;
  }
  let off = 4;
  if (base === DbrBase.FLOAT || base === DbrBase.DOUBLE) {
    const precision = meta.type === 'double' || meta.type === 'float' ? (meta.precision ?? 0) : 0;
    buf.writeInt16BE(Math.max(-32768, Math.min(32767, precision)), 4);
    off = 8; // after precision and RISC_pad0
  }
  writeFixedString(buf, off, MAX_UNITS_SIZE, meta.units);
  off += MAX_UNITS_SIZE;
  const floating = base === DbrBase.FLOAT || base === DbrBase.DOUBLE;
  // Unset alarm limits are NaN for floating types (clients read NaN as "no limit"), 0 for integers.
  const unset = floating ? NaN : 0;
  const l = meta.limits;
  const order = [
    l.display?.high ?? 0,
    l.display?.low ?? 0,
    l.alarm?.high ?? unset,
    l.warning?.high ?? unset,
    l.warning?.low ?? unset,
    l.alarm?.low ?? unset,
  ];
  if (ctrl) order.push(l.control?.high ?? 0, l.control?.low ?? 0);
  const size = ELEMENT_SIZE[base];
  for (const x of order) {
    writeElement(buf, base, off, x);
    off += size;
  }
}

export type DecodeResult = { ok: true; numbers: number[] | null; strings: string[] | null } | { ok: false; eca: number; message: string };

/** Reads one element of a numeric base type. */
export function readElement(buf: Buffer, base: DbrBaseType, off: number): number {
  switch (base) {
    case DbrBase.SHORT:
      return buf.readInt16BE(off);
    case DbrBase.FLOAT:
      return buf.readFloatBE(off);
    case DbrBase.ENUM:
      return buf.readUInt16BE(off);
    case DbrBase.CHAR:
      return buf.readUInt8(off);
    case DbrBase.LONG:
      return buf.readInt32BE(off);
    default:
      return buf.readDoubleBE(off);
  }
}

/** A NUL-terminated string in a fixed field of `size` bytes. */
export function readFixedString(buf: Buffer, off: number, size: number): string {
  const end = off + size;
  const nul = buf.indexOf(0, off);
  return buf.toString('utf8', off, nul >= 0 && nul < end ? nul : end);
}

/** A strict number parse: the whole (trimmed) text must be a number. */
export function parsePvNumber(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  const lower = t.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const x = Number(t);
  return Number.isNaN(x) ? null : x;
}

/**
 * Decodes a client's write (plain DBR types 0–6 only) into the PV's native
 * representation: numbers for numeric and enum PVs (enum as the state index),
 * strings for string PVs. Refuses what does not convert, with a message.
 */
export function decodeWrite(meta: PvMeta, dbrType: number, count: number, payload: Buffer): DecodeResult {
  if (dbrType > DbrBase.DOUBLE) return { ok: false, eca: Eca.BADTYPE, message: `DBR type ${dbrType} cannot be written (only plain types 0–6)` };
  const base = dbrType as DbrBaseType;
  if (count < 1 || count > meta.maxCount) {
    return { ok: false, eca: Eca.BADCOUNT, message: `${count} elements do not fit (1 to ${meta.maxCount} accepted)` };
  }
  const size = ELEMENT_SIZE[base];
  if (count * size > payload.length) return { ok: false, eca: Eca.BADCOUNT, message: `payload holds fewer than ${count} elements` };

  if (base === DbrBase.STRING) {
    const texts: string[] = [];
    for (let i = 0; i < count; i++) texts.push(readFixedString(payload, i * MAX_STRING_SIZE, MAX_STRING_SIZE));
    if (meta.type === 'string') return { ok: true, numbers: null, strings: texts };
    const numbers: number[] = [];
    for (const t of texts) {
      if (meta.type === 'enum') {
        const idx = meta.enumStrings.indexOf(t);
        if (idx >= 0) {
          numbers.push(idx);
          continue;
        }
        const n = parsePvNumber(t);
        if (n === null || !Number.isInteger(n) || n < 0 || n >= meta.enumStrings.length) {
          return { ok: false, eca: Eca.PUTFAIL, message: `"${t}" is not one of ${meta.enumStrings.map((s) => `"${s}"`).join(', ')}` };
        }
        numbers.push(n);
        continue;
      }
      const n = parsePvNumber(t);
      if (n === null) return { ok: false, eca: Eca.PUTFAIL, message: `"${t}" is not a number` };
      numbers.push(n);
    }
    return { ok: true, numbers, strings: null };
  }

  const numbers: number[] = new Array(count);
  for (let i = 0; i < count; i++) numbers[i] = readElement(payload, base, i * size);
  if (meta.type === 'string') return { ok: true, numbers: null, strings: numbers.map((x) => String(x)) };
  if (meta.type === 'enum') {
    for (const x of numbers) {
      if (!Number.isInteger(x) || x < 0 || x >= meta.enumStrings.length) {
        return { ok: false, eca: Eca.PUTFAIL, message: `state ${x} does not exist (0 to ${meta.enumStrings.length - 1})` };
      }
    }
  }
  return { ok: true, numbers, strings: null };
}
