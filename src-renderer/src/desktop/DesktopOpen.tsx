// Electron's panel when no setup is loaded: Open… and New… (the setup editor's
// actions, with native dialogs), the recent setups and the shipped examples.
import { useApp } from '../AppContext';
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
  const chooseOpen = useApp((s) => s.editorChooseOpen);
  const newSetup = useApp((s) => s.editorNew);
  const open = useApp((s) => s.editorOpen);
  const busy = useApp((s) => s.editorBusy !== null);
  if (!desktop) return null;
  return (
    <section className="panel open-setup desktop-open" aria-label="Open a setup">
      <h2>No setup loaded</h2>
      <div className="desktop-open-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void chooseOpen()}>
          Open…
        </button>{' '}
        <button type="button" disabled={busy} onClick={() => void newSetup()}>
          New
        </button>
      </div>
      {recent.length > 0 && (
        <div className="desktop-open-list">
          <h3>Recent</h3>
          <ul>
            {recent.map((path) => (
              <li key={path}>
                <button type="button" className="link" title={path} data-testid="recent-setup" disabled={busy} onClick={() => void open(path)}>
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
                <button type="button" className="link" title={e.path} data-testid="example-setup" disabled={busy} onClick={() => void open(e.path)}>
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
