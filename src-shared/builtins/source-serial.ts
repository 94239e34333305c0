// builtin:sources/serial — an instrument on a serial port (an Arduino, a USB
// ADC or scope). Parameters only; the implementation is src-workers/builtins/sources/serial.ts.
import type { BuiltinSpec } from './spec';

/** The serial-port source's declaration. */
export const SOURCE_SERIAL: BuiltinSpec = {
  id: 'sources/serial',
  kind: 'source',
  label: 'serial-port instrument',
  writes: ['readings from the serial port'],
  summary: 'Reads events from a serial port: text lines of numbers (as an Arduino prints them) or binary frames after a sync word.',
  params: [
    { name: 'port', type: 'string', default: '', help: 'The serial port: /dev/ttyACM0, /dev/ttyUSB0 (Linux), /dev/cu.usbmodem… (macOS), COM3 (Windows). Any path works, also pseudo-terminals.', suggest: 'serial-ports' },
    { name: 'baudRate', type: 'integer', unit: 'baud', default: 9600, min: 50, max: 4_000_000, help: 'Bits per second; must match Serial.begin() in the sketch (9600, 115200 …).' },
    { name: 'dataBits', type: 'integer', default: 8, min: 5, max: 8, help: 'Data bits per character (5–8; almost always 8).' },
    { name: 'parity', type: 'enum', choices: ['none', 'even', 'odd', 'mark', 'space'], default: 'none', help: 'Parity bit (almost always none).' },
    { name: 'stopBits', type: 'number', default: 1, min: 1, max: 2, help: 'Stop bits: 1, 1.5 or 2 (almost always 1).' },
    {
      name: 'protocol',
      type: 'enum',
      choices: ['lines', 'frames'],
      default: 'lines',
      help: 'lines: one event per text line of numbers, filling the buffer fields in order. frames: fixed-size binary frames, each after the sync word, holding the buffer record packed field after field.',
    },
    { name: 'separator', type: 'string', default: 'auto', help: 'lines: what separates the numbers — auto (commas, semicolons, tabs or spaces), or the separator itself (",", ";", tab, space).' },
    { name: 'header', type: 'boolean', default: true, help: 'lines: skip text lines (a banner, column names) before the first line of numbers, also after a reconnect.' },
    { name: 'syncWord', type: 'string', default: 'A55A', help: 'frames: the bytes that start every frame, in hex as they arrive (A55A = 0xA5 then 0x5A).' },
    { name: 'byteOrder', type: 'enum', choices: ['little', 'big'], default: 'little', help: 'frames: byte order of multi-byte values (little-endian on AVR, ARM, x86).' },
    { name: 'frameTimeout', type: 'number', unit: 'ms', default: 50, min: 1, max: 10_000, help: 'frames: a frame is accepted when the next sync word follows it, or when nothing more arrives for this long.' },
  ],
};
