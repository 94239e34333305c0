// The "?" overlay: every key the window answers to. Esc, "?" or a click
// outside closes it.
import { useEffect } from 'react';
import { useApp } from '../AppContext';
import { SHORTCUTS } from '../look/shortcuts';

export function ShortcutsOverlay() {
  const open = useApp((s) => s.shortcutsOpen);
  const show = useApp((s) => s.showShortcuts);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') show(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, show]);
  if (!open) return null;
  return (
    <div className="overlay" onClick={() => show(false)}>
      <div className="overlay-card" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <th scope="row">
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">Keys act when no text field has the focus.</p>
        <button type="button" onClick={() => show(false)}>
          Close
        </button>
      </div>
    </div>
  );
}
