// Keeps a uPlot chart the size of the element it lives in (the panels are
// resized by the window, the column handles and the run column's collapse).
import type uPlot from 'uplot';

/** Resizes `u` with `el` (at least minWidth × minHeight), then calls `resized`; returns the function that stops it. */
export function followSize(u: uPlot, el: HTMLElement, minWidth: number, minHeight: number, resized?: () => void): () => void {
  if (typeof ResizeObserver === 'undefined') return () => {};
  const ro = new ResizeObserver(() => {
    const w = Math.max(minWidth, el.clientWidth);
    const h = Math.max(minHeight, el.clientHeight);
    if (w === u.width && h === u.height) return;
    u.setSize({ width: w, height: h });
    resized?.();
  });
  ro.observe(el);
  return () => ro.disconnect();
}
