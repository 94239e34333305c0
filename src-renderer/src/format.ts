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
  return `${p < 10 ? p.toFixed(1) : Math.round(p)} %`;
}

/** The last path component (for long export paths). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}
