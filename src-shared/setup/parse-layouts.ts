// Built-ins against the buffers they read and write: each built-in declares a
// layout check (src-shared/builtins/layouts.ts); a mismatch is an error at the
// RB_assign entry that connects the two, naming the buffer's data_type line.
import type { LayoutBuffer } from '../builtins/spec';
import type { ParseContext } from './parse-context';

/** Reports every built-in whose buffers' fields (names, dtypes, samples) do not fit what it produces or consumes. */
export function builtinLayouts(ctx: ParseContext): void {
  for (const def of ctx.functions.values()) {
    const check = def.builtin?.layout;
    if (!check) continue;
    const buffers = (mode: 'read' | 'write'): LayoutBuffer[] | null => {
      const out: LayoutBuffer[] = [];
      for (const a of def.spec.assign.filter((x) => x.mode === mode)) {
        const b = ctx.buffers.get(a.buffer);
        // A buffer with its own errors is checked once those are fixed (its layout is not known yet).
        if (!b || ctx.rejected.has(a.buffer) || b.spec.fields.length === 0 || b.spec.samples < 1) return null;
        out.push(b.spec);
      }
      return out;
    };
    const reads = buffers('read');
    const writes = buffers('write');
    if (!reads || !writes) continue;
    for (const p of check({ reads, writes })) {
      const b = ctx.buffers.get(p.buffer);
      const where = b?.at.data_type ? ` (${p.buffer}'s data_type is on line ${ctx.src.at(b.at.data_type).line})` : '';
      ctx.report('error', def.assignNodes.get(p.buffer) ?? def.nameNode, [...def.path, 'RB_assign', p.buffer], `${def.spec.name}: ${p.message}${where}`, 'layout-mismatch');
    }
  }
}
