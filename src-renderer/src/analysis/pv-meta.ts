// Units, precision and alarm limits of the PVs an EPICS source writes into a
// buffer, as the servers give them: the source reports them in its status
// (`pv_meta`), the strip charts use them before the buffer's display hints.
import type { StatusReport } from '../../../src-shared/engine/status';

export interface PvRange {
  low?: number;
  high?: number;
}

export interface PvFieldMeta {
  pv: string;
  units?: string;
  precision?: number;
  limits: { display?: PvRange; alarm?: PvRange; warning?: PvRange; control?: PvRange };
}

/** The `pv_meta` text reported for `buffer` (a string, so that a store selector stays stable), or ''. */
export function pvMetaText(status: StatusReport | null, buffer: string | undefined): string {
  for (const f of status?.functions ?? []) {
    for (const i of f.instances) {
      const t = i.extra?.pv_meta;
      if (typeof t === 'string' && t.includes(`"buffer":${JSON.stringify(buffer)}`)) return t;
    }
  }
  return '';
}

/** The fields' metadata from a `pv_meta` text ({} for none or unreadable text). */
export function parsePvMeta(text: string): Record<string, PvFieldMeta> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as { fields?: Record<string, PvFieldMeta> };
    return v.fields ?? {};
  } catch {
    return {};
  }
}

/** Horizontal lines for a chart: alarm (MAJOR) and warning (MINOR) limits that are set. */
export function limitLines(meta: PvFieldMeta | undefined): { value: number; kind: 'alarm' | 'warning' }[] {
  const out: { value: number; kind: 'alarm' | 'warning' }[] = [];
  for (const kind of ['alarm', 'warning'] as const) {
    const r = meta?.limits[kind];
    for (const v of [r?.low, r?.high]) if (typeof v === 'number' && Number.isFinite(v)) out.push({ value: v, kind });
  }
  return out;
}
