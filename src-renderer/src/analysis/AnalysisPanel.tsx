// Histograms and strip charts, as two tabs of one panel under the oscilloscope.
import { useApp } from '../AppContext';
import './analysis.css';
import { HistogramPanel } from './HistogramPanel';
import { StripCharts } from './StripCharts';
import { useAnalysisState, useAnalysis } from './store';

export function AnalysisPanel() {
  const setup = useApp((s) => s.setup);
  const tab = useAnalysisState((s) => s.tab);
  const { store } = useAnalysis();
  if (!setup || !setup.runnable) return null;
  return (
    <section className="panel analysis" aria-label="Analysis">
      <div className="analysis-tabs" role="tablist">
        {(
          [
            ['histogram', 'Histogram'],
            ['strip', 'Strip charts'],
          ] as const
        ).map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} className={tab === id ? 'active' : ''} onClick={() => store.getState().setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      {tab === 'histogram' ? <HistogramPanel /> : <StripCharts />}
    </section>
  );
}
