// What a function reports that a user must see under its name: PVs an EPICS
// source has lost (which, since when), events it could not take, gaps.
import type { FunctionStatus } from '../../../src-shared/engine/status';

export function FunctionAlerts({ fn }: { fn: FunctionStatus }) {
  const lines: string[] = [];
  for (const i of fn.instances) {
    const x = i.extra;
    if (!x) continue;
    if (typeof x.disconnected === 'string' && x.disconnected !== 'none') lines.push(`disconnected: ${x.disconnected}`);
    if (typeof x.missed === 'number' && x.missed > 0) lines.push(`${x.missed} events missed`);
    if (typeof x.disconnects === 'number' && x.disconnects > 0) lines.push(`${x.disconnects} disconnects, ${x.gap_s ?? 0} s without data`);
  }
  if (!lines.length) return null;
  return (
    <div className="function-alerts" data-testid="function-alerts" data-function={fn.name}>
      {lines.map((l) => (
        <p key={l} className="hint">
          {l}
        </p>
      ))}
    </div>
  );
}
