// Ring-buffer layouts: what the user declares (fields × samples, slots, reader
// groups), how it is checked, and where every byte of the SharedArrayBuffer
// goes. Pure computation, shared by RingBuffer.create and RingBuffer.open so
// that both sides of a thread boundary agree on every offset.

/** Sample types a field can have (numpy names, as in mimoCoRB setups). */
export type DType = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'float32' | 'float64';

/** One named field of an event record: `samples` values of one dtype. */
export interface FieldSpec {
  name: string;
  dtype: DType;
}

/** What a buffer holds: `slots` events of `fields` × `samples`, read by the named reader groups. */
export interface RingBufferLayout {
  name: string;
  slots: number;
  samples: number;
  fields: FieldSpec[];
  /** Reader-group names, fixed at creation (a group added later would miss events). */
  groups: string[];
}

/** A typed array of any dtype; 64-bit integer fields are BigInt64Array / BigUint64Array. */
export type TypedArray =
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Thrown for a layout (or descriptor, or group name) that cannot work; the message names the problem. */
export class RingBufferLayoutError extends Error {
  override name = 'RingBufferLayoutError';
}

/** Stated limits; layouts beyond them are rejected. */
export const LIMITS = {
  /** Most slots per buffer. */
  maxSlots: 65_536,
  /** Most samples per field. */
  maxSamples: 16_777_216,
  /** Most fields per event. */
  maxFields: 1024,
  /** Most reader groups per buffer. */
  maxGroups: 32,
  /** Largest SharedArrayBuffer a buffer may allocate (1 GiB). */
  maxBytes: 1 << 30,
} as const;

type TypedArrayCtor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray; readonly BYTES_PER_ELEMENT: number };

/** The typed-array constructor of each dtype. */
export const DTYPE_ARRAY: Readonly<Record<DType, TypedArrayCtor>> = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Where one field lives inside a slot. */
export interface FieldOffset {
  name: string;
  dtype: DType;
  /** Byte offset from the slot's start (8-aligned, so every dtype is aligned). */
  byteOffset: number;
  /** Number of values (= layout.samples). */
  length: number;
  byteLength: number;
}

/** Every offset of a buffer's memory; computed from the layout, carried in the descriptor. */
export interface RingBufferOffsets {
  /** Events the buffer holds at most (= layout.slots). */
  capacity: number;
  /** Slots allocated: capacity rounded up to a power of two, so sequence numbers map to slots across 32-bit wrap-around. */
  physicalSlots: number;
  /** Int32 words of the control block at byte 0. */
  controlWords: number;
  /** Byte offset of the 64-bit counters (see COUNTER). */
  counters: number;
  /** Byte offset of each group's per-slot "released sequence" array, in group order. */
  released: number[];
  /** Byte offset of slot 0; slot i starts at slots + i × slotBytes. */
  slots: number;
  /** Bytes per slot (a multiple of 64, so slots never share a cache line). */
  slotBytes: number;
  /** Byte offset, inside a slot, of the tail stamp (written at commit). */
  tailStamp: number;
  fields: FieldOffset[];
  /** Total bytes of the SharedArrayBuffer. */
  totalBytes: number;
}

const LINE = 64;
/**
 * Slot header: counter (int64), timestamp (f64), deadtime (f64), the sequence the slot was last
 * published for (i32; in the slot itself so a reader pulls one cache line, not two), head stamp
 * (i32, written at acquire) and flags (i32; 1 = cancelled). Fields follow; the tail stamp ends the slot.
 */
export const SLOT_HEADER_BYTES = 40;
export const SLOT = { COUNTER: 0, TIMESTAMP: 8, DEADTIME: 16, PUB: 24, HEAD: 28, FLAGS: 32 } as const;

/** Int32 indices of the control block. Hot words written by different threads sit on separate cache lines. */
export const CTRL = {
  /** Next sequence number writers will claim (wraps at 2^32). */
  CLAIM: 0,
  /** Set by a reader about to sleep; cleared (and R_WAKE bumped) by the next publisher. */
  R_SLEEP: 16,
  R_WAKE: 17,
  /** Readers in Atomics.wait(Async) now (written when sleeping, like R_SLEEP). */
  R_WAITING: 18,
  /** Set by a writer about to sleep on a full buffer; cleared by the next releaser. */
  W_SLEEP: 32,
  W_WAKE: 33,
  W_WAITING: 34,
  /** Bit set of STATE_*. Read on every call; the rest of its line is rarely written. */
  STATE: 48,
  /** Times the top bit of CLAIM flipped: CLAIM as a 63-bit count for status. */
  HALF: 49,
  MAGIC: 53,
  /** Open writer handles (a lone writer can skip clock readings it provably does not need). */
  WRITERS: 54,
  /** Per group g: the group's take cursor and its released-up-to cursor. */
  GROUP_BASE: 64,
  GROUP_STRIDE: 32,
  CURSOR: 0,
  RELEASED: 16,
} as const;

/** Indices of the BigInt64 counters (64-bit, so no count wraps however long a run lasts). */
export const COUNTER = {
  /** Sum of the deadtime field of committed events, in nanoseconds. */
  DEAD: 0,
  /** Claimed sequences given back without data (cancel, or claims that raced pause/end). */
  TOMBSTONES: 1,
  /** Per group g at SKIPPED + g: tombstones the group passed over. */
  SKIPPED: 2,
} as const;

export const STATE_PAUSED = 1;
export const STATE_ENDED = 2;
export const STATE_ABORTED = 4;
export const MAGIC = 0x52534231; // "RSB1"

const DTYPES = Object.keys(DTYPE_ARRAY) as DType[];

const align = (n: number, a: number) => Math.ceil(n / a) * a;

function where(layout: { name?: unknown }): string {
  return typeof layout.name === 'string' && layout.name !== '' ? `ring buffer "${layout.name}"` : 'ring buffer';
}

function checkNames(what: string, names: unknown[], ctx: string): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (typeof n !== 'string' || n.trim() === '') throw new RingBufferLayoutError(`${ctx}: ${what} ${i + 1} has an empty name`);
    if (seen.has(n)) throw new RingBufferLayoutError(`${ctx}: duplicate ${what} name "${n}"`);
    seen.add(n);
  });
}

function checkCount(value: unknown, key: string, max: number, ctx: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new RingBufferLayoutError(`${ctx}: ${key} must be an integer, got ${JSON.stringify(value)}`);
  if (value < 1) throw new RingBufferLayoutError(`${ctx}: ${key} must be at least 1, got ${value}`);
  if (value > max) throw new RingBufferLayoutError(`${ctx}: ${key} is ${value}, over the limit of ${max}`);
  return value;
}

/** Checks a layout and throws a RingBufferLayoutError naming the first problem found. */
export function validateLayout(layout: RingBufferLayout): void {
  if (typeof layout !== 'object' || layout === null) throw new RingBufferLayoutError('ring buffer layout must be an object');
  const ctx = where(layout);
  if (typeof layout.name !== 'string' || layout.name.trim() === '') throw new RingBufferLayoutError('ring buffer layout has an empty name');
  checkCount(layout.slots, 'slots', LIMITS.maxSlots, ctx);
  checkCount(layout.samples, 'samples', LIMITS.maxSamples, ctx);
  if (!Array.isArray(layout.fields)) throw new RingBufferLayoutError(`${ctx}: fields must be a list`);
  if (layout.fields.length > LIMITS.maxFields) throw new RingBufferLayoutError(`${ctx}: ${layout.fields.length} fields, over the limit of ${LIMITS.maxFields}`);
  checkNames('field', layout.fields.map((f) => (typeof f === 'object' && f !== null ? f.name : undefined)), ctx);
  for (const f of layout.fields) {
    if (!DTYPES.includes(f.dtype)) throw new RingBufferLayoutError(`${ctx}: field "${f.name}" has unknown dtype ${JSON.stringify(f.dtype)} (known: ${DTYPES.join(', ')})`);
  }
  if (!Array.isArray(layout.groups)) throw new RingBufferLayoutError(`${ctx}: groups must be a list`);
  if (layout.groups.length > LIMITS.maxGroups) throw new RingBufferLayoutError(`${ctx}: ${layout.groups.length} reader groups, over the limit of ${LIMITS.maxGroups}`);
  checkNames('reader group', layout.groups, ctx);
  const total = computeOffsets(layout).totalBytes;
  if (total > LIMITS.maxBytes) {
    throw new RingBufferLayoutError(`${ctx}: needs ${(total / 2 ** 20).toFixed(1)} MiB, over the limit of ${LIMITS.maxBytes / 2 ** 20} MiB (reduce slots, samples or fields)`);
  }
}

/** Computes where everything lives; assumes a validated layout. */
export function computeOffsets(layout: RingBufferLayout): RingBufferOffsets {
  const capacity = layout.slots;
  let physicalSlots = 1;
  while (physicalSlots < capacity) physicalSlots *= 2;
  const groups = Math.max(1, layout.groups.length); // a buffer without groups keeps one internal auto-released group
  const controlWords = CTRL.GROUP_BASE + groups * CTRL.GROUP_STRIDE;
  let at = align(controlWords * 4, LINE);
  const counters = at;
  at = align(at + (COUNTER.SKIPPED + groups) * 8, LINE);
  const released: number[] = [];
  for (let g = 0; g < groups; g++) {
    released.push(at);
    at = align(at + physicalSlots * 4, LINE);
  }
  const slots = at;
  let inSlot = SLOT_HEADER_BYTES;
  const fields: FieldOffset[] = layout.fields.map((f) => {
    const bytes = DTYPE_ARRAY[f.dtype].BYTES_PER_ELEMENT * layout.samples;
    const off: FieldOffset = { name: f.name, dtype: f.dtype, byteOffset: inSlot, length: layout.samples, byteLength: bytes };
    inSlot = align(inSlot + bytes, 8);
    return off;
  });
  const tailStamp = inSlot;
  const slotBytes = align(tailStamp + 8, LINE);
  return { capacity, physicalSlots, controlWords, counters, released, slots, slotBytes, tailStamp, fields, totalBytes: slots + physicalSlots * slotBytes };
}
