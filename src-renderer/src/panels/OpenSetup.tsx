// Shown when the host has no setup: open one by its path on the host.
// (The setup editor with examples and upload comes with issue 8.)
import { useState } from 'react';
import { useApp } from '../AppContext';

export function OpenSetup() {
  const open = useApp((s) => s.openSetup);
  const connected = useApp((s) => s.connection === 'open');
  const [path, setPath] = useState('examples/muon/setup.yaml');
  return (
    <section className="panel open-setup" aria-label="Open a setup">
      <h2>No setup loaded</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void open(path.trim());
        }}
      >
        <label>
          Setup file on the server{' '}
          <input value={path} onChange={(e) => setPath(e.target.value)} size={40} />
        </label>{' '}
        <button type="submit" disabled={!connected || !path.trim()}>
          Open
        </button>
      </form>
    </section>
  );
}
