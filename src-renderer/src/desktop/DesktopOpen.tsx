// Electron's panel when no setup is loaded: Open… and New… (native dialogs),
// the recent setups and the examples shipped with the app.
import { useState } from 'react';
import { useDesktop, useDesktopState } from './DesktopContext';
import './desktop.css';

function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  const name = parts.at(-1) ?? path;
  return name === 'setup.yaml' && parts.length > 1 ? `${parts.at(-2)}/${name}` : name;
}

export function DesktopOpen() {
  const desktop = useDesktop();
  const recent = useDesktopState((s) => s.recent);
  const examples = useDesktopState((s) => s.examples);
  const [error, setError] = useState<string | null>(null);
  if (!desktop) return null;
  const run = (p: Promise<unknown>) => {
    setError(null);
    void p.catch((err: Error) => setError(err.message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '')));
  };
  return (
    <section className="panel open-setup desktop-open" aria-label="Open a setup">
      <h2>No setup loaded</h2>
      <div className="desktop-open-actions">
        <button type="button" className="primary" onClick={() => run(desktop.api.openSetupDialog())}>
          Open…
        </button>{' '}
        <button type="button" onClick={() => run(desktop.api.newSetupDialog())}>
          New…
        </button>
      </div>
      {error && <p className="field-error">{error}</p>}
      {recent.length > 0 && (
        <div className="desktop-open-list">
          <h3>Recent</h3>
          <ul>
            {recent.map((path) => (
              <li key={path}>
                <button type="button" className="link" title={path} data-testid="recent-setup" onClick={() => run(desktop.api.openSetup(path))}>
                  {fileName(path)}
                </button>{' '}
                <span className="hint">{path}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {examples.length > 0 && (
        <div className="desktop-open-list">
          <h3>Examples</h3>
          <ul>
            {examples.map((e) => (
              <li key={e.path}>
                <button type="button" className="link" title={e.path} data-testid="example-setup" onClick={() => run(desktop.api.openSetup(e.path))}>
                  {e.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
