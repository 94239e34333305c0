// Number and time formats used across panels.

/** Seconds as m:ss.s (or h:mm:ss for long runs). */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(Math.floor(sec)).padStart(2, '0')}`;
  return `${m}:${sec.toFixed(1).padStart(4, '0')}`;
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A rate in Hz or kHz with about three significant digits. */
export function formatRate(hz: number): string {
  if (!Number.isFinite(hz)) return '–';
  if (hz >= 10_000) return `${(hz / 1000).toFixed(1)} kHz`;
  if (hz >= 100) return `${Math.round(hz)} Hz`;
  return `${hz.toFixed(1)} Hz`;
}

/** A fraction 0–1 as a percentage. */
export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  // Never "-0.0 %": a rounding error below a twentieth of a percent is zero.
  if (!Number.isFinite(p)) return '–';
  if (Math.abs(p) < 0.05) return '0.0 %';
  return `${p < 10 ? p.toFixed(1) : Math.round(p)} %`;
}

/** A count that fits a narrow column: 9,999 as it is, then 12.3 k, 1.23 M, 4.56 G. */
export function formatCompact(n: number): string {
  const a = Math.abs(n);
  if (a < 10_000) return formatCount(n);
  for (const [d, u] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (a >= d) {
      const v = n / d;
      return `${Math.abs(v) < 10 ? v.toFixed(2) : Math.abs(v) < 100 ? v.toFixed(1) : Math.round(v)} ${u}`;
    }
  }
  return formatCount(n);
}

/** The last path component (for long export paths). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

/** Bytes as B, kB, MB, GB (1024-based, about three significant digits). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${Math.round(v)} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
