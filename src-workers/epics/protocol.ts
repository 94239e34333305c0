// Channel Access 4.13 wire constants and message framing (big-endian).
// Numbers follow EPICS base's caProto.h, caerr.h, db_access.h and alarm.h.

/** The protocol minor version we speak (CA 4.13). */
export const CA_MINOR_VERSION = 13;

/** Seconds between the Unix epoch and the EPICS epoch (1990-01-01 UTC). */
export const EPICS_EPOCH_OFFSET = 631_152_000;

export const Cmd = {
  VERSION: 0,
  EVENT_ADD: 1,
  EVENT_CANCEL: 2,
  READ: 3,
  WRITE: 4,
  SNAPSHOT: 5,
  SEARCH: 6,
  BUILD: 7,
  EVENTS_OFF: 8,
  EVENTS_ON: 9,
  READ_SYNC: 10,
  ERROR: 11,
  CLEAR_CHANNEL: 12,
  RSRV_IS_UP: 13,
  NOT_FOUND: 14,
  READ_NOTIFY: 15,
  READ_BUILD: 16,
  REPEATER_CONFIRM: 17,
  CREATE_CHAN: 18,
  WRITE_NOTIFY: 19,
  CLIENT_NAME: 20,
  HOST_NAME: 21,
  ACCESS_RIGHTS: 22,
  ECHO: 23,
  REPEATER_REGISTER: 24,
  SIGNAL: 25,
  CREATE_CH_FAIL: 26,
  SERVER_DISCONN: 27,
} as const;

/** SEARCH data-type field: the client wants a NOT_FOUND answer (10) or not (5). */
export const SEARCH_DO_REPLY = 10;
export const SEARCH_DONT_REPLY = 5;

/** ECA status codes: message number << 3 | severity bits. */
export const Eca = {
  NORMAL: 1,
  ALLOCMEM: 48,
  TOLARGE: 72,
  BADTYPE: 114,
  GETFAIL: 152,
  PUTFAIL: 160,
  BADCOUNT: 176,
  BADSTR: 186,
  NOWTACCESS: 376,
  NOCONVERT: 400,
  BADCHID: 410,
  INTERNAL: 142,
} as const;

/** Subscription mask bits (DBE_*). */
export const Dbe = { VALUE: 1, LOG: 2, ALARM: 4, PROPERTY: 8 } as const;

/** Alarm severities (alarm.h). */
export const AlarmSeverity = { NO_ALARM: 0, MINOR: 1, MAJOR: 2, INVALID: 3 } as const;

/** Alarm conditions (alarm.h epicsAlarmCondition). */
export const AlarmStatus = {
  NO_ALARM: 0,
  READ: 1,
  WRITE: 2,
  HIHI: 3,
  HIGH: 4,
  LOLO: 5,
  LOW: 6,
  STATE: 7,
  COS: 8,
  COMM: 9,
  TIMEOUT: 10,
  HWLIMIT: 11,
  CALC: 12,
  SCAN: 13,
  LINK: 14,
  SOFT: 15,
  BAD_SUB: 16,
  UDF: 17,
  DISABLE: 18,
} as const;

/** The seven DBR base types; a DBR type is family × 7 + base. */
export const DbrBase = { STRING: 0, SHORT: 1, FLOAT: 2, ENUM: 3, CHAR: 4, LONG: 5, DOUBLE: 6 } as const;
export type DbrBaseType = (typeof DbrBase)[keyof typeof DbrBase];

/** Families: plain value, + status/severity, + time stamp, graphic, control. */
export const DbrFamily = { PLAIN: 0, STS: 1, TIME: 2, GR: 3, CTRL: 4 } as const;

/** Highest DBR type we answer (DBR_CTRL_DOUBLE). */
export const LAST_DBR_TYPE = 34;

export const MAX_STRING_SIZE = 40;
export const MAX_UNITS_SIZE = 8;
export const MAX_ENUM_STRING_SIZE = 26;
export const MAX_ENUM_STATES = 16;

/** One message header as read from the wire. */
export interface Header {
  command: number;
  payloadSize: number;
  dataType: number;
  count: number;
  p1: number;
  p2: number;
  /** 16, or 24 for the extended form. */
  headerSize: number;
}

/** Rounds a payload size up to the multiple of 8 CA wants. */
export function pad8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Encodes a header; switches to the 24-byte extended form when the payload is
 * ≥ 0xFFFF bytes or the count exceeds 0xFFFF.
 */
export function encodeHeader(command: number, payloadSize: number, dataType: number, count: number, p1: number, p2: number): Buffer {
  const extended = payloadSize >= 0xffff || count > 0xffff;
  const b = Buffer.allocUnsafe(extended ? 24 : 16);
  b.writeUInt16BE(command, 0);
  b.writeUInt16BE(extended ? 0xffff : payloadSize, 2);
  b.writeUInt16BE(dataType & 0xffff, 4);
  b.writeUInt16BE(extended ? 0 : count, 6);
  b.writeUInt32BE(p1 >>> 0, 8);
  b.writeUInt32BE(p2 >>> 0, 12);
  if (extended) {
    b.writeUInt32BE(payloadSize, 16);
    b.writeUInt32BE(count, 20);
  }
  return b;
}

/** A header plus its payload (padded to 8 by the caller's payload). */
export function encodeMessage(command: number, dataType: number, count: number, p1: number, p2: number, payload?: Buffer): Buffer {
  const size = payload ? payload.length : 0;
  const h = encodeHeader(command, size, dataType, count, p1, p2);
  return payload && size ? Buffer.concat([h, payload]) : h;
}

/**
 * Reads a header at `off`, or returns null when `buf` does not hold all of it
 * yet (16 bytes, or 24 when the payload-size field says 0xFFFF).
 */
export function decodeHeader(buf: Buffer, off: number): Header | null {
  if (buf.length - off < 16) return null;
  const command = buf.readUInt16BE(off);
  let payloadSize = buf.readUInt16BE(off + 2);
  const dataType = buf.readUInt16BE(off + 4);
  let count = buf.readUInt16BE(off + 6);
  const p1 = buf.readUInt32BE(off + 8);
  const p2 = buf.readUInt32BE(off + 12);
  let headerSize = 16;
  if (payloadSize === 0xffff) {
    if (buf.length - off < 24) return null;
    payloadSize = buf.readUInt32BE(off + 16);
    count = buf.readUInt32BE(off + 20);
    headerSize = 24;
  }
  return { command, payloadSize, dataType, count, p1, p2, headerSize };
}

/** A NUL-terminated, zero-padded (to 8) string payload. */
export function stringPayload(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(pad8(bytes.length + 1));
  bytes.copy(out);
  return out;
}

/** The text of a NUL-terminated string payload (up to the first NUL or the end). */
export function readCString(buf: Buffer, start = 0, end = buf.length): string {
  const nul = buf.indexOf(0, start);
  const stop = nul >= 0 && nul < end ? nul : end;
  return buf.toString('utf8', start, stop);
}

/** IPv4 dotted quad → u32 (0 for anything else). */
export function ipv4ToInt(address: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m) return 0;
  return ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0;
}

/** u32 → IPv4 dotted quad. */
export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
