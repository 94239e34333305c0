// Numbers as mimoCoRB's text exporter writes them (pandas DataFrame.to_csv
// without a float_format): the shortest text that reads back as the same value
// (of a float32 for float32 columns), positional from 1e-4 up to 1e16 with at
// least one decimal ("0.0", "500.0"), scientific outside ("1e-05", "1.5e+16"),
// and nan, inf, -inf — Python's repr and numpy's str of a scalar.

/** Python's repr of a float (numpy's str of a float32 scalar when `float32`). */
export function pythonFloatRepr(v: number, float32 = false): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  let exp = v.toExponential(); // shortest digits that round-trip a double
  if (float32) {
    for (let p = 0; p < 9; p++) {
      const t = v.toExponential(p);
      if (Math.fround(Number(t)) === v) {
        exp = t;
        break;
      }
    }
  }
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const sign = m[1]!;
  const digits = (m[2]! + (m[3] ?? '')).replace(/0+$/, '') || '0';
  const e = Number(m[4]);
  if (e < -4 || e >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const int = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${int}.${frac || '0'}`;
}
