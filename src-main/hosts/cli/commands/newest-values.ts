// What `ringscope run` prints besides rates: the newest values of small
// scalar buffers (a simple-DAQ client prints its readings) and what functions
// report that a user must see (PVs disconnected, events missed).
import type { BufferInfo } from '../../../../src-shared/bridge/protocol';
import type { StatusReport } from '../../../../src-shared/engine/status';
import type { EngineHandle, EventSnapshot } from '../../../engine/api';

/** Buffers of single values with at most this many fields get their newest values printed. */
const MAX_FIELDS = 8;

function shown(x: number | bigint): string {
  if (typeof x === 'bigint') return x.toString();
  if (!Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(12)));
}

/** Keeps the newest event of every small scalar buffer (observed twice a second); `text()` is the status line's part. */
export function watchNewest(engine: Pick<EngineHandle, 'observe'>, buffers: readonly BufferInfo[]): { text(): string; stop(): void } {
  const newest = new Map<string, EventSnapshot>();
  const offs = buffers.filter((b) => b.samples === 1 && b.fields.length <= MAX_FIELDS).map((b) => engine.observe(b.name, 2, (snap) => newest.set(b.name, snap)));
  return {
    text: () =>
      [...newest.values()]
        .map((s) => `${s.buffer}: ${Object.entries(s.fields).map(([k, v]) => `${k}=${shown(v[0])}`).join(' ')}`)
        .join(' | '),
    stop: () => offs.forEach((off) => off()),
  };
}

/** "Fkt_1 disconnected: A:CPU since …" and "Fkt_1 missed 3" for the functions that report them. */
export function functionAlerts(s: StatusReport): string {
  const out: string[] = [];
  for (const f of s.functions) {
    for (const i of f.instances) {
      const x = i.extra;
      if (!x) continue;
      if (typeof x.disconnected === 'string' && x.disconnected !== 'none') out.push(`${f.name} disconnected: ${x.disconnected}`);
      if (typeof x.missed === 'number' && x.missed > 0) out.push(`${f.name} missed ${x.missed}`);
    }
  }
  return out.join(' | ');
}
