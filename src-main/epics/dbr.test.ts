// DBR layouts byte by byte against db_access.h, conversions, writes, framing,
// alarms and monitor rate limiting.
import { describe, expect, it } from 'vitest';
import { ELEMENT_SIZE, VALUE_OFFSET, decodeWrite, encodeDbr, type PvMeta, type PvValue } from '../../src-workers/epics/dbr';
import { AlarmStatus, Dbe, DbrBase, EPICS_EPOCH_OFFSET, Eca, AlarmSeverity, decodeHeader, encodeHeader } from '../../src-workers/epics/protocol';
import { Pv } from './pv';

// sizeof() of every dbr_* struct on the wire (db_access.c's dbr_size table), types 0–34.
const DBR_SIZE = [
  40, 2, 4, 2, 1, 4, 8, // plain
  44, 6, 8, 6, 6, 8, 16, // sts
  52, 16, 16, 16, 16, 16, 24, // time
  44, 26, 44, 424, 20, 40, 72, // gr (gr_string = sts_string)
  44, 30, 52, 424, 22, 48, 88, // ctrl (ctrl_string = sts_string)
];

function meta(p: Partial<PvMeta> = {}): PvMeta {
  return { type: 'double', maxCount: 1, units: 'mm', precision: 2, limits: {}, enumStrings: [], ...p };
}
function val(numbers: number[] | null, strings: string[] | null = null, p: Partial<PvValue> = {}): PvValue {
  return { numbers: numbers ? Float64Array.from(numbers) : null, strings, count: (numbers ?? strings)!.length, status: 0, severity: 0, stampMs: 0, ...p };
}

describe('DBR layouts', () => {
  it('puts the value where db_access.h does, for all 35 types', () => {
    for (let t = 0; t <= 34; t++) {
      const base = t % 7;
      expect(VALUE_OFFSET[Math.floor(t / 7)][base] + ELEMENT_SIZE[base], `type ${t}`).toBe(DBR_SIZE[t]);
      const r = encodeDbr(meta({ type: 'enum', enumStrings: ['a', 'b'] }), val([1]), t, 0);
      expect(r.ok && r.payload.length).toBe(Math.ceil(DBR_SIZE[t] / 8) * 8);
    }
  });

  it('encodes DBR_CTRL_DOUBLE: status, severity, precision, RISC pad, units, 8 limits, value', () => {
    const m = meta({ limits: { display: { low: -1, high: 11 }, alarm: { high: 9 }, warning: { low: 1, high: 5 }, control: { low: 0, high: 10 } } });
    const r = encodeDbr(m, val([6.5], null, { status: AlarmStatus.HIGH, severity: AlarmSeverity.MINOR }), 34, 0);
    if (!r.ok) throw new Error('failed');
    const b = r.payload;
    expect(b.length).toBe(88);
    expect([b.readInt16BE(0), b.readInt16BE(2), b.readInt16BE(4), b.readInt16BE(6)]).toEqual([4, 1, 2, 0]);
    expect(b.toString('latin1', 8, 16)).toBe('mm\0\0\0\0\0\0');
    const limits = Array.from({ length: 8 }, (_, i) => b.readDoubleBE(16 + 8 * i));
    expect(limits).toEqual([11, -1, 9, 5, 1, NaN, 10, 0]);
    expect(b.readDoubleBE(80)).toBe(6.5);
  });

  it('encodes DBR_GR_ENUM / DBR_CTRL_ENUM with the string table', () => {
    const m = meta({ type: 'enum', enumStrings: ['idle', 'running', 'a twenty-five char state'] });
    for (const t of [24, 31]) {
      const r = encodeDbr(m, val([2]), t, 0);
      if (!r.ok) throw new Error('failed');
      expect(r.payload.readInt16BE(4)).toBe(3);
      expect(r.payload.toString('latin1', 6, 10)).toBe('idle');
      expect(r.payload.toString('latin1', 6 + 26, 6 + 26 + 7)).toBe('running');
      expect(r.payload.toString('latin1', 6 + 52, 6 + 52 + 24)).toBe('a twenty-five char state');
      expect(r.payload[6 + 52 + 25]).toBe(0);
      expect(r.payload.readUInt16BE(422)).toBe(2);
    }
  });

  it('encodes TIME stamps from the EPICS epoch, with the RISC pads', () => {
    const ms = (EPICS_EPOCH_OFFSET + 1000) * 1000 + 123.456;
    const r = encodeDbr(meta({ type: 'char' }), val([200], null, { stampMs: ms }), 18, 0); // TIME_CHAR
    if (!r.ok) throw new Error('failed');
    expect(r.payload.readUInt32BE(4)).toBe(1000);
    expect(Math.abs(r.payload.readUInt32BE(8) - 123_456_000)).toBeLessThan(1000);
    expect(r.payload[15]).toBe(200);
    const d = encodeDbr(meta(), val([2.5]), 20, 0); // TIME_DOUBLE
    expect(d.ok && d.payload.readDoubleBE(16)).toBe(2.5);
  });

  it('converts: numbers as text with precision, enums as their names, integers saturate', () => {
    const asText = encodeDbr(meta({ precision: 3 }), val([Math.PI]), DbrBase.STRING, 0);
    expect(asText.ok && asText.payload.toString('latin1', 0, 5)).toBe('3.142');
    const e = encodeDbr(meta({ type: 'enum', enumStrings: ['off', 'on'] }), val([1]), DbrBase.STRING, 0);
    expect(e.ok && e.payload.toString('latin1', 0, 3)).toBe('on\0');
    const short = encodeDbr(meta(), val([1e9]), DbrBase.SHORT, 0);
    expect(short.ok && short.payload.readInt16BE(0)).toBe(32767);
    const long = encodeDbr(meta(), val([-7.9]), DbrBase.LONG, 0);
    expect(long.ok && long.payload.readInt32BE(0)).toBe(-7);
    expect(encodeDbr(meta({ type: 'string' }), val(null, ['x']), DbrBase.DOUBLE, 0)).toEqual({ ok: false, eca: Eca.BADTYPE });
    expect(encodeDbr(meta(), val([1]), 35, 0)).toEqual({ ok: false, eca: Eca.BADTYPE });
    expect(encodeDbr(meta(), val([1]), DbrBase.DOUBLE, 2)).toEqual({ ok: false, eca: Eca.BADCOUNT });
  });

  it('answers count 0 with the current length and zero-fills past it', () => {
    const m = meta({ maxCount: 10 });
    const v = val([1, 2, 3]);
    const cur = encodeDbr(m, v, DbrBase.DOUBLE, 0);
    expect(cur.ok && cur.count).toBe(3);
    const full = encodeDbr(m, v, DbrBase.DOUBLE, 5);
    expect(full.ok && [full.count, full.payload.readDoubleBE(16), full.payload.readDoubleBE(32)]).toEqual([5, 3, 0]);
  });

  it('cuts long strings at 39 bytes, on a character boundary', () => {
    const r = encodeDbr(meta({ type: 'string' }), val(null, ['é'.repeat(30)]), DbrBase.STRING, 0);
    if (!r.ok) throw new Error('failed');
    const text = r.payload.toString('utf8', 0, r.payload.indexOf(0));
    expect(text).toBe('é'.repeat(19));
  });
});

describe('decodeWrite', () => {
  it('takes numbers, numeric text, enum names and indices', () => {
    const d = Buffer.alloc(8);
    d.writeDoubleBE(0.125);
    expect(decodeWrite(meta(), DbrBase.DOUBLE, 1, d)).toEqual({ ok: true, numbers: [0.125], strings: null });
    const t = Buffer.alloc(40);
    t.write(' 2.5e-3 ');
    expect(decodeWrite(meta(), DbrBase.STRING, 1, t)).toEqual({ ok: true, numbers: [0.0025], strings: null });
    const en = meta({ type: 'enum', enumStrings: ['none', 'start'] });
    const s = Buffer.alloc(40);
    s.write('start');
    expect(decodeWrite(en, DbrBase.STRING, 1, s)).toMatchObject({ ok: true, numbers: [1] });
    const i = Buffer.alloc(8);
    i.writeUInt16BE(1);
    expect(decodeWrite(en, DbrBase.ENUM, 1, i)).toMatchObject({ ok: true, numbers: [1] });
  });

  it('refuses what does not convert, with a message', () => {
    const t = Buffer.alloc(40);
    t.write('fast');
    expect(decodeWrite(meta(), DbrBase.STRING, 1, t)).toMatchObject({ ok: false, eca: Eca.PUTFAIL, message: '"fast" is not a number' });
    const en = meta({ type: 'enum', enumStrings: ['a', 'b'] });
    const i = Buffer.alloc(8);
    i.writeUInt16BE(5);
    expect(decodeWrite(en, DbrBase.ENUM, 1, i)).toMatchObject({ ok: false, eca: Eca.PUTFAIL });
    expect(decodeWrite(meta(), DbrBase.DOUBLE, 2, Buffer.alloc(16))).toMatchObject({ ok: false, eca: Eca.BADCOUNT });
    expect(decodeWrite(meta({ maxCount: 4 }), DbrBase.DOUBLE, 3, Buffer.alloc(16))).toMatchObject({ ok: false, eca: Eca.BADCOUNT });
    expect(decodeWrite(meta(), 20, 1, Buffer.alloc(24))).toMatchObject({ ok: false, eca: Eca.BADTYPE });
  });
});

describe('headers', () => {
  it('uses the extended form for big payloads and counts, and reads both', () => {
    const small = encodeHeader(1, 16, 6, 2, 3, 4);
    expect(small.length).toBe(16);
    expect(decodeHeader(small, 0)).toMatchObject({ command: 1, payloadSize: 16, dataType: 6, count: 2, p1: 3, p2: 4, headerSize: 16 });
    const big = encodeHeader(15, 160_000, 6, 20_000, 1, 2);
    expect(big.length).toBe(24);
    expect(big.readUInt16BE(2)).toBe(0xffff);
    expect(big.readUInt16BE(6)).toBe(0);
    expect(decodeHeader(big, 0)).toMatchObject({ payloadSize: 160_000, count: 20_000, headerSize: 24 });
    expect(encodeHeader(18, 0, 6, 70_000, 1, 2).length).toBe(24);
    expect(decodeHeader(big.subarray(0, 20), 0)).toBeNull();
  });
});

describe('Pv', () => {
  it('derives severity and status from the alarm and warning limits', () => {
    const pv = new Pv({ name: 'X', type: 'double', value: 1, limits: { alarm: { low: 0, high: 10 }, warning: { low: 1, high: 8 } } });
    const at = (x: number): [number, number] => {
      pv.set(x);
      return [pv.alarm.severity, pv.alarm.status];
    };
    expect(at(5)).toEqual([AlarmSeverity.NO_ALARM, AlarmStatus.NO_ALARM]);
    expect(at(9)).toEqual([AlarmSeverity.MINOR, AlarmStatus.HIGH]);
    expect(at(10)).toEqual([AlarmSeverity.MAJOR, AlarmStatus.HIHI]);
    expect(at(0.5)).toEqual([AlarmSeverity.MINOR, AlarmStatus.LOW]);
    expect(at(-1)).toEqual([AlarmSeverity.MAJOR, AlarmStatus.LOLO]);
    expect(at(NaN)).toEqual([AlarmSeverity.INVALID, AlarmStatus.UDF]);
    expect(new Pv({ name: 'Y', type: 'long' }).alarm).toEqual({ severity: AlarmSeverity.INVALID, status: AlarmStatus.UDF });
  });

  it('posts changes only, at most at its rate, the newest value last', async () => {
    const pv = new Pv({ name: 'X', type: 'long', value: 0, rate: 20 });
    const seen: number[] = [];
    pv.subscribe({ mask: Dbe.VALUE, notify: (p) => seen.push(p.value as number) });
    for (let i = 1; i <= 500; i++) pv.set(i);
    pv.set(500); // no change, no post
    const t0 = Date.now();
    while (seen.at(-1) !== 500) await new Promise((r) => setTimeout(r, 5));
    const elapsed = Date.now() - t0;
    // 20 Hz: posts are ≥ 50 ms apart, so in `elapsed` ms there are at most elapsed/50 + 1.
    expect(seen.length).toBeLessThanOrEqual(Math.floor(elapsed / 50) + 1);
    expect(seen.length).toBeLessThan(500);
  });

  it('refuses writes outside control limits and when onWrite says so', async () => {
    const calls: unknown[] = [];
    const pv = new Pv({
      name: 'DT',
      type: 'double',
      value: 1,
      writable: true,
      limits: { control: { low: 0.01, high: 10 } },
      onWrite: (v) => {
        calls.push(v);
        return v === 3 ? 'three is unlucky' : undefined;
      },
    });
    expect(await pv.write([20], null)).toMatchObject({ eca: Eca.PUTFAIL });
    expect(await pv.write([3], null)).toEqual({ eca: Eca.PUTFAIL, message: 'three is unlucky' });
    expect(await pv.write([2], null)).toEqual({ eca: Eca.NORMAL });
    expect(pv.value).toBe(2);
    expect(calls).toEqual([3, 2]);
    const ro = new Pv({ name: 'RO', type: 'double', value: 1 });
    expect((await ro.write([2], null)).eca).toBe(Eca.NOWTACCESS);
  });

  it('rejects impossible definitions with the PV name', () => {
    expect(() => new Pv({ name: 'E', type: 'enum' })).toThrow(/E: an enum needs/);
    expect(() => new Pv({ name: 'U', type: 'double', units: 'much too long' })).toThrow(/units/);
    expect(() => new Pv({ name: 'bad name', type: 'double' })).toThrow(/name/);
  });
});
