// The run column (run control, run files, buffers) and its folded form: in a
// narrow window a student folds it to a strip to give the plots the room;
// the strip still shows the run's state and unfolds with one click.
import { useApp } from '../AppContext';
import { BufferStatus } from '../panels/BufferStatus';
import { PvWrite } from '../panels/PvWrite';
import { RunControl } from '../panels/RunControl';
import { RunFiles } from '../run/RunFiles';
import { runState } from '../store/appStore';
import { setLayout, useFittedLayout } from './layout';

export function SideColumn() {
  const l = useFittedLayout();
  const state = useApp(runState);
  if (l.sideCollapsed) {
    return (
      <div className="side side-folded" data-testid="side-folded">
        <button type="button" className="small" aria-label="Show the run column" title="Show the run column" onClick={() => setLayout({ sideCollapsed: false })}>
          ▶
        </button>
        <span className={`state-dot state-${state}`} title={`Run: ${state}`} data-state={state} />
      </div>
    );
  }
  return (
    <div className="side" data-testid="side">
      <button type="button" className="small fold-side" aria-label="Fold the run column" title="Fold the run column (more room for the plots)" onClick={() => setLayout({ sideCollapsed: true })}>
        ◀
      </button>
      <RunControl />
      <RunFiles />
      <BufferStatus />
      <PvWrite />
    </div>
  );
}
