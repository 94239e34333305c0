// Electron: the engine process's trouble, in the window. After an unexpected
// exit it says why and offers the restart (the same setup opens again); while
// quitting during a run it says that the data is being written.
import { useState } from 'react';
import { useDesktop, useDesktopState } from './DesktopContext';

export function EngineNotice() {
  const desktop = useDesktop();
  const engine = useDesktopState((s) => s.engine);
  const [restarting, setRestarting] = useState(false);
  if (!desktop || !engine) return null;
  if (engine.state === 'exited') {
    const restart = () => {
      setRestarting(true);
      void desktop.api.restartEngine().finally(() => setRestarting(false));
    };
    return (
      <div className="notice notice-error engine-notice" role="alert" data-testid="engine-exited">
        <span>{engine.reason}</span>
        <button type="button" className="primary" disabled={restarting} onClick={restart}>
          {restarting ? 'Restarting…' : 'Restart engine'}
        </button>
      </div>
    );
  }
  if (engine.state === 'stopping') {
    return (
      <div className="notice notice-info engine-notice" role="status" data-testid="engine-stopping">
        <span>Quitting: the run is being stopped and everything taken is written…</span>
      </div>
    );
  }
  return null;
}
