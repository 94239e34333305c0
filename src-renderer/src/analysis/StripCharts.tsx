// Strip charts of a scalar buffer (sensors, serial lines, pulse parameters):
// each chosen field as a time series over the last minute, ten minutes or the
// whole run, with its current value in large digits. The data are min/max
// buckets the engine's histogram reader makes from every event (no spike is
// lost between frames); here they are cut down to one min/max pair per pixel
// column and drawn as a band. Redrawn from a rAF loop when new buckets came,
// never through React.
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { decimate, STRIP_WINDOWS } from '../../../src-shared/analysis/strip';
import type { BufferInfo } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';
import { followSize } from '../look/plot-size';
import { onThemeChange, themeColour } from '../look/theme';
import { formatCount } from '../format';
import { scalarBuffers, unitOf } from './histogram-model';
import { exportPng, fileName } from './png';
import { limitLines, parsePvMeta, pvMetaText, type PvFieldMeta } from './pv-meta';
import { useAnalysis, useAnalysisState } from '../AppContext';
import type { StripFeed } from './store';

const PALETTE = ['#1f6fd1', '#d62728', '#1a9641', '#e08a00', '#7b3294', '#008b8b', '#8c564b', '#e377c2'];

/** True for a field that holds a clock time in unix seconds (the sensors' `time`). */
export function isClockField(field: string, unit: string): boolean {
  return /^(time|timestamp|unix_time)$/i.test(field) && (unit === '' || unit === 's');
}

/** What a field shows without any value: a sensor the computer lacks says so. */
export function noValueText(field: string): string {
  return /battery/i.test(field) ? 'no battery' : 'no value';
}

/**
 * A value in large digits: `precision` decimals when a server gives one (EPICS), else about five
 * significant digits; '–' for none; unix seconds of a clock field as the time of day.
 */
export function formatValue(v: number | null | undefined, clock = false, precision?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (clock && v > 1e8) return new Date(v * 1000).toLocaleTimeString('en-GB', { hour12: false });
  if (precision !== undefined && precision >= 0 && Math.abs(v) < 1e15) return v.toFixed(Math.min(precision, 12));
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e7 || a < 1e-3)) return v.toExponential(3);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toFixed(Math.max(0, Math.min(4, 4 - Math.floor(Math.log10(a || 1)))));
}

function colourOf(info: BufferInfo, field: string, k: number): string {
  const c = info.display?.colors;
  if (c && typeof c === 'object' && typeof (c as Record<string, unknown>)[field] === 'string') return (c as Record<string, string>)[field]!;
  return PALETTE[k % PALETTE.length]!;
}

function fade(hex: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, 0.25)` : hex;
}

/** The time span a window shows, in ms: [t0, t1) ending at the newest bucket. */
export function stripSpan(feed: StripFeed, windowMs: number | null): [number, number] | null {
  const h = feed.history;
  const t1 = h?.newest();
  if (!h || t1 === null || t1 === undefined) return null;
  if (windowMs !== null) return [t1 - windowMs, t1];
  const first = h.bucketsFor(null)[0];
  return [first ? first.t : t1 - 1000, Math.max(t1, (first?.t ?? t1) + 1000)];
}

function Chart({ info, field, index, colour, unit, meta }: { info: BufferInfo; field: string; index: number; colour: string; unit: string; meta?: PvFieldMeta }) {
  const lines = limitLines(meta);
  const linesRef = useRef(lines);
  linesRef.current = lines;
  const precision = useRef(meta?.precision);
  precision.current = meta?.precision;
  const display = useRef(meta?.limits.display);
  display.current = meta?.limits.display;
  const clock = isClockField(field, unit);
  const { strip } = useAnalysis();
  const windowMs = useAnalysisState((s) => s.stripWindow);
  const host = useRef<HTMLDivElement>(null);
  const value = useRef<HTMLSpanElement>(null);
  const windowRef = useRef(windowMs);
  windowRef.current = windowMs;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const text = () => themeColour('--plot-axis', '#333');
    const grid = () => themeColour('--plot-grid', '#e6e6e6');
    const tick = () => themeColour('--plot-tick', '#ccc');
    let span: [number, number] = [0, 1];
    const u = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: Math.max(80, el.clientHeight),
        legend: { show: false },
        cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
        scales: {
          x: { time: true, range: () => [span[0] / 1000, span[1] / 1000] },
          y: {
            range: (_u, min, max) => {
              // The server's display range (HOPR/LOPR) when it gives one, widened to the data.
              const d = display.current;
              if (d?.low !== undefined && d.high !== undefined && d.high > d.low) {
                return [Math.min(d.low, Number.isFinite(min) ? min : d.low), Math.max(d.high, Number.isFinite(max) ? max : d.high)];
              }
              if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
              const pad = (max - min) * 0.08 || Math.abs(max) * 0.05 || 1;
              return [min - pad, max + pad];
            },
          },
        },
        axes: [
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: tick, width: 1 }, size: 28 },
          { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: tick, width: 1 }, size: 64 },
        ],
        series: [{}, { label: `${field} max`, stroke: colour, width: 1, spanGaps: true }, { label: `${field} min`, stroke: colour, width: 1, spanGaps: true }],
        bands: [{ series: [1, 2], fill: fade(colour) }],
        hooks: {
          // The server's alarm (red) and warning (orange) limits as dashed lines across the plot.
          draw: [
            (plot: uPlot) => {
              const ctx = plot.ctx;
              for (const l of linesRef.current) {
                const y = plot.valToPos(l.value, 'y', true);
                if (!Number.isFinite(y) || y < plot.bbox.top || y > plot.bbox.top + plot.bbox.height) continue;
                ctx.save();
                ctx.strokeStyle = l.kind === 'alarm' ? '#d62728' : '#e08a00';
                ctx.setLineDash([6, 4]);
                ctx.lineWidth = 1.5 * (devicePixelRatio || 1);
                ctx.beginPath();
                ctx.moveTo(plot.bbox.left, y);
                ctx.lineTo(plot.bbox.left + plot.bbox.width, y);
                ctx.stroke();
                ctx.restore();
              }
            },
          ],
        },
      },
      [[], [], []],
      el,
    );
    const offTheme = onThemeChange(() => u.redraw(false));
    let drawn = -1;
    let shownWindow = windowRef.current;
    let draws = 0;
    let raf = 0;
    const loop = () => {
      raf = requestAnimationFrame(loop);
      if (strip.version === drawn && shownWindow === windowRef.current) return;
      drawn = strip.version;
      shownWindow = windowRef.current;
      const k = strip.history ? strip.history.fields.indexOf(field) : -1;
      const s = stripSpan(strip, shownWindow);
      const latest = k >= 0 ? strip.latest?.values[k] : null;
      // Events came but this field never had a value (no battery): say so instead of an empty axis.
      const none = strip.events > 0 && (latest === null || latest === undefined) && !strip.history?.bucketsFor(null).some((b) => b.min[k] !== null);
      if (value.current) value.current.textContent = none ? noValueText(field) : formatValue(latest, clock, precision.current);
      el.dataset.empty = none ? 'true' : 'false';
      if (!s || k < 0) {
        u.setData([[], [], []]);
        return;
      }
      span = s;
      const d = decimate(strip.history!.bucketsFor(shownWindow), k, s[0], s[1], Math.max(10, Math.floor(u.bbox.width / (devicePixelRatio || 1))));
      const toNull = (a: Float64Array) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
      u.setData([Array.from(d.x, (t) => t / 1000), toNull(d.max), toNull(d.min)] as unknown as uPlot.AlignedData);
      draws += 1;
      el.dataset.draws = String(draws);
    };
    raf = requestAnimationFrame(loop);
    // The charts share the panel's height; a new size redraws (the decimation follows the width).
    const offSize = followSize(u, el, 200, 80, () => (drawn = -1));
    return () => {
      cancelAnimationFrame(raf);
      offTheme();
      offSize();
      u.destroy();
    };
  }, [strip, field, colour]);

  return (
    <div className="strip-row" data-field={field}>
      <div className="strip-label">
        <span className="strip-name" style={{ color: colour }}>
          {field}
        </span>
        <span className="strip-value" data-testid="strip-value" data-field={field} ref={value}>
          –
        </span>
        <span className="strip-unit">{unit}</span>
      </div>
      <div
        className="strip-plot"
        ref={host}
        data-testid="strip-plot"
        data-field={field}
        data-index={index}
        data-limits={lines.map((l) => `${l.kind}:${l.value}`).join(' ')}
        title={meta ? `${meta.pv}${lines.length ? ` — limits ${lines.map((l) => `${l.kind} ${l.value}`).join(', ')}` : ''}` : undefined}
      >
        <span className="strip-none">{noValueText(field)}: this computer gives none</span>
      </div>
    </div>
  );
}

/** Every field's newest value as text (the charted ones and the rest, such as the time). */
function LatestValues({ info }: { info: BufferInfo }) {
  const { strip } = useAnalysis();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const show = () => {
      const fields = strip.history?.fields ?? [];
      for (const el of box.current?.querySelectorAll<HTMLElement>('[data-testid=latest-value]') ?? []) {
        const f = el.dataset.field!;
        const k = fields.indexOf(f);
        const v = k >= 0 ? strip.latest?.values[k] : null;
        const none = strip.events > 0 && (v === null || v === undefined);
        el.textContent = none ? noValueText(f) : formatValue(v, isClockField(f, unitOf(info, f)));
      }
    };
    show();
    return strip.subscribe(show);
  }, [strip, info]);
  return (
    <div className="strip-latest" ref={box} aria-label="Latest values">
      {info.fields.map((f) => {
        const unit = unitOf(info, f.name);
        return (
          <span key={f.name} className="strip-latest-item">
            {f.name} <strong data-testid="latest-value" data-field={f.name}>–</strong>
            {unit && !isClockField(f.name, unit) ? <span className="strip-unit"> {unit}</span> : null}
          </span>
        );
      })}
    </div>
  );
}

export function StripCharts() {
  const buffers = useApp((s) => s.setup?.buffers);
  const { store, strip } = useAnalysis();
  const buffer = useAnalysisState((s) => s.stripBuffer);
  const fields = useAnalysisState((s) => s.stripFields);
  const windowMs = useAnalysisState((s) => s.stripWindow);
  const error = useAnalysisState((s) => s.stripError);
  const scalar = scalarBuffers(buffers ?? []);
  const info = scalar.find((b) => b.name === buffer);
  const metaText = useApp((s) => pvMetaText(s.status, info?.name));
  const pvMeta = useMemo(() => parsePvMeta(metaText), [metaText]);
  const events = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const show = () => {
      if (events.current) {
        events.current.textContent = `${formatCount(strip.events)} events${strip.final ? ' (run ended)' : ''}`;
        events.current.dataset.value = String(strip.events);
      }
    };
    // What arrived while the tab was hidden (a run that ended before it was opened) shows at once.
    show();
    return strip.subscribe(show);
  }, [strip]);
  if (!info) return <p className="hint analysis-empty">This setup has no buffer of single values for strip charts.</p>;

  const png = (e: React.MouseEvent) => {
    const panel = e.currentTarget.closest('.strip-charts');
    const rows = [...(panel?.querySelectorAll<HTMLElement>('.strip-row') ?? [])];
    const parts = rows
      .map((r) => {
        const canvas = r.querySelector<HTMLCanvasElement>('.strip-plot canvas');
        const name = r.dataset.field!;
        const val = r.querySelector('.strip-value')?.textContent ?? '';
        return canvas ? { canvas, label: `${name}: ${val} ${unitOf(info, name)}`.trim() } : null;
      })
      .filter((p): p is { canvas: HTMLCanvasElement; label: string } => p !== null);
    const label = STRIP_WINDOWS.find((w) => w.ms === windowMs)?.label ?? '';
    void exportPng(fileName(info.name, 'strip_charts'), `${info.name} strip charts (${label})`, parts, [`${formatCount(strip.events)} events`]);
  };

  return (
    <div className="strip-charts" data-testid="strip-charts" data-buffer={info.name}>
      <div className="analysis-controls">
        <label>
          Buffer{' '}
          <select aria-label="Strip-chart buffer" value={info.name} onChange={(e) => store.getState().setStripBuffer(e.target.value)}>
            {scalar.map((b) => (
              <option key={b.name} value={b.name}>
                {b.name}
              </option>
            ))}
          </select>
        </label>
        <span role="group" aria-label="Window" className="strip-windows">
          {STRIP_WINDOWS.map((w) => (
            <button key={w.label} type="button" className={w.ms === windowMs ? 'active' : ''} aria-pressed={w.ms === windowMs} onClick={() => store.getState().setStripWindow(w.ms)}>
              {w.label}
            </button>
          ))}
        </span>
        <span className="muted" ref={events} data-testid="strip-events" data-value={0}>
          0 events
        </span>
        <span className="analysis-exports">
          <button type="button" onClick={png} disabled={fields.length === 0}>
            PNG
          </button>
        </span>
      </div>
      <div className="strip-fields" role="group" aria-label="Fields shown">
        {info.fields.map((f, k) => (
          <label key={f.name} className="channel-toggle" style={{ borderColor: colourOf(info, f.name, k) }}>
            <input
              type="checkbox"
              checked={fields.includes(f.name)}
              onChange={(e) => store.getState().setStripFields(e.target.checked ? [...fields, f.name] : fields.filter((x) => x !== f.name))}
            />
            {f.name}
          </label>
        ))}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <LatestValues info={info} />
      <div className="strip-rows">
        {fields.map((f) => {
          const k = info.fields.findIndex((x) => x.name === f);
          const m = pvMeta[f];
          return <Chart key={`${info.name}:${f}`} info={info} field={f} index={k} colour={colourOf(info, f, k)} unit={m?.units || unitOf(info, f)} meta={m} />;
        })}
      </div>
    </div>
  );
}
