// Numbers written as text, as instruments and exports write them: decimal or
// scientific notation, nan and inf (as Arduino prints them). Read by the serial
// source's `lines` protocol and the CSV reader alike.

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = { nan: NaN, '+nan': NaN, '-nan': NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity };

/** Reads one token as a number: decimal or scientific notation, nan and inf (as Arduino prints them); null otherwise. */
export function parseNumber(token: string): number | null {
  const t = token.trim();
  if (NUMBER.test(t)) return Number(t);
  const s = SPECIAL[t.toLowerCase()];
  return s === undefined ? null : s;
}
