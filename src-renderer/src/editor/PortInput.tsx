// The port field of a serial source: a text input (any path may be typed —
// pseudo-terminals and symlinks are never listed) that suggests the host's
// serial ports, with what each device says it is, and a button to look again
// after plugging an instrument in.
import { useEffect, useId } from 'react';
import type { Problem } from '../../../src-shared/setup/types';
import type { SerialPortEntry } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';
import { ValueInput } from './fields';

/** What a port says it is, in a few words: "Arduino (www.arduino.cc) · USB 2341:0043 · SN 7553". */
export function describePort(p: SerialPortEntry): string {
  const parts: string[] = [];
  if (p.manufacturer) parts.push(p.manufacturer);
  if (p.vendorId && p.productId) parts.push(`USB ${p.vendorId}:${p.productId}`);
  if (p.serialNumber) parts.push(`SN ${p.serialNumber}`);
  return parts.join(' · ');
}

interface PortInputProps {
  label: string;
  value: unknown;
  problems: readonly Problem[];
  onEdit(value: unknown): void;
  onCommit?(value: unknown): void;
}

export function PortInput({ label, value, problems, onEdit, onCommit }: PortInputProps) {
  const listId = useId();
  const found = useApp((s) => s.editorPorts);
  const loading = useApp((s) => s.editorPortsLoading);
  const listPorts = useApp((s) => s.editorListPorts);
  useEffect(() => {
    if (found === null && !loading) void listPorts();
    // Once, when the first port field appears; the button asks again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const ports = found?.ports ?? [];
  const current = typeof value === 'string' ? value : '';
  return (
    <>
      <ValueInput label={label} value={value} kind="text" size={18} problems={problems} onEdit={onEdit} onCommit={onCommit} list={listId} />
      <datalist id={listId} data-testid="port-options">
        {ports.map((p) => (
          <option key={p.path} value={p.path} label={describePort(p) || undefined} />
        ))}
      </datalist>{' '}
      <button type="button" className="small" disabled={loading} onClick={() => void listPorts()} title="Look for serial ports again (after plugging an instrument in)">
        {loading ? 'Looking…' : 'Find ports'}
      </button>
      <div className="port-list" data-testid="port-list" aria-live="polite">
        {found === null ? (
          loading ? 'Looking for serial ports…' : null
        ) : ports.length === 0 ? (
          <span>No serial ports found on the machine running RingScope; plug the instrument in and press Find ports, or type the port name.</span>
        ) : (
          <ul>
            {ports.map((p) => (
              <li key={p.path}>
                <button type="button" className="link small" aria-pressed={p.path === current} onClick={() => (onEdit(p.path), onCommit?.(p.path))} title={p.byId ? `Stable name: ${p.byId}` : undefined}>
                  {p.path}
                </button>
                {describePort(p) && <span className="port-desc"> {describePort(p)}</span>}
              </li>
            ))}
          </ul>
        )}
        {found?.warning && <p className="field-problem problem-warning">Note: {found.warning}.</p>}
      </div>
    </>
  );
}
