// The oscilloscope's plot (uPlot). Snapshots are drawn from a
// requestAnimationFrame loop straight into the existing plot — React renders
// only the controls, never per frame. Run draws every new event that meets the
// display trigger, Stop keeps the picture, Single draws the next one and stops.
// The trigger level is dragged on the plot; clicks place cursors A and B. On a
// loaded machine frames are skipped (the newest event wins), never queued.
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BufferInfo, Snapshot } from '../../../src-shared/bridge/protocol';
import { useAppContext } from '../AppContext';
import { followSize } from '../look/plot-size';
import { onThemeChange, themeColour } from '../look/theme';
import { frameStats } from './frame-stats';
import { MARKER_COLOR, ScopeData, scopeLayout, type ScopeLayout } from './scope-layout';
import { fmtValue, FramePacer, meetsTrigger, placeCursor, xUnit, yUnit, type Cursors, type ScopeMode } from './scope-measure';

export interface YScale {
  auto: boolean;
  min: number;
  max: number;
}

/** What the plot reports to its panel (rarely: at the first frame, when Single caught its event, on drags). */
export interface PlotEvents {
  onFirstFrame(): void;
  onSingleDone(): void;
  onLevel(level: number): void;
  onCursors(c: Cursors): void;
}

interface PlotProps extends PlotEvents {
  info: BufferInfo;
  hidden: Record<string, boolean>;
  y: YScale;
  mode: ScopeMode;
  level: number | null;
  cursors: Cursors;
}

const axisColour = () => themeColour('--plot-axis', '#333');
const gridColour = () => themeColour('--plot-grid', '#e6e6e6');
const tickColour = () => themeColour('--plot-tick', '#ccc');
const CURSOR_COLOR = '#00a0a0';
// CSS pixels from the trigger line within which a press grabs it.
const GRAB = 6;

function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleTimeString('en-GB', { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

function markersPlugin(layout: ScopeLayout, level: () => number | null, cursors: () => Cursors): uPlot.Plugin {
  const draw = (u: uPlot) => {
    const ctx = u.ctx;
    const r = devicePixelRatio;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.lineWidth = Math.max(1, r);
    ctx.font = `${11 * r}px sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.strokeStyle = ctx.fillStyle = MARKER_COLOR;
    ctx.setLineDash([6 * r, 4 * r]);
    const lv = level();
    u.root.parentElement?.setAttribute('data-level', lv === null ? '' : String(lv));
    if (lv !== null) {
      const y = u.valToPos(lv, 'y', true);
      if (y >= top && y <= top + height) {
        line(ctx, left, y, left + width, y);
        ctx.fillText(`trigger level ${fmtValue(lv)}${yUnit(layout) ? ` ${yUnit(layout)}` : ''} (drag)`, left + 4 * r, y - 4 * r);
      }
    }
    if (layout.preTrigger !== null) {
      const x = u.valToPos(0, 'x', true);
      if (x >= left && x <= left + width) {
        line(ctx, x, top, x, top + height);
        ctx.fillText('trigger', x + 4 * r, top + 12 * r);
      }
    }
    ctx.strokeStyle = ctx.fillStyle = CURSOR_COLOR;
    ctx.setLineDash([2 * r, 3 * r]);
    const c = cursors();
    for (const [name, p] of [['A', c.a], ['B', c.b]] as const) {
      if (!p) continue;
      const x = u.valToPos(p.x, 'x', true);
      const y = u.valToPos(p.y, 'y', true);
      if (x >= left && x <= left + width) line(ctx, x, top, x, top + height);
      if (y >= top && y <= top + height) line(ctx, left, y, left + width, y);
      ctx.fillText(name, x + 3 * r, top + height - 4 * r);
    }
    ctx.restore();
  };
  return { hooks: { draw: [draw] } };
}

export function ScopePlot(props: PlotProps) {
  const { info, hidden, y, mode, level, cursors } = props;
  const { feed } = useAppContext();
  const layout = useMemo(() => scopeLayout(info), [info]);
  const host = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const eventLine = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The draw loop reads the latest props through refs (it is set up once per buffer).
  const live = useRef(props);
  live.current = props;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const data = new ScopeData(layout);
    const pacer = new FramePacer();
    let drawStart: number | null = null;
    let frames = 0;
    let waiting = 0;
    let dragLevel: number | null = null;
    const levelNow = () => dragLevel ?? live.current.level;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: Math.max(150, el.clientHeight),
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
      scales: {
        x: { time: false },
        y: {
          range: (_u, min, max) => {
            const s = live.current.y;
            if (!s.auto) return [s.min, s.max];
            if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
            const pad = (max - min) * 0.05 || Math.abs(max) * 0.05 || 1;
            return [min - pad, max + pad];
          },
        },
      },
      axes: [
        { label: layout.xLabel, stroke: axisColour, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: tickColour, width: 1 } },
        { label: layout.yLabel, stroke: axisColour, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: tickColour, width: 1 }, size: 60 },
      ],
      series: [
        { label: 't' },
        // Traces 1 px wide: Chromium's software rasteriser (no GPU) strokes a 1-px line on a fast
        // path, a 1.25-px one with full anti-aliasing — 23 ms a frame for 4 × 4250 samples here.
        ...layout.channels.map((c) => ({ label: c.name, stroke: c.color, width: 1, points: { show: false }, show: !live.current.hidden[c.name] })),
      ],
      plugins: [markersPlugin(layout, levelNow, () => live.current.cursors)],
      hooks: {
        draw: [
          () => {
            if (drawStart === null) return;
            const now = performance.now();
            frameStats.record(now - drawStart, now);
            pacer.drew(now - drawStart, now);
            drawStart = null;
            frames += 1;
            el.dataset.frames = String(frames);
            if (frames === 1) live.current.onFirstFrame();
          },
        ],
        setCursor: [
          (u) => {
            const out = readout.current;
            if (!out) return;
            const i = u.cursor.idx;
            if (i === null || i === undefined || frames === 0) {
              out.textContent = frames === 0 ? '' : 'Point at the plot to read values.';
              return;
            }
            const t = (u.data[0] as ArrayLike<number>)[i];
            const parts = layout.channels
              .map((c, k) => (u.series[k + 1].show ? `${c.name} ${fmtValue((u.data[k + 1] as ArrayLike<number>)[i])}${c.unit ? ` ${c.unit}` : ''}` : null))
              .filter(Boolean);
            out.textContent = `${layout.sampleTimeUs !== null ? `t = ${fmtValue(t)} µs` : `sample ${t}`}   ${parts.join('   ')}`;
          },
        ],
      },
    };
    const empty = [data.time, ...layout.channels.map(() => new Float64Array(data.time.length).fill(NaN))] as uPlot.AlignedData;
    const u = new uPlot(opts, empty, el);
    plot.current = u;
    el.dataset.buffer = layout.buffer;
    el.dataset.frames = '0';

    const showEvent = (snap: Snapshot, note = '') => {
      if (eventLine.current) eventLine.current.textContent = `event ${snap.counter.toLocaleString('en-US')} · ${clockTime(snap.timestamp)}${note}`;
    };
    const draw = (snap: Snapshot) => {
      drawStart = performance.now();
      u.setData(data.arrays(snap) as uPlot.AlignedData, true);
      el.dataset.counter = String(snap.counter);
      waiting = 0;
      showEvent(snap);
    };
    const shown = () => layout.channels.filter((c) => !live.current.hidden[c.name]).map((c) => c.name);
    const first = feed.peek();
    if (first && first.buffer === layout.buffer && meetsTrigger(first, shown(), levelNow())) draw(first);

    let raf = 0;
    const loop = () => {
      raf = requestAnimationFrame(loop);
      // Busy: leave the newest event in the feed (a newer one replaces it), draw later.
      if (!pacer.mayDraw(performance.now())) return;
      const snap = feed.take();
      if (!snap) return;
      // Drawn or not, it is consumed: the host may send the next.
      feed.consumed();
      const m = live.current.mode;
      if (m === 'stop' || snap.buffer !== layout.buffer) return;
      if (!meetsTrigger(snap, shown(), levelNow())) {
        waiting += 1;
        el.dataset.waiting = String(waiting);
        if (eventLine.current) eventLine.current.textContent = `waiting for the trigger: ${waiting} event(s) did not reach ${fmtValue(levelNow())}${yUnit(layout) ? ` ${yUnit(layout)}` : ''}`;
        return;
      }
      draw(snap);
      if (m === 'single') live.current.onSingleDone();
    };
    raf = requestAnimationFrame(loop);

    // The trigger level is dragged; a click elsewhere places a cursor.
    const over = u.over;
    let press: { x: number; y: number; grab: boolean } | null = null;
    const onDown = (e: MouseEvent) => {
      const lv = levelNow();
      const grab = lv !== null && Math.abs(u.valToPos(lv, 'y') - e.offsetY) <= GRAB;
      press = { x: e.offsetX, y: e.offsetY, grab };
      if (grab) e.preventDefault();
    };
    const onMove = (e: MouseEvent) => {
      if (lv(e)) over.style.cursor = 'ns-resize';
      else over.style.cursor = '';
      if (!press?.grab) return;
      dragLevel = u.posToVal(e.offsetY, 'y');
      u.redraw(false);
    };
    const lv = (e: MouseEvent) => {
      const l = levelNow();
      return l !== null && Math.abs(u.valToPos(l, 'y') - e.offsetY) <= GRAB;
    };
    const onUp = (e: MouseEvent) => {
      const p = press;
      press = null;
      if (!p) return;
      if (p.grab) {
        if (dragLevel !== null) live.current.onLevel(dragLevel);
        dragLevel = null;
        return;
      }
      if (Math.abs(e.offsetX - p.x) > 3 || Math.abs(e.offsetY - p.y) > 3 || frames === 0) return;
      live.current.onCursors(placeCursor(live.current.cursors, { x: u.posToVal(e.offsetX, 'x'), y: u.posToVal(e.offsetY, 'y') }));
    };
    over.addEventListener('mousedown', onDown);
    over.addEventListener('mousemove', onMove);
    over.addEventListener('mouseup', onUp);

    // The axes take the theme's colours at every draw; a theme switch redraws at once.
    const offTheme = onThemeChange(() => u.redraw(false));
    const offSize = followSize(u, el, 200, 150);
    return () => {
      cancelAnimationFrame(raf);
      offTheme();
      offSize();
      over.removeEventListener('mousedown', onDown);
      over.removeEventListener('mousemove', onMove);
      over.removeEventListener('mouseup', onUp);
      u.destroy();
      plot.current = null;
    };
  }, [layout, feed]);

  // Control changes apply to the existing plot.
  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    layout.channels.forEach((c, k) => {
      const show = !hidden[c.name];
      if (u.series[k + 1].show !== show) u.setSeries(k + 1, { show });
    });
  }, [hidden, layout]);
  useEffect(() => {
    const u = plot.current;
    if (u) u.setData(u.data, true);
  }, [y.auto, y.min, y.max]);
  useEffect(() => {
    plot.current?.redraw(false);
  }, [level, cursors]);

  return (
    <>
      <div className="scope-event" ref={eventLine} data-testid="scope-event" aria-live="off" />
      <div className="scope-plot" ref={host} data-testid="scope-plot" data-x-unit={xUnit(layout)} />
      <div className="scope-readout" ref={readout} aria-live="off" />
    </>
  );
}
