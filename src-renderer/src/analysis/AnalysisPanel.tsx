// The main view, one of three tabs sharing the column's height: the
// oscilloscope, the histogram with its fit, and the strip charts. Tabs rather
// than a stack, so that each plot keeps a usable size at 1280×800 with the
// setup editor open. A setup that cannot run shows the oscilloscope panel,
// which explains what is missing.
import { useApp } from '../AppContext';
import { Oscilloscope } from '../panels/Oscilloscope';
import './analysis.css';
import { HistogramPanel } from './HistogramPanel';
import { StripCharts } from './StripCharts';
import { LogPanel } from '../run/LogPanel';
import { useAnalysis, useAnalysisState } from '../AppContext';
import type { AnalysisTab } from './store';

const TABS: readonly [AnalysisTab, string][] = [
  ['scope', 'Oscilloscope'],
  ['histogram', 'Histogram'],
  ['strip', 'Strip charts'],
  ['log', 'Log'],
];

export function AnalysisPanel() {
  const setup = useApp((s) => s.setup);
  const tab = useAnalysisState((s) => s.tab);
  const { store } = useAnalysis();
  const errors = useApp((s) => s.log.filter((l) => l.level === 'error').length);
  if (!setup || !setup.runnable) return <Oscilloscope />;
  return (
    <>
      <div className="view-tabs" role="tablist" aria-label="View">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'active' : ''} onClick={() => store.getState().setTab(id)}>
            {label}
            {id === 'log' && errors > 0 && (
              <span className="tab-badge" data-testid="log-errors" title={`${errors} error line(s) in the log`}>
                {errors}
              </span>
            )}
          </button>
        ))}
      </div>
      {tab === 'scope' ? (
        <Oscilloscope />
      ) : tab === 'log' ? (
        <section className="panel log" aria-label="Log">
          <LogPanel />
        </section>
      ) : (
        <section className="panel analysis" aria-label={tab === 'histogram' ? 'Histogram' : 'Strip charts'}>
          {tab === 'histogram' ? <HistogramPanel /> : <StripCharts />}
        </section>
      )}
    </>
  );
}
