// PNG export of plots: the plot canvases (uPlot draws axes, data and our
// overlays onto them) under a title line, with extra text lines, on the
// panel's own background — then a download (the browser's, or Electron's
// save dialog, which handles the same <a download>).

export interface PngPart {
  canvas: HTMLCanvasElement;
  /** A line above this canvas (a strip chart's field name and value). */
  label?: string;
}

function colours(from: Element | null): { background: string; text: string } {
  let el: Element | null = from;
  while (el) {
    const cs = getComputedStyle(el);
    const bg = cs.backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return { background: bg, text: cs.color || '#000' };
    el = el.parentElement;
  }
  return { background: '#ffffff', text: '#1d2330' };
}

/** One canvas: the title, then each part (label and canvas), then the text lines. */
export function composePng(title: string, parts: PngPart[], lines: string[] = [], style?: { background: string; text: string }): HTMLCanvasElement {
  const first = parts[0]?.canvas;
  const ratio = first && first.clientWidth > 0 ? first.width / first.clientWidth : (globalThis.devicePixelRatio ?? 1) || 1;
  const pad = Math.round(10 * ratio);
  const titlePx = Math.round(16 * ratio);
  const textPx = Math.round(13 * ratio);
  const lineH = Math.round(textPx * 1.4);
  const width = Math.max(Math.round(300 * ratio), ...parts.map((p) => p.canvas.width)) + 2 * pad;
  let height = pad + Math.round(titlePx * 1.5);
  for (const p of parts) height += (p.label ? lineH : 0) + p.canvas.height;
  height += lines.length * lineH + pad;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d')!;
  const c = style ?? colours(first ?? null);
  ctx.fillStyle = c.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = c.text;
  ctx.textBaseline = 'top';
  ctx.font = `600 ${titlePx}px system-ui, sans-serif`;
  ctx.fillText(title, pad, pad);
  let y = pad + Math.round(titlePx * 1.5);
  ctx.font = `${textPx}px system-ui, sans-serif`;
  for (const p of parts) {
    if (p.label) {
      ctx.fillText(p.label, pad, y);
      y += lineH;
    }
    ctx.drawImage(p.canvas, pad, y);
    y += p.canvas.height;
  }
  for (const l of lines) {
    ctx.fillText(l, pad, y);
    y += lineH;
  }
  return out;
}

/** The canvas as PNG bytes. */
export function canvasToBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the browser could not make a PNG'))), 'image/png'));
}

/** Offers a file for download under `filename`. */
export function download(data: Blob, filename: string): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from parts: letters, digits, dot, dash and underscore only. */
export function fileName(...parts: string[]): string {
  return parts
    .filter(Boolean)
    .map((p) => p.replace(/[^A-Za-z0-9._-]+/g, '_'))
    .join('_');
}

/** Composes and downloads a PNG; resolves when the download was offered. */
export async function exportPng(filename: string, title: string, parts: PngPart[], lines: string[] = []): Promise<void> {
  if (parts.length === 0) throw new Error('there is no plot to export yet');
  download(await canvasToBlob(composePng(title, parts, lines)), filename.endsWith('.png') ? filename : `${filename}.png`);
}
