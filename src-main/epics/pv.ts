// One process variable: its metadata, its current value with alarm state and
// time stamp, and rate-limited monitor posting (newest value wins).
import {
  type EncodeResult,
  type Limits,
  NATIVE_DBR,
  type PvMeta,
  type PvType,
  type PvValue,
  type Range,
  PV_TYPES,
  encodeDbr,
  parsePvNumber,
  toBase,
} from '../../src-workers/epics/dbr';
import { AlarmStatus, Dbe, Eca, MAX_ENUM_STATES, MAX_ENUM_STRING_SIZE, MAX_UNITS_SIZE, AlarmSeverity } from '../../src-workers/epics/protocol';

/** What `pv.set` accepts: scalars, arrays, enum state names, bigints (converted to numbers). */
export type PvInput = number | bigint | string | boolean | ArrayLike<number | bigint> | readonly string[];

/** What `onWrite` receives: the written value in the PV's native form (enum: the state index). */
export type PvWriteValue = number | string | number[] | string[];

/** Return a message (or throw) to refuse a write; the client sees PUTFAIL. */
export type WriteHandler = (value: PvWriteValue, pv: Pv) => void | string | Promise<void | string>;

export interface PvOptions {
  /** The full PV name clients search for. */
  name: string;
  type: PvType;
  /** Elements (1 = scalar; more = an array/waveform PV). */
  count?: number;
  /** Initial value; absent: zeros with severity INVALID, status UDF until the first set(). */
  value?: PvInput;
  units?: string;
  /** Decimal places displays show (FLOAT/DOUBLE). */
  precision?: number;
  limits?: Limits;
  /** State names of an enum PV (at most 16 of at most 25 characters). */
  enumStrings?: readonly string[];
  /** Whether clients may write (default false). */
  writable?: boolean;
  onWrite?: WriteHandler;
  /** Monitor posts per second at most (default: the server's, 10); 0 = every change. */
  rate?: number;
}

/** Something that wants to hear about changes (a subscription on a circuit). */
export interface PvSubscriber {
  /** DBE_* bits it listens to. */
  readonly mask: number;
  /** Called with the DBE_* bits of the change when a post goes out. */
  notify(pv: Pv, changed: number): void;
}

export interface WriteOutcome {
  eca: number;
  message?: string;
}

function checkRange(name: string, what: string, r: Range | undefined): void {
  if (!r) return;
  for (const k of ['low', 'high'] as const) {
    if (r[k] !== undefined && (typeof r[k] !== 'number' || Number.isNaN(r[k]))) throw new TypeError(`PV ${name}: limits.${what}.${k} must be a number`);
  }
}

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { length?: unknown }).length === 'number';
}

function sameNumbers(a: Float64Array | null, b: Float64Array, n: number): boolean {
  if (!a) return false;
  for (let i = 0; i < n; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export class Pv {
  readonly name: string;
  readonly meta: PvMeta;
  readonly writable: boolean;
  private onWrite: WriteHandler | undefined;
  private rateHz: number | undefined;
  private current: PvValue;
  private version = 0;
  private cache = new Map<number, EncodeResult>();
  private cacheVersion = -1;
  private subscribers = new Set<PvSubscriber>();
  private dirty = 0;
  private lastPost = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The server's default rate, applied when the PV has none of its own. */
  defaultRate = 10;

  constructor(o: PvOptions) {
    if (typeof o.name !== 'string' || o.name.length === 0 || /[\s\0]/.test(o.name)) throw new TypeError(`PV name "${o.name}" must be non-empty without spaces`);
    if (!PV_TYPES.includes(o.type)) throw new TypeError(`PV ${o.name}: type must be one of ${PV_TYPES.join(', ')}`);
    const count = o.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 0x7fffffff) throw new TypeError(`PV ${o.name}: count must be an integer ≥ 1`);
    const enumStrings = o.enumStrings ?? [];
    if (o.type === 'enum') {
      if (enumStrings.length === 0 || enumStrings.length > MAX_ENUM_STATES) throw new TypeError(`PV ${o.name}: an enum needs 1 to ${MAX_ENUM_STATES} enumStrings`);
      for (const s of enumStrings) {
        if (Buffer.byteLength(s) > MAX_ENUM_STRING_SIZE - 1) throw new TypeError(`PV ${o.name}: enum string "${s}" is longer than ${MAX_ENUM_STRING_SIZE - 1} bytes`);
      }
    }
    const units = o.units ?? '';
    if (Buffer.byteLength(units) > MAX_UNITS_SIZE - 1) throw new TypeError(`PV ${o.name}: units "${units}" are longer than ${MAX_UNITS_SIZE - 1} bytes`);
    if (o.precision !== undefined && (!Number.isInteger(o.precision) || o.precision < 0 || o.precision > 17)) throw new TypeError(`PV ${o.name}: precision must be an integer 0–17`);
    const limits = o.limits ?? {};
    for (const k of ['display', 'alarm', 'warning', 'control'] as const) checkRange(o.name, k, limits[k]);
    if (o.rate !== undefined && !(o.rate >= 0)) throw new TypeError(`PV ${o.name}: rate must be ≥ 0`);

    this.name = o.name;
    this.meta = Object.freeze({ type: o.type, maxCount: count, units, precision: o.precision, limits: structuredClone(limits), enumStrings: [...enumStrings] });
    this.writable = o.writable ?? false;
    this.onWrite = o.onWrite;
    this.rateHz = o.rate;
    this.current = this.undefinedValue();
    if (o.value !== undefined) this.set(o.value);
  }

  private undefinedValue(): PvValue {
    const n = this.meta.maxCount;
    return {
      numbers: this.meta.type === 'string' ? null : new Float64Array(n),
      strings: this.meta.type === 'string' ? new Array<string>(n).fill('') : null,
      count: n,
      status: AlarmStatus.UDF,
      severity: AlarmSeverity.INVALID,
      stampMs: Date.now(),
    };
  }

  /** The current value as the PV holds it (a copy). */
  get value(): PvWriteValue {
    const v = this.current;
    if (v.strings) return this.meta.maxCount === 1 ? v.strings[0] : v.strings.slice(0, v.count);
    const nums = Array.from(v.numbers!.subarray(0, v.count));
    return this.meta.maxCount === 1 ? nums[0] : nums;
  }

  /** Alarm severity and status of the current value. */
  get alarm(): { severity: number; status: number } {
    return { severity: this.current.severity, status: this.current.status };
  }

  /** Snapshot of the current value (shared; never mutated, replaced on set). */
  get snapshot(): PvValue {
    return this.current;
  }

  /**
   * Sets the value and time stamp (ms since the Unix epoch, default now),
   * derives the alarm from the limits, and posts to monitors when the value or
   * alarm changed — at most `rate` times a second, the newest value winning.
   */
  set(input: PvInput, timestampMs: number = Date.now()): void {
    const next = this.normalize(input);
    const prev = this.current;
    let valueChanged: boolean;
    if (next.strings) {
      valueChanged = !prev.strings || prev.count !== next.count || next.strings.some((s, i) => s !== prev.strings![i]);
    } else {
      valueChanged = prev.count !== next.count || !sameNumbers(prev.numbers, next.numbers!, next.count);
    }
    const [severity, status] = this.alarmOf(next);
    const alarmChanged = severity !== prev.severity || status !== prev.status;
    this.current = { ...next, severity, status, stampMs: Number.isFinite(timestampMs) ? timestampMs : Date.now() };
    this.version++;
    let changed = 0;
    if (valueChanged) changed |= Dbe.VALUE | Dbe.LOG;
    if (alarmChanged) changed |= Dbe.ALARM;
    if (changed) this.schedulePost(changed);
  }

  private normalize(input: PvInput): Omit<PvValue, 'status' | 'severity' | 'stampMs'> {
    const { type, maxCount } = this.meta;
    const items: unknown[] = typeof input === 'string' || !isArrayLike(input) ? [input] : Array.from(input as ArrayLike<unknown>);
    const count = Math.min(items.length, maxCount);
    if (type === 'string') {
      const strings = new Array<string>(count);
      for (let i = 0; i < count; i++) strings[i] = typeof items[i] === 'string' ? (items[i] as string) : this.textOf(items[i]);
      return { numbers: null, strings, count };
    }
    const base = NATIVE_DBR[type];
    const numbers = new Float64Array(count);
    for (let i = 0; i < count; i++) numbers[i] = toBase(base, this.numberOf(items[i]));
    return { numbers, strings: null, count };
  }

  private textOf(x: unknown): string {
    if (typeof x === 'bigint' || typeof x === 'number' || typeof x === 'boolean') return String(x);
    throw new TypeError(`PV ${this.name}: cannot show ${typeof x} as text`);
  }

  private numberOf(x: unknown): number {
    if (typeof x === 'number') return x;
    if (typeof x === 'bigint') return Number(x);
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (typeof x === 'string') {
      if (this.meta.type === 'enum') {
        const idx = this.meta.enumStrings.indexOf(x);
        if (idx >= 0) return idx;
      }
      const n = parsePvNumber(x);
      if (n !== null) return n;
      throw new TypeError(`PV ${this.name}: "${x}" is not ${this.meta.type === 'enum' ? 'one of its states' : 'a number'}`);
    }
    throw new TypeError(`PV ${this.name}: cannot use ${typeof x} as a number`);
  }

  /** AlarmSeverity and status from the alarm and warning limits (scalar numeric PVs only). */
  private alarmOf(v: Omit<PvValue, 'status' | 'severity' | 'stampMs'>): [number, number] {
    const t = this.meta.type;
    if (!v.numbers || t === 'enum' || this.meta.maxCount !== 1 || v.count < 1) return [AlarmSeverity.NO_ALARM, AlarmStatus.NO_ALARM];
    const x = v.numbers[0];
    if (Number.isNaN(x)) return [AlarmSeverity.INVALID, AlarmStatus.UDF];
    const { alarm, warning } = this.meta.limits;
    if (alarm?.high !== undefined && x >= alarm.high) return [AlarmSeverity.MAJOR, AlarmStatus.HIHI];
    if (alarm?.low !== undefined && x <= alarm.low) return [AlarmSeverity.MAJOR, AlarmStatus.LOLO];
    if (warning?.high !== undefined && x >= warning.high) return [AlarmSeverity.MINOR, AlarmStatus.HIGH];
    if (warning?.low !== undefined && x <= warning.low) return [AlarmSeverity.MINOR, AlarmStatus.LOW];
    return [AlarmSeverity.NO_ALARM, AlarmStatus.NO_ALARM];
  }

  // ------------------------------------------------------------ monitors

  /** The interval between two posts in ms (0: no limit). */
  private get interval(): number {
    const rate = this.rateHz ?? this.defaultRate;
    return rate > 0 ? 1000 / rate : 0;
  }

  private schedulePost(changed: number): void {
    if (this.subscribers.size === 0) return;
    this.dirty |= changed;
    if (this.timer) return;
    const wait = Math.max(0, this.lastPost + this.interval - Date.now());
    // Even with no wait, defer to coalesce several sets made in one tick.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.post();
    }, wait);
    this.timer.unref?.();
  }

  private post(): void {
    const changed = this.dirty;
    this.dirty = 0;
    if (!changed) return;
    this.lastPost = Date.now();
    for (const s of this.subscribers) {
      if (s.mask & changed) s.notify(this, changed);
    }
  }

  subscribe(s: PvSubscriber): void {
    this.subscribers.add(s);
  }

  unsubscribe(s: PvSubscriber): void {
    this.subscribers.delete(s);
    if (this.subscribers.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.dirty = 0;
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Stops pending posts (the server is stopping or the PV was removed). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = 0;
    this.subscribers.clear();
  }

  /** The current value as a DBR payload; shared by every reader until the next set. */
  encode(dbrType: number, count: number): EncodeResult {
    if (this.cacheVersion !== this.version) {
      this.cache.clear();
      this.cacheVersion = this.version;
    }
    const key = dbrType * 0x80000000 + count;
    let r = this.cache.get(key);
    if (!r) {
      r = encodeDbr(this.meta, this.current, dbrType, count);
      this.cache.set(key, r);
    }
    return r;
  }

  // ------------------------------------------------------------ writes

  /**
   * A client's write, already decoded to the native form: checks access and
   * control limits, asks onWrite, and on success takes the value.
   */
  async write(numbers: number[] | null, strings: string[] | null): Promise<WriteOutcome> {
    if (!this.writable) return { eca: Eca.NOWTACCESS, message: `${this.name} is read-only` };
    const ctl = this.meta.limits.control;
    if (numbers && this.meta.type !== 'enum' && ctl && (ctl.low !== undefined || ctl.high !== undefined)) {
      // EPICS treats equal control limits (both 0 by default) as "no limits".
      const active = !(ctl.low !== undefined && ctl.high !== undefined && ctl.low === ctl.high);
      for (const x of numbers) {
        if (active && ((ctl.low !== undefined && x < ctl.low) || (ctl.high !== undefined && x > ctl.high) || Number.isNaN(x))) {
          return { eca: Eca.PUTFAIL, message: `${x} is outside ${this.name}'s control limits [${ctl.low ?? '-inf'}, ${ctl.high ?? 'inf'}]` };
        }
      }
    }
    const base = this.meta.type === 'string' ? null : NATIVE_DBR[this.meta.type];
    const nativeNumbers = numbers && base !== null ? numbers.map((x) => toBase(base, x)) : null;
    const scalar = this.meta.maxCount === 1;
    const value: PvWriteValue = strings ? (scalar ? strings[0] : strings) : scalar ? nativeNumbers![0] : nativeNumbers!;
    const before = this.version;
    if (this.onWrite) {
      try {
        const r = await this.onWrite(value, this);
        if (typeof r === 'string') return { eca: Eca.PUTFAIL, message: r };
      } catch (e) {
        return { eca: Eca.PUTFAIL, message: e instanceof Error ? e.message : String(e) };
      }
    }
    // If onWrite set a value of its own (a coerced one), that one stands.
    if (this.version === before) this.set(strings ?? nativeNumbers!);
    return { eca: Eca.NORMAL };
  }
}
