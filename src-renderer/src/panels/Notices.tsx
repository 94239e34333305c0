// Connection trouble and errors the user should read, dismissable.
import { useApp } from '../AppContext';
import { useDesktop } from '../desktop/DesktopContext';

export function Notices() {
  const connection = useApp((s) => s.connection);
  const detail = useApp((s) => s.connectionDetail);
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismissNotice);
  // In Electron the engine's own notice explains a lost connection and offers the restart.
  const desktop = useDesktop();
  return (
    <div className="notices" aria-live="polite">
      {connection === 'closed' && !desktop && (
        <div className="notice notice-error" role="alert">
          {detail ?? 'Disconnected from RingScope.'} Reconnecting…
        </div>
      )}
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" className="dismiss" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
