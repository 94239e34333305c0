// The live waveforms of one buffer (uPlot). Snapshots are drawn from a
// requestAnimationFrame loop straight into the existing plot — React renders
// only the controls, never per frame. Trigger level (horizontal) and trigger
// position (vertical, time zero) are marked; y auto or fixed; Hold freezes
// the picture; the cursor readout shows the values under the mouse.
import { useEffect, useMemo, useRef, useState } from 'react';
import { onThemeChange, themeColour } from '../look/theme';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BufferInfo } from '../../../src-shared/bridge/protocol';
import { useApp, useAppContext } from '../AppContext';
import { exportPng, fileName } from '../analysis/png';
import { frameStats } from './frame-stats';
import { MARKER_COLOR, ScopeData, scopeLayout, type ScopeLayout } from './scope-layout';

interface YScale {
  auto: boolean;
  min: number;
  max: number;
}

const axisColour = () => themeColour('--plot-axis', '#333');
const gridColour = () => themeColour('--plot-grid', '#e6e6e6');
const tickColour = () => themeColour('--plot-tick', '#ccc');

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : v.toFixed(a >= 100 ? 1 : 3);
}

function markersPlugin(layout: ScopeLayout): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          const { left, top, width, height } = u.bbox;
          ctx.save();
          ctx.strokeStyle = MARKER_COLOR;
          ctx.fillStyle = MARKER_COLOR;
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.font = `${11 * devicePixelRatio}px sans-serif`;
          ctx.textAlign = 'left';
          ctx.textBaseline = 'alphabetic';
          if (layout.triggerLevel !== null) {
            const y = u.valToPos(layout.triggerLevel, 'y', true);
            if (y >= top && y <= top + height) {
              ctx.beginPath();
              ctx.moveTo(left, y);
              ctx.lineTo(left + width, y);
              ctx.stroke();
              ctx.fillText('trigger level', left + 4 * devicePixelRatio, y - 4 * devicePixelRatio);
            }
          }
          if (layout.preTrigger !== null) {
            const x = u.valToPos(0, 'x', true);
            if (x >= left && x <= left + width) {
              ctx.beginPath();
              ctx.moveTo(x, top);
              ctx.lineTo(x, top + height);
              ctx.stroke();
              ctx.fillText('trigger', x + 4 * devicePixelRatio, top + 12 * devicePixelRatio);
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

function Plot({ info, hidden, y, hold }: { info: BufferInfo; hidden: Record<string, boolean>; y: YScale; hold: boolean }) {
  const { feed } = useAppContext();
  const layout = useMemo(() => scopeLayout(info), [info]);
  const host = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const yRef = useRef(y);
  const holdRef = useRef(hold);
  const hiddenRef = useRef(hidden);
  yRef.current = y;
  holdRef.current = hold;
  hiddenRef.current = hidden;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const data = new ScopeData(layout);
    let drawStart: number | null = null;
    let frames = 0;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: Math.max(150, el.clientHeight),
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
      scales: {
        x: { time: false },
        y: {
          range: (_u, min, max) => {
            const s = yRef.current;
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
        // path, a 1.25-px one with full anti-aliasing — 23 ms a frame for 4 × 4250 samples here,
        // which capped the page at 30 frames/s (bench f).
        ...layout.channels.map((c) => ({ label: c.name, stroke: c.color, width: 1, points: { show: false }, show: !hiddenRef.current[c.name] })),
      ],
      plugins: [markersPlugin(layout)],
      hooks: {
        draw: [
          () => {
            if (drawStart === null) return;
            const now = performance.now();
            frameStats.record(now - drawStart, now);
            drawStart = null;
            frames += 1;
            el.dataset.frames = String(frames);
          },
        ],
        setCursor: [
          (u) => {
            const out = readout.current;
            if (!out) return;
            const i = u.cursor.idx;
            if (i === null || i === undefined) {
              out.textContent = 'Point at the plot to read values.';
              return;
            }
            const t = (u.data[0] as ArrayLike<number>)[i];
            const parts = layout.channels
              .map((c, k) => (u.series[k + 1].show ? `${c.name} ${fmt((u.data[k + 1] as ArrayLike<number>)[i])}` : null))
              .filter(Boolean);
            out.textContent = `${layout.sampleTimeUs !== null ? `t = ${fmt(t)} µs` : `sample ${t}`}   ${parts.join('   ')}`;
          },
        ],
      },
    };
    const empty = [data.time, ...layout.channels.map(() => new Float64Array(data.time.length).fill(NaN))] as uPlot.AlignedData;
    const u = new uPlot(opts, empty, el);
    plot.current = u;
    el.dataset.buffer = layout.buffer;

    const draw = (snap = feed.peek()) => {
      if (!snap || snap.buffer !== layout.buffer) return;
      drawStart = performance.now();
      u.setData(data.arrays(snap) as uPlot.AlignedData, true);
      el.dataset.counter = String(snap.counter);
    };
    draw();

    let raf = 0;
    const loop = () => {
      raf = requestAnimationFrame(loop);
      const snap = feed.take();
      if (!snap) return;
      if (!holdRef.current) draw(snap);
      // Drawn or held, it is consumed: the host may send the next.
      feed.consumed();
    };
    raf = requestAnimationFrame(loop);

    // The axes take the theme's colours at every draw; a theme switch redraws at once.
    const offTheme = onThemeChange(() => u.redraw(false));

    let ro: ResizeObserver | null = null;
    if (typeof ResizeObserver !== 'undefined') {
      ro = new ResizeObserver(() => {
        const w = Math.max(200, el.clientWidth);
        const h = Math.max(150, el.clientHeight);
        if (w !== u.width || h !== u.height) u.setSize({ width: w, height: h });
      });
      ro.observe(el);
    }
    return () => {
      cancelAnimationFrame(raf);
      offTheme();
      ro?.disconnect();
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

  return (
    <>
      <div className="scope-plot" ref={host} data-testid="scope-plot" />
      <div className="scope-readout" ref={readout} aria-live="off">
        Point at the plot to read values.
      </div>
    </>
  );
}


export function Oscilloscope() {
  const buffers = useApp((s) => s.setup?.buffers);
  const selected = useApp((s) => s.scopeBuffer);
  const select = useApp((s) => s.selectScopeBuffer);
  const info = buffers?.find((b) => b.name === selected) ?? null;
  const layout = useMemo(() => (info ? scopeLayout(info) : null), [info]);
  const [hidden, setHidden] = useState<Record<string, boolean>>({});
  const [hold, setHold] = useState(false);
  const [y, setY] = useState<YScale>({ auto: true, min: -500, max: 0 });
  const [yText, setYText] = useState({ min: '-500', max: '0' });

  const applyFixed = (min: string, max: string) => {
    setYText({ min, max });
    const a = Number(min);
    const b = Number(max);
    if (min.trim() !== '' && max.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && a < b) setY({ auto: false, min: a, max: b });
  };

  return (
    <section className="panel oscilloscope" aria-label="Oscilloscope">
      <div className="scope-controls">
        <h2>Oscilloscope</h2>
        <label>
          Buffer{' '}
          <select value={selected ?? ''} onChange={(e) => select(e.target.value || null)} disabled={!buffers?.length} aria-label="Buffer shown">
            {(buffers ?? []).map((b) => (
              <option key={b.name} value={b.name}>
                {b.name}
                {b.samples > 1 ? ` (${b.fields.length} × ${b.samples})` : ''}
              </option>
            ))}
          </select>
        </label>
        {info && info.samples > 1 && (
          <>
            <span className="channels" role="group" aria-label="Traces">
              {layout?.channels.map((c) => (
                <label key={c.name} className="channel-toggle" style={{ borderColor: c.color }} data-channel={c.name} data-color={c.color}>
                  <input type="checkbox" checked={!hidden[c.name]} onChange={(e) => setHidden({ ...hidden, [c.name]: !e.target.checked })} />
                  <span className="swatch" style={{ background: c.color }} />
                  {c.name}
                </label>
              ))}
            </span>
            <span className="y-scale" role="group" aria-label="Y scale">
              <label>
                <input type="checkbox" checked={y.auto} onChange={(e) => (e.target.checked ? setY({ ...y, auto: true }) : applyFixed(yText.min, yText.max))} /> y auto
              </label>
              {!y.auto && (
                <>
                  <input className="y-bound" aria-label="y minimum" value={yText.min} onChange={(e) => applyFixed(e.target.value, yText.max)} />
                  <span>to</span>
                  <input className="y-bound" aria-label="y maximum" value={yText.max} onChange={(e) => applyFixed(yText.min, e.target.value)} />
                </>
              )}
            </span>
            <button type="button" className={hold ? 'active' : ''} aria-pressed={hold} onClick={() => setHold(!hold)}>
              {hold ? 'Held' : 'Hold'}
            </button>
            <button
              type="button"
              onClick={(e) => {
                const plot = e.currentTarget.closest('.oscilloscope')?.querySelector<HTMLElement>('[data-testid=scope-plot]');
                const canvas = plot?.querySelector('canvas');
                if (canvas) void exportPng(fileName(info.name, 'oscilloscope'), `${info.name} oscilloscope${plot?.dataset.counter ? `, event ${plot.dataset.counter}` : ''}`, [{ canvas }]);
              }}
            >
              PNG
            </button>
          </>
        )}
      </div>
      {info && info.samples > 1 ? (
        <Plot key={info.name} info={info} hidden={hidden} y={y} hold={hold} />
      ) : (
        <div className="scope-empty">
          {info ? `${info.name} holds single values per event; choose a waveform buffer.` : 'No waveform buffer to show.'}
          <FeedDrain />
        </div>
      )}
    </section>
  );
}

// With no plot mounted, snapshots must still be acknowledged, or the host would stop sending.
function FeedDrain() {
  const { feed } = useAppContext();
  useEffect(() => {
    const t = setInterval(() => {
      feed.take();
      feed.consumed();
    }, 200);
    return () => clearInterval(t);
  }, [feed]);
  return null;
}
