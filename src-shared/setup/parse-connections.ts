// Connections between the sections: which function writes, reads or observes
// each buffer, circles in the data flow, and the ring buffer's own limits.
import { computeOffsets, LIMITS } from '../ringbuffer/layout';
import { TOTAL_MEMORY_WARNING } from './keys';
import type { FunctionDef, ParseContext } from './parse-context';
import { builtinLayouts } from './parse-layouts';

/** Checks how functions connect the buffers: unused or unread buffers, cycles, ring-buffer limits. */
export function graph(ctx: ParseContext): void {
  const writers = new Map<string, FunctionDef[]>();
  const readers = new Map<string, FunctionDef[]>();
  const observers = new Map<string, FunctionDef[]>();
  for (const d of ctx.functions.values()) {
    for (const a of d.spec.assign) {
      const m = a.mode === 'write' ? writers : a.mode === 'read' ? readers : observers;
      m.set(a.buffer, [...(m.get(a.buffer) ?? []), d]);
    }
  }
  for (const b of ctx.buffers.values()) {
    const name = b.spec.name;
    if (ctx.rejected.has(name)) continue;
    const w = writers.get(name) ?? [];
    const r = readers.get(name) ?? [];
    const o = observers.get(name) ?? [];
    if (w.length === 0 && (r.length > 0 || o.length > 0)) {
      const users = [...r, ...o].map((d) => d.spec.name).join(', ');
      ctx.report('error', b.nameNode, b.path, `No function writes ${name}, so ${users} would wait for events forever. Give a function "${name}: write" in its RB_assign, or remove ${name}.`, 'never-written');
    } else if (w.length === 0) {
      ctx.report('warning', b.nameNode, b.path, `${name} is not used by any function. Connect it in some RB_assign, or remove it.`, 'unused-buffer');
    } else if (r.length === 0 && o.length === 0) {
      ctx.report('warning', b.nameNode, b.path, `${name} is written but no function reads or observes it, so its events are discarded. Add a function with "${name}: read" (e.g. a sink that saves them), or remove the writer's assignment.`, 'never-read');
    } else if (r.length === 0) {
      ctx.report('note', b.nameNode, b.path, `${name} is only observed (by ${o.map((d) => d.spec.name).join(', ')}), not read: observers see the newest event, the rest are discarded.`, 'only-observed');
    }
  }
  cycles(ctx);
  limits(ctx, readers);
  builtinLayouts(ctx);
}

/** The ring buffer's own limits (src-shared/ringbuffer), checked here so they come with a line number. */
function limits(ctx: ParseContext, readers: Map<string, FunctionDef[]>): void {
  let total = 0;
  for (const b of ctx.buffers.values()) {
    const { spec, path } = b;
    if (spec.slots > LIMITS.maxSlots)
      ctx.report('error', b.at.slots, [...path, 'number_of_slots'], `number_of_slots of ${spec.name} is ${spec.slots}; a ring buffer holds at most ${LIMITS.maxSlots} events.`, 'over-limit');
    if (spec.samples > LIMITS.maxSamples)
      ctx.report('error', b.at.samples, [...path, 'channel_per_slot'], `channel_per_slot of ${spec.name} is ${spec.samples}; at most ${LIMITS.maxSamples} values per field are possible.`, 'over-limit');
    if (spec.fields.length > LIMITS.maxFields)
      ctx.report('error', b.at.data_type, [...path, 'data_type'], `${spec.name} has ${spec.fields.length} fields; at most ${LIMITS.maxFields} are possible.`, 'over-limit');
    const groups = (readers.get(spec.name) ?? []).map((d) => d.spec.name);
    if (groups.length > LIMITS.maxGroups)
      ctx.report('error', b.nameNode, path, `${groups.length} functions read ${spec.name}; at most ${LIMITS.maxGroups} can (each is a reader group). Let one function pass events on through another buffer.`, 'over-limit');
    if (spec.slots < 1 || spec.samples < 1 || spec.fields.length === 0 || spec.slots > LIMITS.maxSlots || spec.samples > LIMITS.maxSamples) continue;
    const bytes = computeOffsets({ name: spec.name, slots: spec.slots, samples: spec.samples, fields: spec.fields, groups }).totalBytes;
    total += bytes;
    if (bytes > LIMITS.maxBytes) {
      const pow2 = 2 ** Math.ceil(Math.log2(spec.slots));
      const rounding = pow2 !== spec.slots ? ` (its ${spec.slots} slots take the room of ${pow2}: slots are rounded up to a power of two)` : '';
      ctx.report(
        'error',
        b.nameNode,
        path,
        `${spec.name} needs ${(bytes / 2 ** 20).toFixed(0)} MiB of memory${rounding}; one ring buffer may use at most ${LIMITS.maxBytes / 2 ** 20} MiB. Reduce number_of_slots or channel_per_slot.`,
        'over-limit',
      );
    }
  }
  if (total > TOTAL_MEMORY_WARNING && ctx.buffers.size > 1) {
    const first = [...ctx.buffers.values()][0];
    ctx.report('warning', first.nameNode, ['RingBuffer'], `The ring buffers together need ${(total / 2 ** 30).toFixed(1)} GiB of memory; make sure this computer has that much to spare.`, 'large-buffers');
  }
}

/** Data must flow one way: a path buffer → function → buffer … back to the first buffer never drains. */
function cycles(ctx: ParseContext): void {
  // Edges buffer → buffer through a function that reads the first and writes the second.
  const edges = new Map<string, Array<{ to: string; via: FunctionDef }>>();
  for (const d of ctx.functions.values()) {
    const reads = d.spec.assign.filter((a) => a.mode === 'read').map((a) => a.buffer);
    const writes = d.spec.assign.filter((a) => a.mode === 'write').map((a) => a.buffer);
    for (const r of reads) for (const w of writes) edges.set(r, [...(edges.get(r) ?? []), { to: w, via: d }]);
  }
  const state = new Map<string, 'active' | 'done'>();
  const stack: Array<{ buffer: string; via?: FunctionDef }> = [];
  const reported = new Set<string>();
  const visit = (buffer: string): void => {
    state.set(buffer, 'active');
    for (const { to, via } of edges.get(buffer) ?? []) {
      if (state.get(to) === 'active') {
        const start = stack.findIndex((s) => s.buffer === to);
        const loop = stack.slice(start);
        const key = loop.map((s) => s.buffer).sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          // Each stack entry holds the function that led into its buffer; `via` closes the circle.
          const parts: string[] = [];
          loop.forEach((s, i) => parts.push(s.buffer, (i + 1 < loop.length ? loop[i + 1].via! : via).spec.name));
          parts.push(to);
          ctx.report(
            'error',
            via.assignNodes.get(to) ?? via.nameNode,
            [...via.path, 'RB_assign', to],
            `Data would flow in a circle: ${parts.join(' → ')}. Events could never drain at the end of a run; remove one of these assignments.`,
            'cycle',
          );
        }
      } else if (!state.has(to)) {
        stack.push({ buffer: to, via });
        visit(to);
        stack.pop();
      }
    }
    state.set(buffer, 'done');
  };
  for (const b of ctx.buffers.keys()) {
    if (state.has(b)) continue;
    stack.push({ buffer: b });
    visit(b);
    stack.pop();
  }
}
