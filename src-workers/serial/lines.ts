// The `lines` protocol of the serial source: text lines of numbers, as an
// Arduino sketch prints them (Serial.print(a); Serial.print(','); Serial.println(b)).
// One line is one event; its numbers fill the buffer's fields in order.
// A malformed line is counted and skipped; it never ends the run.
import { parseNumber } from '../formats/text-number';

/** What a decoder reports about the bytes it has seen. */
export interface DecoderCounts {
  /** Records decoded and handed on. */
  good: number;
  /** Malformed records (lines or frames) skipped. */
  bad: number;
  /** Header lines skipped (lines protocol). */
  header: number;
  /** Bytes discarded while looking for the next record. */
  skippedBytes: number;
}

/** A byte-stream decoder: the serial connection feeds it chunks and reconnects. */
export interface Decoder<R> {
  /** Decodes a chunk, calling emit for each complete record. */
  push(chunk: Uint8Array, emit: (record: R) => void): void;
  /** The line went quiet: hand on a complete record still waiting for confirmation. */
  flush(emit: (record: R) => void): void;
  /** True while a complete-but-unconfirmed record waits for flush. */
  readonly hasPending: boolean;
  /** Bytes (or characters) received but not yet part of a record. */
  readonly buffered: number;
  /** The connection was lost: forget partial input (counted as bad), expect a header again. */
  reset(): void;
  readonly counts: DecoderCounts;
  /** Why the last bad record was bad (for the status line and the log). */
  readonly lastError: string;
}

export interface LineOptions {
  /** Values per line (the buffer's fields × samples). */
  values: number;
  /** 'auto' (commas, semicolons, tabs or spaces), or the separator itself; also 'comma', 'semicolon', 'tab', 'space'. */
  separator?: string;
  /** Skip non-numeric lines before the first good line after (re)connecting (a sketch's banner and column names). */
  header?: boolean;
  /** Longer lines are malformed (a binary stream on a port set to `lines`). */
  maxLineLength?: number;
  /** Further checks of a parsed line (e.g. NaN into an integer field): a reason makes it malformed. */
  check?: (values: number[]) => string | null;
}

const NAMED: Record<string, string> = { comma: ',', semicolon: ';', tab: '\t', space: ' ', whitespace: 'auto' };

/** Resolves the separator parameter ('auto', 'tab', ';' …) to what splits a line. */
export function separatorOf(sep: string | undefined): RegExp | string {
  const s = sep === undefined || sep === '' ? 'auto' : (NAMED[sep.toLowerCase()] ?? sep);
  if (s === 'auto') return /[\s,;]+/;
  if (s === ' ') return / +/;
  return s;
}

export type LineResult = { ok: true; values: number[] } | { ok: false; numeric: boolean; reason: string };

/** Parses one line (without its terminator) into exactly `values` numbers, or says why not. */
export function parseLine(line: string, values: number, separator: RegExp | string): LineResult {
  const text = line.trim();
  let tokens = text.split(separator);
  // Leading/trailing separators ("1,2,3," from a sketch's loop) leave empty ends.
  if (typeof separator !== 'string' || separator.trim() === '') tokens = tokens.filter((t) => t !== '');
  else if (tokens.length > values && tokens[tokens.length - 1].trim() === '') tokens.pop();
  const out: number[] = [];
  let numeric = 0;
  let firstBad = -1;
  for (let i = 0; i < tokens.length; i++) {
    const v = parseNumber(tokens[i]);
    if (v === null) {
      if (firstBad < 0) firstBad = i;
    } else numeric++;
    out.push(v ?? NaN);
  }
  if (firstBad >= 0) {
    const shown = tokens[firstBad].trim();
    return {
      ok: false,
      numeric: numeric > 0,
      reason: shown === '' ? `value ${firstBad + 1} is empty` : `"${shown.length > 20 ? `${shown.slice(0, 20)}…` : shown}" (value ${firstBad + 1}) is not a number`,
    };
  }
  if (out.length !== values) return { ok: false, numeric: true, reason: `${out.length} value${out.length === 1 ? '' : 's'} where the buffer takes ${values}` };
  return { ok: true, values: out };
}

/** Decodes the `lines` protocol into arrays of numbers. */
export class LineDecoder implements Decoder<number[]> {
  readonly counts: DecoderCounts = { good: 0, bad: 0, header: 0, skippedBytes: 0 };
  lastError = '';
  readonly hasPending = false;
  private readonly values: number;
  private readonly sep: RegExp | string;
  private readonly header: boolean;
  private readonly max: number;
  private readonly check: ((values: number[]) => string | null) | undefined;
  private readonly text = new TextDecoder('latin1');
  private partial = '';
  private tooLong = false;
  private seenGood = false;

  constructor(options: LineOptions) {
    if (!(options.values >= 1)) throw new Error('the lines protocol needs a buffer with at least one field');
    this.values = options.values;
    this.sep = separatorOf(options.separator);
    this.header = options.header ?? true;
    this.max = options.maxLineLength ?? 65_536;
    this.check = options.check;
  }

  push(chunk: Uint8Array, emit: (record: number[]) => void): void {
    const s = this.text.decode(chunk);
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.partial + s.slice(start, i), emit);
      this.partial = '';
      this.tooLong = false;
      start = i + 1;
    }
    if (start < s.length) {
      if (this.tooLong) this.counts.skippedBytes += s.length - start;
      else {
        this.partial += s.slice(start);
        if (this.partial.length > this.max) {
          this.fail(`a line longer than ${this.max} characters (is the device sending binary data? try protocol: frames)`);
          this.counts.skippedBytes += this.partial.length;
          this.partial = '';
          this.tooLong = true;
        }
      }
    }
  }

  flush(): void {}

  get buffered(): number {
    return this.partial.length;
  }

  reset(): void {
    if (this.partial.trim() !== '') this.fail('a line cut off by the disconnect');
    this.partial = '';
    this.tooLong = false;
    this.seenGood = false;
  }

  private line(line: string, emit: (record: number[]) => void): void {
    if (this.tooLong) return;
    if (line.trim() === '') return;
    let r = parseLine(line, this.values, this.sep);
    if (r.ok && this.check) {
      const why = this.check(r.values);
      if (why) r = { ok: false, numeric: true, reason: why };
    }
    if (r.ok) {
      this.seenGood = true;
      this.counts.good++;
      emit(r.values);
    } else if (this.header && !this.seenGood && !r.numeric) {
      this.counts.header++;
    } else {
      const shown = line.length > 40 ? `${line.slice(0, 40)}…` : line;
      this.fail(`line "${shown.trim()}": ${r.reason}`);
    }
  }

  private fail(reason: string): void {
    this.counts.bad++;
    this.lastError = reason;
  }
}
