// Puts a value to a PV of any Channel Access server (e.g. a remote station's
// dt), with completion: the line below says when the server has done it, or
// why not. Shown for setups that read PVs (builtin:sources/epics).
import { useState } from 'react';
import { useApp } from '../AppContext';

export function PvWrite() {
  const usesEpics = useApp((s) => s.setup?.text?.includes('builtin:sources/epics') ?? false);
  const connected = useApp((s) => s.connection === 'open');
  const putPv = useApp((s) => s.putPv);
  const [pv, setPv] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  if (!usesEpics) return null;

  const put = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    const refused = await putPv(pv.trim(), value);
    setBusy(false);
    setResult(refused ? { ok: false, text: refused } : { ok: true, text: `${pv.trim()} = ${value}: done` });
  };

  return (
    <section className="panel pv-write" aria-label="Write a PV">
      <h2>Write a PV</h2>
      <form onSubmit={put}>
        <input aria-label="PV name" placeholder="station_a:dt" value={pv} onChange={(e) => setPv(e.target.value)} />
        <input aria-label="PV value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} size={8} />
        <button type="submit" disabled={!connected || busy || !pv.trim() || !value.trim()}>
          {busy ? 'Putting…' : 'Put'}
        </button>
      </form>
      {result && (
        <p className={result.ok ? 'hint' : 'error'} role="status" data-testid="pv-write-result">
          {result.text}
        </p>
      )}
    </section>
  );
}
