// The window: header, run control and buffer health on the left, problems and
// the oscilloscope on the right. Data attributes on the root expose the run
// state and status sequence (tests wait on them instead of sleeping).
import { useApp, useAppContext } from './AppContext';
import { useDesktop } from './desktop/DesktopContext';
import { DesktopOpen } from './desktop/DesktopOpen';
import { EngineNotice } from './desktop/EngineNotice';
import { Notices } from './panels/Notices';
import { OpenSetup } from './panels/OpenSetup';
import { AnalysisPanel } from './analysis/AnalysisPanel';
import { Problems } from './panels/Problems';
import { ShortcutsOverlay } from './run/ShortcutsOverlay';
import './run/run.css';
import { runState } from './store/appStore';
import { EditorColumn, EditorToggle, SideHandle } from './look/Columns';
import { useColumns } from './look/layout';
import { SideColumn } from './look/SideColumn';
import { ThemeSwitch } from './look/ThemeSwitch';
import { useWindowBehaviour } from './look/window';

export function App() {
  const setup = useApp((s) => s.setup);
  const connection = useApp((s) => s.connection);
  const statusSeq = useApp((s) => s.statusSeq);
  const state = useApp(runState);
  const server = useApp((s) => s.server);
  const desktop = useDesktop();
  // Look and feel (issue 8): shortcuts, unsaved-changes guard, resizable columns, theme, setup editor.
  const { store } = useAppContext();
  useWindowBehaviour(store, connection === 'open');
  const columns = useColumns();
  return (
    <div className="app" data-connection={connection} data-status-seq={statusSeq} data-run-state={state}>
      <header className="app-header">
        <h1>RingScope</h1>
        {setup && (
          <span className="setup-name" title={setup.description ?? setup.path}>
            {setup.title ? <strong>{setup.title}</strong> : null} <code>{setup.path}</code>
          </span>
        )}
        <span className="header-tools">
          <button type="button" className="small" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="shortcuts-button" onClick={() => store.getState().showShortcuts(true)}>
            ?
          </button>
          <EditorToggle />
          <ThemeSwitch />
        </span>
        <span className={`connection connection-${connection}`} title={server ? `RingScope ${server.version} (${server.host})` : undefined}>
          {connection === 'open' ? 'connected' : connection === 'connecting' ? 'connecting…' : 'disconnected'}
        </span>
      </header>
      <EngineNotice />
      <Notices />
      <main className="app-main" style={columns}>
        <SideColumn />
        <SideHandle />
        <div className="main">
          {connection === 'open' && !setup && (desktop ? <DesktopOpen /> : <OpenSetup />)}
          <Problems />
          <AnalysisPanel />
        </div>
        <EditorColumn />
      </main>
      <ShortcutsOverlay />
    </div>
  );
}
