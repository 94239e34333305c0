// What uPlot needs from a browser that jsdom lacks: a 2D canvas context,
// Path2D and matchMedia. No-op versions, enough to mount the plot and run its
// draw path; nothing is rendered. Import this before anything imports uPlot.
const noop = () => undefined;

class FakePath2D {
  moveTo = noop;
  lineTo = noop;
  rect = noop;
  arc = noop;
  closePath = noop;
  addPath = noop;
  bezierCurveTo = noop;
  quadraticCurveTo = noop;
}

function fakeContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state: Record<string | symbol, unknown> = { canvas };
  return new Proxy(state, {
    get(t, k) {
      if (k in t) return t[k];
      if (k === 'measureText') return () => ({ width: 8, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
      if (k === 'getLineDash') return () => [];
      return noop;
    },
    set(t, k, v) {
      t[k] = v;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

const g = globalThis as unknown as Record<string, unknown>;
g.Path2D ??= FakePath2D;
g.matchMedia ??= () => ({ matches: false, media: '', addListener: noop, removeListener: noop, addEventListener: noop, removeEventListener: noop, onchange: null, dispatchEvent: () => false });
if (typeof HTMLCanvasElement !== 'undefined') {
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    return fakeContext(this);
  } as unknown as HTMLCanvasElement['getContext'];
}
g.IS_REACT_ACT_ENVIRONMENT = true;
