// The histogram of a field of a scalar buffer, counted by the engine from
// every event: bins and range editable while running, linear or log y,
// under/overflow, and the unbinned exponential fit (τ ± σ, n, the fitted
// curve). Exports CSV and PNG. The plot is one uPlot, updated in place.
import { followSize } from '../look/plot-size';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BufferInfo, HistogramRequest, HistogramUpdate } from '../../../src-shared/bridge/protocol';
import { MAX_HISTOGRAM_BINS } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';
import { onThemeChange, themeColour } from '../look/theme';
import { formatCount } from '../format';
import { defaultFitWindow, expectedOf, fitLines, hintedRange, histogramCsv, histogramFor, plotData, rangeForData, scalarBuffers, unitOf } from './histogram-model';
import { exportLine, runLabel } from '../run/run-label';
import { NumberField } from './NumberField';
import { download, exportPng, fileName } from './png';
import { useAnalysis, useAnalysisState } from '../AppContext';

const BAR = 'rgba(74, 144, 217, 0.55)';
const BAR_EDGE = '#2f6db3';
const CURVE = '#d62728';

// Canvas colours follow the theme at every draw (look/theme.ts).
const axisColour = () => themeColour('--plot-axis', '#333');
const gridColour = () => themeColour('--plot-grid', '#e6e6e6');
const tickColour = () => themeColour('--plot-tick', '#ccc');

/** Title of a histogram, as on the plot and in its PNG. */
export function histogramTitle(r: HistogramRequest, unit: string): string {
  return `${r.buffer} · ${r.field}${unit ? ` (${unit})` : ''}`;
}

function HistogramPlot({ update, request, logY, unit, expected }: { update: HistogramUpdate | null; request: HistogramRequest; logY: boolean; unit: string; expected: number | null }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ update, unit, expected });
  latest.current = { update, unit, expected };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let draws = 0;
    const overlay = (u: uPlot) => {
      const { update: h, unit: un, expected: ex } = latest.current;
      const ctx = u.ctx;
      const { left, top, width } = u.bbox;
      const px = devicePixelRatio || 1;
      ctx.save();
      ctx.font = `${12 * px}px system-ui, sans-serif`;
      ctx.textBaseline = 'top';
      const text = axisColour();
      ctx.fillStyle = text;
      if (h) {
        ctx.textAlign = 'left';
        const under = `◀ underflow ${formatCount(h.underflow)}`;
        const over = `overflow ${formatCount(h.overflow)} ▶`;
        ctx.fillText(under, left + 6 * px, top + 4 * px);
        ctx.fillText(over, left + 6 * px, top + 20 * px);
        const lines = fitLines(h, un, ex);
        if (lines.length) {
          // The fit's block goes right; where it would run into the under/overflow text (a narrow window), below it.
          const flowWidth = Math.max(ctx.measureText(under).width, ctx.measureText(over).width);
          ctx.font = `600 ${13 * px}px system-ui, sans-serif`;
          const fitWidth = Math.max(...lines.map((l) => ctx.measureText(l).width));
          const y0 = flowWidth + fitWidth + 24 * px > width ? top + 40 * px : top + 4 * px;
          ctx.textAlign = 'right';
          ctx.fillStyle = CURVE;
          ctx.fillText(lines[0]!, left + width - 6 * px, y0);
          ctx.font = `${12 * px}px system-ui, sans-serif`;
          ctx.fillStyle = text;
          lines.slice(1).forEach((l, i) => ctx.fillText(l, left + width - 6 * px, y0 + (18 + 16 * i) * px));
          u.root.dataset.fitTextTop = String(Math.round((y0 - top) / px));
        }
      }
      ctx.restore();
      draws += 1;
      el.dataset.draws = String(draws);
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: Math.max(160, el.clientHeight),
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
      scales: {
        x: {
          time: false,
          range: () => {
            const h = latest.current.update;
            return h ? [h.range[0], h.range[1]] : [request.range[0], request.range[1]];
          },
        },
        y: logY
          ? { distr: 3, range: (_u, _min, max) => [0.5, Math.max(10, (max ?? 1) * 3)] }
          : { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.15)] },
      },
      axes: [
        { label: `${request.field}${unit ? ` (${unit})` : ''}`, space: 80, stroke: axisColour, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: tickColour, width: 1 } },
        { label: logY ? 'events per bin (log)' : 'events per bin', stroke: axisColour, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: tickColour, width: 1 }, size: 60 },
      ],
      series: [
        { label: request.field },
        { label: 'events', stroke: BAR_EDGE, fill: BAR, width: 1, paths: uPlot.paths.bars!({ size: [1, Infinity], gap: 0 }), points: { show: false } },
        { label: 'fit', stroke: CURVE, width: 2, points: { show: false } },
      ],
      hooks: { draw: [overlay] },
    };
    const u = new uPlot(opts, [[], [], []], el);
    plot.current = u;
    const offTheme = onThemeChange(() => u.redraw(false));
    const offSize = followSize(u, el, 200, 160);
    return () => {
      offTheme();
      offSize();
      u.destroy();
      plot.current = null;
    };
    // The plot is made again only for a new axis kind or labels; data changes go through setData.
  }, [logY, request.field, unit]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    if (!update) {
      u.setData([[], [], []]);
      return;
    }
    const d = plotData(update, logY);
    u.setData([d.x, d.counts, d.curve] as unknown as uPlot.AlignedData);
  }, [update, logY, request.field, unit]);

  return <div className="histogram-plot" ref={host} data-testid="histogram-plot" />;
}

function Controls({ request, scalar, info, update }: { request: HistogramRequest; scalar: BufferInfo[]; info: BufferInfo | undefined; update: HistogramUpdate | null }) {
  const { store } = useAnalysis();
  const label = useApp(runLabel);
  const expected = expectedOf(info, request.field);
  const logY = useAnalysisState((s) => s.logY);
  const apply = (r: HistogramRequest) => void store.getState().setRequest(r);
  const [lo, hi] = request.range;
  const fit = request.fit ?? null;
  const unit = unitOf(info, request.field);

  const fitRangeToData = () => {
    const range = rangeForData(update?.low, update?.high, request.bins);
    if (range) apply({ ...request, range });
  };
  // A field without a hinted range takes its range from the first values counted.
  const choose = (b: BufferInfo, field?: string) => {
    const r = histogramFor(b, field);
    void store.getState().setRequest(r, { autoRange: !hintedRange(b, r.field) });
  };

  const csv = () => {
    if (!update) return;
    const header = [exportLine(label), `${histogramTitle(request, unit)}: ${update.events} events`, ...fitLines(update, unit, expected)];
    download(new Blob([histogramCsv(update, header)], { type: 'text/csv' }), `${fileName(label.name, request.buffer, request.field, 'histogram')}.csv`);
  };
  const png = (e: React.MouseEvent) => {
    const canvas = (e.currentTarget.closest('.histogram-panel') as HTMLElement | null)?.querySelector<HTMLCanvasElement>('[data-testid=histogram-plot] canvas');
    if (!canvas || !update) return;
    const stats = `${formatCount(update.events)} events: ${formatCount(update.entries)} in range, underflow ${formatCount(update.underflow)}, overflow ${formatCount(update.overflow)}${update.invalid ? `, NaN ${formatCount(update.invalid)}` : ''}`;
    void exportPng(fileName(label.name, request.buffer, request.field, 'histogram'), histogramTitle(request, unit), [{ canvas }], [exportLine(label), stats, ...fitLines(update, unit, expected), ...(update.note ? [update.note] : [])]);
  };

  return (
    <div className="analysis-controls">
      <label>
        Buffer{' '}
        <select aria-label="Histogram buffer" value={request.buffer} onChange={(e) => choose(scalar.find((b) => b.name === e.target.value)!)}>
          {scalar.map((b) => (
            <option key={b.name} value={b.name}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Field{' '}
        <select aria-label="Histogram field" value={request.field} onChange={(e) => choose(info!, e.target.value)}>
          {info?.fields.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <NumberField label="Bins" value={request.bins} width={60} check={(n) => (Number.isInteger(n) && n >= 1 && n <= MAX_HISTOGRAM_BINS ? null : `Bins: a whole number from 1 to ${MAX_HISTOGRAM_BINS}`)} onCommit={(bins) => apply({ ...request, bins })} />
      <NumberField label="From" value={lo} check={(n) => (n < hi ? null : `From must be below To (${hi})`)} onCommit={(n) => apply({ ...request, range: [n, hi] })} />
      <NumberField label="To" value={hi} check={(n) => (n > lo ? null : `To must be above From (${lo})`)} onCommit={(n) => apply({ ...request, range: [lo, n] })} />
      <button type="button" onClick={fitRangeToData} disabled={!update || update.low === null || update.low === undefined} title="Set the range to the smallest and largest value counted">
        Range to data
      </button>
      <label>
        <input type="checkbox" checked={logY} onChange={(e) => store.getState().setLogY(e.target.checked)} /> log y
      </label>
      <label>
        <input type="checkbox" checked={fit !== null} onChange={(e) => apply({ ...request, fit: e.target.checked ? defaultFitWindow(request.range) : null })} /> exponential fit
      </label>
      {fit && (
        <>
          <NumberField label="Fit from" value={fit.t_min} check={(n) => (n < fit.t_max ? null : `Fit from must be below ${fit.t_max}`)} onCommit={(n) => apply({ ...request, fit: { ...fit, t_min: n } })} />
          <NumberField label="Fit to" value={fit.t_max} check={(n) => (n > fit.t_min ? null : `Fit to must be above ${fit.t_min}`)} onCommit={(n) => apply({ ...request, fit: { ...fit, t_max: n } })} />
          <label title="Fit a flat background fraction as well (accidental coincidences); slower with many values">
            <input type="checkbox" checked={fit.background === true} onChange={(e) => apply({ ...request, fit: { ...fit, background: e.target.checked } })} /> + background
          </label>
        </>
      )}
      <span className="analysis-exports">
        <button type="button" onClick={csv} disabled={!update}>
          CSV
        </button>
        <button type="button" onClick={png} disabled={!update}>
          PNG
        </button>
      </span>
    </div>
  );
}

export function HistogramPanel() {
  const buffers = useApp((s) => s.setup?.buffers);
  const request = useAnalysisState((s) => s.request);
  const update = useAnalysisState((s) => s.histogram);
  const error = useAnalysisState((s) => s.histogramError);
  const logY = useAnalysisState((s) => s.logY);
  const scalar = scalarBuffers(buffers ?? []);
  if (scalar.length === 0 || !request) return <p className="hint analysis-empty">This setup has no buffer of single values to histogram.</p>;
  const info = scalar.find((b) => b.name === request.buffer);
  const unit = unitOf(info, request.field);
  // Only an update for the request shown counts (a changed request is answered within a moment).
  const h = update && update.buffer === request.buffer && update.field === request.field ? update : null;
  const fit = h?.fit ?? null;
  const expected = expectedOf(info, request.field);
  const lines = h ? fitLines(h, unit, expected) : [];
  return (
    <div
      className="histogram-panel"
      data-testid="histogram"
      data-buffer={request.buffer}
      data-field={request.field}
      data-events={h?.events ?? 0}
      data-entries={h?.entries ?? 0}
      data-final={h?.final ? 'true' : 'false'}
      data-bins={h?.counts.length ?? request.bins}
    >
      <Controls request={request} scalar={scalar} info={info} update={h} />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <HistogramPlot update={h} request={request} logY={logY} unit={unit} expected={expected} />
      <div className="histogram-stats">
        <span data-testid="histogram-events" data-value={h?.events ?? 0}>
          <strong>{formatCount(h?.events ?? 0)}</strong> events{info?.description ? <span className="muted"> · {info.description}</span> : null}
        </span>
        <span>{formatCount(h?.entries ?? 0)} in range</span>
        <span>underflow {formatCount(h?.underflow ?? 0)}</span>
        <span>overflow {formatCount(h?.overflow ?? 0)}</span>
        {h && h.invalid > 0 && <span>NaN {formatCount(h.invalid)}</span>}
        <span className="muted">{h?.final ? 'run ended: every event counted' : h && h.events > 0 ? 'live' : ''}</span>
        {fit && (
          <span
            className="histogram-fit"
            data-testid="histogram-fit"
            data-tau={fit.tau ?? ''}
            data-sigma={fit.sigma ?? ''}
            data-n={fit.n}
            data-converged={fit.converged ? 'true' : 'false'}
            title={lines.slice(1).join('\n')}
          >
            {lines[0]} <span className="muted">(n = {formatCount(fit.n)})</span>
          </span>
        )}
        {lines
          .filter((l) => l.startsWith('χ²') || l.startsWith('expected'))
          .map((l) => (
            <span key={l.slice(0, 3)} className="histogram-fit-extra" data-testid={l.startsWith('χ²') ? 'histogram-chi2' : 'histogram-expected'}>
              {l}
            </span>
          ))}
      </div>
      {h?.note && <p className="hint">{h.note}</p>}
    </div>
  );
}
