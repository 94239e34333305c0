// builtin:sources/serial — events from an instrument on a serial port.
// Parameters: src-shared/builtins/source-serial.ts. The port is closed on every
// way out of this function (stop, runevents, error): a worker thread ended
// with a native serial handle still open takes the whole process down.
import type { EventView } from '../../../src-shared/ringbuffer';
import type { FunctionIO } from '../../runtime/io';
import { describeLayout, unfitValue, valueCount, writeValues, writerLayout, type FieldLayout } from '../../runtime/event-layout';
import { SerialConnection, type PortState } from '../../serial/connection';
import type { Parity, SerialSettings } from '../../serial/port';
import { FrameDecoder, parseSyncWord } from '../../serial/frames';
import { LineDecoder, type Decoder } from '../../serial/lines';
import { availablePaths } from '../../serial/ports';

const STATUS_MS = 1000;

/** Reads and checks the port settings from the config; throws naming the parameter. */
export function serialSettings(config: Record<string, unknown>): SerialSettings {
  const path = String(config.port ?? '').trim();
  const baudRate = Number(config.baudRate ?? 9600);
  const dataBits = Number(config.dataBits ?? 8);
  const parity = String(config.parity ?? 'none');
  const stopBits = Number(config.stopBits ?? 1);
  if (!Number.isInteger(baudRate) || baudRate <= 0) throw new Error(`baudRate must be a positive whole number, not ${String(config.baudRate)}`);
  if (![5, 6, 7, 8].includes(dataBits)) throw new Error(`dataBits must be 5, 6, 7 or 8, not ${String(config.dataBits)}`);
  if (!['none', 'even', 'odd', 'mark', 'space'].includes(parity)) throw new Error(`parity must be none, even, odd, mark or space, not "${parity}"`);
  if (![1, 1.5, 2].includes(stopBits)) throw new Error(`stopBits must be 1, 1.5 or 2, not ${String(config.stopBits)}`);
  return { path, baudRate, dataBits: dataBits as SerialSettings['dataBits'], parity: parity as Parity, stopBits: stopBits as SerialSettings['stopBits'] };
}

type Decoded = number[] | Uint8Array;

/** The decoder the config asks for, over the buffer's layout. */
export function makeDecoder(config: Record<string, unknown>, layout: readonly FieldLayout[]): Decoder<Decoded> {
  const protocol = String(config.protocol ?? 'lines');
  if (protocol === 'frames') {
    const byteOrder = String(config.byteOrder ?? 'little');
    if (byteOrder !== 'little' && byteOrder !== 'big') throw new Error(`byteOrder must be little or big, not "${byteOrder}"`);
    return new FrameDecoder({ sync: parseSyncWord(String(config.syncWord ?? 'A55A')), layout, byteOrder });
  }
  if (protocol !== 'lines') throw new Error(`protocol must be lines or frames, not "${protocol}"`);
  // Which value goes to which field, to refuse what a field cannot hold (NaN, fractions or
  // out-of-range numbers in integer fields, overflow in float32): such a line is bad, never wrapped.
  const checked: { index: number; field: FieldLayout }[] = [];
  let k = 0;
  for (const f of layout) {
    for (let i = 0; i < f.samples; i++, k++) if (f.dtype !== 'float64') checked.push({ index: k, field: f });
  }
  return new LineDecoder({
    values: valueCount(layout),
    separator: String(config.separator ?? 'auto'),
    header: config.header === undefined ? true : Boolean(config.header),
    check: checked.length
      ? (values) => {
          for (const { index, field } of checked) {
            const why = unfitValue(field.dtype, values[index]);
            if (why) return `value ${index + 1} (${field.name}): ${why}`;
          }
          return null;
        }
      : undefined,
  }) as Decoder<Decoded>;
}

export default async function serial(io: FunctionIO): Promise<void> {
  const settings = serialSettings(io.config);
  const protocol = String(io.config.protocol ?? 'lines');
  if (!settings.path) {
    const found = await availablePaths().catch(() => []);
    throw new Error(`the serial source needs a port: set "port"${found.length ? ` to one of ${found.join(', ')}` : ' (no serial ports were found; is the device plugged in?)'}`);
  }
  const { layout } = writerLayout(io, 'sources/serial');
  const decoder = makeDecoder(io.config, layout);
  const frames = decoder instanceof FrameDecoder ? decoder : null;
  const unit = frames ? 'frames' : 'lines';
  let last = { t: performance.now(), good: 0 };
  let rate = 0;
  let badLogged = 0;

  const report = () => {
    const now = performance.now();
    const c = decoder.counts;
    if (now - last.t >= 500) {
      rate = ((c.good - last.good) * 1000) / (now - last.t);
      last = { t: now, good: c.good };
    }
    const values: Record<string, number | string> = {
      state: conn.state === 'idle' ? 'opening' : conn.state,
      port: settings.path,
      [`${unit}_per_s`]: Math.round(rate * 10) / 10,
      [unit]: c.good,
      [`bad_${unit}`]: c.bad,
      reconnects: conn.reconnects,
    };
    if (!frames) values.header_lines = c.header;
    if (c.skippedBytes) values.skipped_bytes = c.skippedBytes;
    if (conn.dropped) values.dropped = conn.dropped;
    if (decoder.lastError) values.last_error = decoder.lastError;
    if (conn.state === 'disconnected' && conn.lastOpenError) values.reopen_error = conn.lastOpenError;
    io.setStatus(values);
    // Malformed input is logged now and then, not per line: a noisy cable would flood the log.
    if (c.bad > badLogged) {
      io.log.warn(`${c.bad - badLogged} malformed ${unit} skipped on ${settings.path} (last: ${decoder.lastError})`);
      badLogged = c.bad;
    }
  };

  const conn: SerialConnection<Decoded> = new SerialConnection<Decoded>({
    settings,
    decoder,
    quietMs: Number(io.config.frameTimeout ?? 50),
    log: (level, message) => io.log[level](message),
    onState: (s: PortState) => {
      if (s !== 'closed') report();
    },
  });
  const timer = setInterval(report, STATUS_MS);
  try {
    // An error here (not found, busy, permission) ends the run with its message.
    await conn.open();
    io.log.info(
      `serial port ${settings.path} open at ${settings.baudRate} baud; ${unit} fill ${describeLayout(layout)}` +
        (frames ? ` (${frames.frameSize} bytes after the sync word)` : ''),
    );
    await io.source(async (ev: EventView) => {
      const next = conn.next(io.signal);
      const rec = next instanceof Promise ? await next : next;
      if (rec === null) return false;
      // The host clock when the bytes arrived, not when the slot was taken (that may be long before).
      ev.timestamp = conn.lastArrival;
      if (frames) frames.decodeInto(rec as Uint8Array, ev.fields);
      else writeValues(ev.fields, layout, rec as number[]);
      return true;
    });
  } finally {
    clearInterval(timer);
    await conn.close();
    report();
  }
}
