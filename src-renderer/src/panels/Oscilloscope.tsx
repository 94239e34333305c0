// The oscilloscope panel: which buffer, which traces, y auto or fixed,
// Run/Stop/Single, the display trigger level (dragged on the plot, reset to
// the setup's), cursors A and B with Δt and ΔV, PNG export — and an empty
// state that says what to do ("Press Start") instead of an empty grid.
import { useEffect, useMemo, useState } from 'react';
import { isActive } from '../../../src-shared/bridge/protocol';
import { useApp, useAppContext } from '../AppContext';
import { exportPng, fileName } from '../analysis/png';
import { exportLine, runLabel } from '../run/run-label';
import { runState } from '../store/appStore';
import { scopeLayout } from './scope-layout';
import { cursorText, type Cursors, type ScopeMode } from './scope-measure';
import { ScopePlot, type YScale } from './ScopePlot';
import './scope.css';

const NO_CURSORS: Cursors = { a: null, b: null };

export function Oscilloscope() {
  const buffers = useApp((s) => s.setup?.buffers);
  const selected = useApp((s) => s.scopeBuffer);
  const select = useApp((s) => s.selectScopeBuffer);
  const state = useApp(runState);
  const label = useApp(runLabel);
  const info = buffers?.find((b) => b.name === selected) ?? null;
  const layout = useMemo(() => (info ? scopeLayout(info) : null), [info]);
  const [hidden, setHidden] = useState<Record<string, boolean>>({});
  const [mode, setMode] = useState<ScopeMode>('run');
  const [y, setY] = useState<YScale>({ auto: true, min: -500, max: 0 });
  const [yText, setYText] = useState({ min: '-500', max: '0' });
  const [level, setLevel] = useState<number | null>(null);
  const [cursors, setCursors] = useState<Cursors>(NO_CURSORS);
  const [drawn, setDrawn] = useState(false);
  const [pngMessage, setPngMessage] = useState<string | null>(null);

  // Another buffer: its own trigger level, no cursors, nothing drawn yet.
  useEffect(() => {
    setLevel(layout?.triggerLevel ?? null);
    setCursors(NO_CURSORS);
    setDrawn(false);
    setPngMessage(null);
  }, [layout]);

  const applyFixed = (min: string, max: string) => {
    setYText({ min, max });
    const a = Number(min);
    const b = Number(max);
    if (min.trim() !== '' && max.trim() !== '' && Number.isFinite(a) && Number.isFinite(b) && a < b) setY({ auto: false, min: a, max: b });
  };

  const exportPlot = (target: HTMLElement) => {
    const plot = target.closest('.oscilloscope')?.querySelector<HTMLElement>('[data-testid=scope-plot]');
    const canvas = plot?.querySelector('canvas');
    if (!info || !canvas || !drawn) {
      setPngMessage('Nothing to export yet: the plot is empty. Press Start and wait for a trace.');
      return;
    }
    setPngMessage(null);
        const event = target.closest('.oscilloscope')?.querySelector('[data-testid=scope-event]')?.textContent;
    const lines = [exportLine(label), cursors.a ? cursorText(cursors, layout!) : ''].filter(Boolean);
    void exportPng(fileName(label.name, info.name, 'oscilloscope'), `${info.name} oscilloscope${event ? `, ${event}` : ''}`, [{ canvas }], lines);
  };

  const waves = info !== null && info.samples > 1;
  return (
    <section className="panel oscilloscope" aria-label="Oscilloscope">
      <div className="scope-controls">
        <h2>Oscilloscope</h2>
        <label>
          Buffer{' '}
          <select value={selected ?? ''} onChange={(e) => select(e.target.value || null)} disabled={!buffers?.length} aria-label="Buffer shown">
            {(buffers ?? []).map((b) => (
              <option key={b.name} value={b.name} title={b.description}>
                {b.name}
                {b.description ? ` – ${b.description}` : b.samples > 1 ? ` (${b.fields.length} × ${b.samples})` : ''}
              </option>
            ))}
          </select>
        </label>
        {waves && (
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
            <span className="scope-modes" role="group" aria-label="Acquisition" data-mode={mode}>
              {(['run', 'stop', 'single'] as const).map((m) => (
                <button key={m} type="button" className={mode === m ? 'active' : ''} aria-pressed={mode === m} aria-label={`Scope ${m}`} title={MODE_HELP[m]} onClick={() => setMode(m)}>
                  {m === 'run' ? 'Run' : m === 'stop' ? 'Stop' : 'Single'}
                </button>
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
            {layout?.triggerLevel !== null && level !== layout?.triggerLevel && (
              <button type="button" className="small" onClick={() => setLevel(layout?.triggerLevel ?? null)} title="Back to the setup's trigger level">
                Reset trigger
              </button>
            )}
            {(cursors.a || cursors.b) && (
              <button type="button" className="small" onClick={() => setCursors(NO_CURSORS)}>
                Clear cursors
              </button>
            )}
            <button type="button" onClick={(e) => exportPlot(e.currentTarget)}>
              PNG
            </button>
          </>
        )}
      </div>
      {pngMessage && (
        <p className="field-error" role="alert" data-testid="scope-png-refused">
          {pngMessage}
        </p>
      )}
      {waves && layout ? (
        <div className="scope-area">
          <ScopePlot
            key={info.name}
            info={info}
            hidden={hidden}
            y={y}
            mode={mode}
            level={level}
            cursors={cursors}
            onFirstFrame={() => {
              setDrawn(true);
              setPngMessage(null);
            }}
            onSingleDone={() => setMode('stop')}
            onLevel={setLevel}
            onCursors={setCursors}
          />
          {!drawn && (
            <div className="scope-empty-state" data-testid="scope-empty">
              {isActive(state) ? 'Waiting for the first event…' : 'Press Start to see the waveforms.'}
            </div>
          )}
          <div className="scope-cursors" data-testid="scope-cursors">
            {cursorText(cursors, layout)}
          </div>
        </div>
      ) : (
        <div className="scope-empty">
          {info ? `${info.name} holds single values per event; choose a waveform buffer, or see the Histogram and Strip charts tabs.` : 'No waveform buffer to show.'}
          <FeedDrain />
        </div>
      )}
    </section>
  );
}

const MODE_HELP: Record<ScopeMode, string> = {
  run: 'Oscilloscope: show every new event that reaches the trigger level',
  stop: 'Oscilloscope: keep the picture (the run goes on)',
  single: 'Oscilloscope: show the next event that reaches the trigger level, then keep it',
};

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
