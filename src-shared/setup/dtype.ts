// Data types of buffer fields: RingScope's names (the ring buffer's DType) and
// the numpy spellings mimoCoRB setups use ("float32", "f8", "<i4", "float", …).
import type { DType } from '../ringbuffer/layout';
import { didYouMean } from './didyoumean';

export type { DType };

/** The element types a ring-buffer field can hold (the ring buffer's DType, as a list). */
export const DTYPES = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64'] as const satisfies readonly DType[];

// Compile-time check that DTYPES lists every DType of the ring buffer.
const everyDType: Exclude<DType, (typeof DTYPES)[number]> extends never ? true : false = true;
void everyDType;

const BYTES: Record<DType, number> = {
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  float32: 4,
  float64: 8,
};

/** Bytes per value of a dtype. */
export function dtypeBytes(dtype: DType): number {
  return BYTES[dtype];
}

// numpy's aliases, as numpy resolves them on 64-bit Linux (where mimoCoRB runs):
// C long is 64 bits there, `float` is a double, `int` is int64.
const ALIASES: Record<string, DType> = {
  float: 'float64',
  double: 'float64',
  float_: 'float64',
  single: 'float32',
  int: 'int64',
  int_: 'int64',
  long: 'int64',
  longlong: 'int64',
  intp: 'int64',
  uint: 'uint64',
  ulong: 'uint64',
  ulonglong: 'uint64',
  uintp: 'uint64',
  intc: 'int32',
  uintc: 'uint32',
  short: 'int16',
  ushort: 'uint16',
  byte: 'int8',
  ubyte: 'uint8',
};

// numpy type codes after an optional byte-order character.
const CODES: Record<string, DType> = {
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  f4: 'float32',
  f8: 'float64',
  b: 'int8',
  B: 'uint8',
  h: 'int16',
  H: 'uint16',
  i: 'int32',
  I: 'uint32',
  l: 'int64',
  L: 'uint64',
  q: 'int64',
  Q: 'uint64',
  p: 'int64',
  P: 'uint64',
  f: 'float32',
  d: 'float64',
};

// Valid numpy types a ring buffer of numbers cannot hold, with what to use instead.
const UNSUPPORTED: Array<[RegExp, string]> = [
  [/^(float16|half|[<=|]?(f2|e))$/, 'half-precision floats (float16) are not supported; use float32'],
  [/^(bool|bool_|bool8|[<=|]?(\?|b1))$/, 'booleans are not supported; use uint8 (0 or 1)'],
  [/^(complex\d*|csingle|cdouble|clongdouble|[<=|]?(c\d+|[FDG]))$/, 'complex numbers are not supported; use two float fields (real and imaginary part)'],
  [/^(float128|float96|longdouble|[<=|]?(f16|f12|g))$/, 'extended-precision floats are not supported; use float64'],
  [/^(str|str_|unicode|bytes|bytes_|string_|object|object_|void|[<=|]?([USaOV]\d*))$/, 'text and object fields are not supported; ring buffers hold numbers only'],
  [/^(datetime64|timedelta64|[<=|]?[Mm]8)(\[.*\])?$/, 'date/time fields are not supported; use float64 (seconds) or int64 (nanoseconds)'],
];

export type DTypeResult = { ok: true; dtype: DType } | { ok: false; message: string; suggestion?: string };

/** Reads a dtype written as a RingScope name or a numpy name/code ("float32", "f8", "<i4", "float"). */
export function parseDType(text: string): DTypeResult {
  const s = text.trim();
  if ((DTYPES as readonly string[]).includes(s)) return { ok: true, dtype: s as DType };
  if (s in ALIASES) return { ok: true, dtype: ALIASES[s] };
  const code = /^([<=|]?)(.+)$/.exec(s);
  if (code && code[2] in CODES) return { ok: true, dtype: CODES[code[2]] };
  if (/^>/.test(s) && s.slice(1) in CODES) {
    const dtype = CODES[s.slice(1)];
    return { ok: false, message: `"${s}" is big-endian; RingScope buffers are little-endian: write "${dtype}"`, suggestion: dtype };
  }
  for (const [re, why] of UNSUPPORTED) if (re.test(s)) return { ok: false, message: `"${s}": ${why}` };
  const python = /^(?:np|numpy)\.(.+)$/.exec(s);
  if (python) {
    const inner = parseDType(python[1]);
    if (inner.ok) return { ok: false, message: `write "${inner.dtype}" without Python's "${s.slice(0, s.indexOf('.') + 1)}" prefix`, suggestion: inner.dtype };
  }
  const known = [...DTYPES, ...Object.keys(ALIASES)];
  const guess = didYouMean(s, known);
  return {
    ok: false,
    message:
      `"${s}" is not a data type RingScope knows` +
      (guess ? `; did you mean "${guess}"?` : '.') +
      ' Use int8, int16, int32, int64, uint8 … uint64, float32, float64, or a numpy code such as i4 or f8.',
    suggestion: guess,
  };
}
