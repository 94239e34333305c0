// The bridge's wire format. Control messages are JSON text; snapshots are one
// binary frame each, so that waveform samples are never turned into text:
//
//   offset 0  "RSBF" magic (4 bytes)
//          4  u8 format version (1)
//          5  u8 kind (1 = snapshot)
//          6  u16 reserved (0)
//          8  u32 header length H (little-endian)
//         12  H bytes of UTF-8 JSON header: buffer, seq, counter, timestamp,
//             deadtime, fields [{name, dtype, length, offset}]
//         …   each field's raw little-endian samples at its offset, 8-aligned
//
// Offsets are from the frame start and 8-aligned, so a decoder holding the
// frame in an ArrayBuffer makes typed-array views on it without copying.
// 64-bit integers travel as their 8 raw bytes and decode to BigInt64Array /
// BigUint64Array.
import type { Command, HostEvent, SampleArray, SampleType, Snapshot, SnapshotField } from './protocol';

const MAGIC = [0x52, 0x53, 0x42, 0x46]; // "RSBF"
const FRAME_VERSION = 1;
const KIND_SNAPSHOT = 1;
const PREFIX = 12;

const CTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

type Ctor = (typeof CTORS)[SampleType];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An error in a message received from the other end (bad JSON, unknown type, wrong field). */
export class BridgeDecodeError extends Error {
  override name = 'BridgeDecodeError';
}

/** The SampleType of a typed array, or null for anything else. */
export function sampleTypeOf(a: unknown): SampleType | null {
  for (const [dtype, C] of Object.entries(CTORS) as [SampleType, Ctor][]) {
    if (a instanceof C) return dtype;
  }
  return null;
}

/** Normalises a setup dtype name or numpy code (f4, int32, <i8 …) to a SampleType; null if unknown. */
export function normaliseDtype(name: string): SampleType | null {
  const n = name.trim().toLowerCase().replace(/^[<>=|]/, '');
  if (n in CTORS) return n as SampleType;
  const codes: Record<string, SampleType> = {
    i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32', i8: 'int64', u8: 'uint64',
    f4: 'float32', f8: 'float64', float: 'float64', double: 'float64', int: 'int64', b: 'int8', b1: 'uint8',
  };
  return codes[n] ?? null;
}

/** Converts one field's values to a typed array of its dtype (typed arrays of the right kind pass unchanged). */
export function toSampleArray(values: ArrayLike<number | bigint>, dtype: SampleType): SampleArray {
  const C = CTORS[dtype];
  if (values instanceof C) return values as SampleArray;
  const n = values.length;
  if (dtype === 'int64' || dtype === 'uint64') {
    const out = dtype === 'int64' ? new BigInt64Array(n) : new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    }
    return out;
  }
  const out = new (C as Exclude<Ctor, BigInt64ArrayConstructor | BigUint64ArrayConstructor>)(n);
  for (let i = 0; i < n; i++) out[i] = Number(values[i]);
  return out;
}

// -------------------------------------------------------------- JSON messages

const COMMAND_TYPES = new Set(['open', 'start', 'pause', 'resume', 'stop', 'abort', 'set_param', 'pv_put', 'subscribe', 'snapshot_ack', 'save_setup', 'list_setups', 'list_ports', 'histogram', 'strip']);

/** Encodes a command as JSON text. */
export function encodeCommand(cmd: Command): string {
  return JSON.stringify(cmd);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optNumber(o: Record<string, unknown>, key: string, nonNegative = false): void {
  const v = o[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || (nonNegative && v < 0)) {
    throw new BridgeDecodeError(`"${key}" must be a ${nonNegative ? 'non-negative ' : ''}number`);
  }
}

function needString(o: Record<string, unknown>, key: string): void {
  if (typeof o[key] !== 'string') throw new BridgeDecodeError(`"${key}" must be a string`);
}

function optString(o: Record<string, unknown>, key: string): void {
  if (o[key] !== undefined && typeof o[key] !== 'string') throw new BridgeDecodeError(`"${key}" must be a string`);
}

// The shape of a histogram request; whether buffer, field and numbers make sense is the host's to say.
function checkHistogramRequest(spec: unknown): void {
  if (!isObject(spec)) throw new BridgeDecodeError('"spec" must be an object or null');
  needString(spec, 'buffer');
  needString(spec, 'field');
  optNumber(spec, 'bins');
  if (spec.bins === undefined) throw new BridgeDecodeError('"bins" is missing');
  const r = spec.range;
  if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new BridgeDecodeError('"range" must be [low, high] (two numbers)');
  }
  const fit = spec.fit;
  if (fit === undefined || fit === null) return;
  if (!isObject(fit)) throw new BridgeDecodeError('"fit" must be an object or null');
  for (const k of ['t_min', 't_max']) {
    if (typeof fit[k] !== 'number' || !Number.isFinite(fit[k])) throw new BridgeDecodeError(`"fit.${k}" must be a number`);
  }
  if (fit.background !== undefined && typeof fit.background !== 'boolean') throw new BridgeDecodeError('"fit.background" must be true or false');
}

/** The `req` of a command text that failed to decode, when it has a usable one: its refusal then comes as that request's ack. */
export function requestIdOf(text: string): number | undefined {
  try {
    const o: unknown = JSON.parse(text);
    if (isObject(o) && typeof o.req === 'number' && Number.isFinite(o.req)) return o.req;
  } catch {
    // not JSON: no request to answer
  }
  return undefined;
}

/** Parses and checks a command received from a client; throws BridgeDecodeError naming what is wrong. */
export function decodeCommand(text: string): Command {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new BridgeDecodeError('a command is not valid JSON');
  }
  if (!isObject(o) || typeof o.type !== 'string') throw new BridgeDecodeError('a command needs a "type"');
  if (!COMMAND_TYPES.has(o.type)) throw new BridgeDecodeError(`unknown command "${o.type}"`);
  optNumber(o, 'req');
  switch (o.type) {
    case 'open':
      needString(o, 'path');
      optString(o, 'text');
      break;
    case 'save_setup':
      needString(o, 'path');
      needString(o, 'text');
      optString(o, 'from');
      if (o.overwrite !== undefined && typeof o.overwrite !== 'boolean') throw new BridgeDecodeError('"overwrite" must be true or false');
      break;
    case 'start':
      optNumber(o, 'runevents', true);
      optNumber(o, 'runtime', true);
      break;
    case 'set_param':
      needString(o, 'function');
      needString(o, 'name');
      if (!('value' in o)) throw new BridgeDecodeError('"value" is missing');
      break;
    case 'pv_put': {
      needString(o, 'pv');
      const v = o.value;
      const ok = typeof v === 'number' || typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'));
      if (!ok) throw new BridgeDecodeError('"value" must be a number, a text or a list of numbers');
      break;
    }
    case 'subscribe':
      if (o.buffer !== null && typeof o.buffer !== 'string') throw new BridgeDecodeError('"buffer" must be a string or null');
      optNumber(o, 'hz', true);
      break;
    case 'snapshot_ack':
      if (typeof o.count !== 'number' || !Number.isInteger(o.count) || o.count < 0) {
        throw new BridgeDecodeError('"count" must be a non-negative integer');
      }
      break;
    case 'histogram':
      needString(o, 'id');
      if (o.spec !== null) checkHistogramRequest(o.spec);
      break;
    case 'strip':
      if (o.buffer !== null && typeof o.buffer !== 'string') throw new BridgeDecodeError('"buffer" must be a string or null');
      if (o.fields !== undefined && !(Array.isArray(o.fields) && o.fields.every((f) => typeof f === 'string'))) {
        throw new BridgeDecodeError('"fields" must be a list of field names');
      }
      break;
  }
  return o as Command;
}

// -------------------------------------------------------------------- events

/** Encodes a host event: a binary frame for a snapshot, JSON text for everything else. */
export function encodeEvent(ev: HostEvent): string | Uint8Array {
  return ev.type === 'snapshot' ? encodeSnapshot(ev.snapshot) : JSON.stringify(ev);
}

/** Decodes a host event from JSON text or a binary frame. */
export function decodeEvent(data: string | ArrayBuffer | ArrayBufferView): HostEvent {
  if (typeof data !== 'string') return { type: 'snapshot', snapshot: decodeSnapshot(data) };
  let o: unknown;
  try {
    o = JSON.parse(data);
  } catch {
    throw new BridgeDecodeError('an event is not valid JSON');
  }
  if (!isObject(o) || typeof o.type !== 'string') throw new BridgeDecodeError('an event needs a "type"');
  return o as HostEvent;
}

const align8 = (n: number) => (n + 7) & ~7;

interface FieldHeader {
  name: string;
  dtype: SampleType;
  length: number;
  offset: number;
}

interface SnapshotHeader {
  buffer: string;
  seq: number;
  counter: number;
  timestamp: number;
  deadtime: number;
  fields: FieldHeader[];
}

/** Encodes a snapshot as one binary frame (see the layout at the top of this file). */
export function encodeSnapshot(s: Snapshot): Uint8Array {
  const enc = new TextEncoder();
  // The header states the offsets, which depend on the header's own length:
  // lay out with a provisional start, then re-encode once if the length moved.
  let start = 0;
  let header: SnapshotHeader;
  let headerBytes: Uint8Array;
  for (;;) {
    let offset = start;
    const fields: FieldHeader[] = s.fields.map((f) => {
      const h = { name: f.name, dtype: f.dtype, length: f.data.length, offset };
      offset = align8(offset + f.data.byteLength);
      return h;
    });
    header = { buffer: s.buffer, seq: s.seq, counter: s.counter, timestamp: s.timestamp, deadtime: s.deadtime, fields };
    headerBytes = enc.encode(JSON.stringify(header));
    const needed = align8(PREFIX + headerBytes.length);
    if (needed === start) break;
    start = needed;
  }
  const last = header.fields[header.fields.length - 1];
  const total = last ? align8(last.offset + last.length * CTORS[last.dtype].BYTES_PER_ELEMENT) : start;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[4] = FRAME_VERSION;
  out[5] = KIND_SNAPSHOT;
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  out.set(headerBytes, PREFIX);
  s.fields.forEach((f, i) => {
    const bytes = new Uint8Array(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    const at = header.fields[i].offset;
    out.set(bytes, at);
    if (!LITTLE_ENDIAN) swapBytes(out, at, f.data.length, f.data.BYTES_PER_ELEMENT);
  });
  return out;
}

/** Decodes a binary snapshot frame; the field arrays view the frame's memory when it is 8-aligned. */
export function decodeSnapshot(data: ArrayBuffer | ArrayBufferView): Snapshot {
  let bytes =
    data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < PREFIX || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new BridgeDecodeError('a binary message is not a RingScope frame');
  }
  if (bytes[4] !== FRAME_VERSION) throw new BridgeDecodeError(`frame format ${bytes[4]} is not supported (expected ${FRAME_VERSION})`);
  if (bytes[5] !== KIND_SNAPSHOT) throw new BridgeDecodeError(`unknown frame kind ${bytes[5]}`);
  // Typed-array views need aligned offsets; a frame inside a pooled Node Buffer may not be.
  if (bytes.byteOffset % 8 !== 0 || !LITTLE_ENDIAN) bytes = bytes.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(8, true);
  if (PREFIX + hlen > bytes.length) throw new BridgeDecodeError('a snapshot frame is truncated (header)');
  let header: SnapshotHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + hlen)));
  } catch {
    throw new BridgeDecodeError('a snapshot frame header is not valid JSON');
  }
  const fields: SnapshotField[] = header.fields.map((f) => {
    const C = CTORS[f.dtype];
    if (!C) throw new BridgeDecodeError(`a snapshot field has an unknown dtype "${f.dtype}"`);
    if (f.offset % 8 !== 0 || f.offset + f.length * C.BYTES_PER_ELEMENT > bytes.length) {
      throw new BridgeDecodeError(`snapshot field "${f.name}" lies outside its frame`);
    }
    if (!LITTLE_ENDIAN) swapBytes(bytes, f.offset, f.length, C.BYTES_PER_ELEMENT);
    return { name: f.name, dtype: f.dtype, data: new C(bytes.buffer as ArrayBuffer, bytes.byteOffset + f.offset, f.length) as SampleArray };
  });
  return {
    buffer: header.buffer,
    seq: header.seq,
    counter: header.counter,
    timestamp: header.timestamp,
    deadtime: header.deadtime,
    fields,
  };
}

// Frames are little-endian; only a big-endian machine pays for this.
function swapBytes(bytes: Uint8Array, at: number, count: number, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < count; i++) {
    const p = at + i * width;
    for (let a = p, b = p + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
