// The RingBuffer: section: each buffer's name, size, data_type fields and
// display hints.
import { isMap, isSeq, type Node } from 'yaml';
import { didYouMean } from './didyoumean';
import { parseDType } from './dtype';
import { BUFFER_KEYS, DISPLAY_KEYS, HISTOGRAM_KEYS, METADATA_FIELDS, RESERVED_NAMES } from './keys';
import { describe, scalarOf, sentence, type BufferDef, type ParseContext } from './parse-context';
import type { Entry } from './source';
import type { BufferSpec, DisplayHints, FieldSpec, KeyPath } from './types';

/** Checks the RingBuffer: section and defines its buffers (ctx.buffers, setup.buffers, paths.buffers). */
export function ringBuffers(ctx: ParseContext, section: Entry): void {
  const path = ['RingBuffer'];
  const seq = section.value;
  if (!isSeq(seq)) {
    const hint = isMap(seq) ? ' Put a dash before each buffer: "- RB_1:".' : '';
    ctx.report('error', ctx.valueAt(section), path, `RingBuffer must be a list of buffers, each written "- RB_1:" with its settings indented below; it is ${describe(seq)}.${hint}`, 'bad-type');
    return;
  }
  if (seq.items.length === 0) {
    ctx.report('error', ctx.valueAt(section), path, 'RingBuffer lists no buffers. Add at least one, e.g. "- RB_1: {number_of_slots: 128, channel_per_slot: 1, data_type: float32}".', 'empty-section');
    return;
  }
  const defs: BufferDef[] = [];
  seq.items.forEach((item, index) => {
    const itemPath = [...path, index];
    const parsed = ctx.listItem(item as Node | null, itemPath, 'buffer', BUFFER_KEYS);
    if (!parsed) return;
    const { name, settings, settingsNode } = parsed;
    const bpath = [...itemPath, name.key];
    const number = ctx.numberedName(name, bpath, 'RB');
    const earlier = ctx.buffers.get(name.key);
    if (earlier) {
      ctx.report('error', name.keyNode, bpath, `${name.key} is defined twice (first on line ${ctx.src.at(earlier.nameNode).line}). Rename one of them, e.g. to RB_${ctx.buffers.size + 1}.`, 'duplicate-name');
      return;
    }
    const spec: BufferSpec = { name: name.key, slots: 0, samples: 0, fields: [] };
    const def: BufferDef = { spec, path: bpath, nameNode: name.keyNode, number, at: {} };
    ctx.buffers.set(name.key, def);
    defs.push(def);
    ctx.setup.buffers.push(spec);
    ctx.paths.buffers[name.key] = bpath;
    if (settings === null) {
      if (settingsNode === null || scalarOf(settingsNode) === null)
        ctx.report('error', name.keyNode, bpath, `${name.key} has no settings: add number_of_slots, channel_per_slot and data_type, indented below it.`, 'missing-key');
      else ctx.report('error', settingsNode, bpath, `The settings of ${name.key} must be a mapping (number_of_slots: …, channel_per_slot: …, data_type: …), not ${describe(settingsNode)}.`, 'bad-type');
      return;
    }
    buffer(ctx, def, settings);
  });
  ctx.numbering(defs, 'RB', 'Buffers');
}

function buffer(ctx: ParseContext, def: BufferDef, settings: Entry[]): void {
  const { spec, path } = def;
  const by = new Map(settings.map((e) => [e.key, e]));
  for (const e of settings) if (!(BUFFER_KEYS as readonly string[]).includes(e.key)) ctx.unknownKey(e, path, spec.name, BUFFER_KEYS);

  const slots = by.get('number_of_slots');
  if (!slots) ctx.report('error', def.nameNode, [...path, 'number_of_slots'], `${spec.name} has no number_of_slots: add how many events it holds, e.g. "number_of_slots: 128".`, 'missing-key');
  else spec.slots = ctx.integer(slots, [...path, 'number_of_slots'], 1, `number_of_slots of ${spec.name}`, 'how many events the buffer holds') ?? 0;

  const ch = by.get('channel_per_slot');
  if (!ch) ctx.report('error', def.nameNode, [...path, 'channel_per_slot'], `${spec.name} has no channel_per_slot: add how many values each field holds per event (1 for single numbers, the sample count for waveforms).`, 'missing-key');
  else spec.samples = ctx.integer(ch, [...path, 'channel_per_slot'], 1, `channel_per_slot of ${spec.name}`, 'values per field in one event') ?? 0;

  const dt = by.get('data_type');
  if (!dt) ctx.report('error', def.nameNode, [...path, 'data_type'], `${spec.name} has no data_type: add one type for the whole event (e.g. "data_type: float32") or named fields ("data_type: {1: [chA, float32], 2: [chB, float32]}").`, 'missing-key');
  else spec.fields = dataType(ctx, spec.name, dt, [...path, 'data_type']);

  const display = by.get('display');
  if (display && scalarOf(display.value) !== null) spec.display = displayHints(ctx, spec, display, [...path, 'display']);
  const description = by.get('description');
  if (description) spec.description = ctx.text(description, [...path, 'description'], `description of ${spec.name}`, 'what the buffer holds, in a few words');

  def.at = { slots: slots && ctx.valueAt(slots), samples: ch && ctx.valueAt(ch), data_type: dt && ctx.valueAt(dt) };
}

function dataType(ctx: ParseContext, buffer: string, e: Entry, path: KeyPath): FieldSpec[] {
  const node = e.value;
  const v = scalarOf(node);
  if (typeof v === 'string') {
    const r = parseDType(v);
    if (r.ok) return [{ name: 'data', dtype: r.dtype }];
    ctx.report('error', ctx.valueAt(e), path, `data_type of ${buffer}: ${sentence(r.message)}`, 'bad-dtype', r.suggestion);
    return [];
  }
  if (!isMap(node)) {
    const why = isSeq(node) ? 'a list' : describe(node);
    ctx.report(
      'error',
      ctx.valueAt(e),
      path,
      `data_type of ${buffer} must be one type for the whole event (e.g. float32) or numbered fields written "1: [name, type]" on separate lines; it is ${why}.`,
      isSeq(node) || v !== null ? 'bad-type' : 'missing-key',
    );
    return [];
  }
  const fields: FieldSpec[] = [];
  const seen = new Map<string, Node | null>();
  const entries = ctx.src.entries(node, path, ctx.problems);
  if (entries.length === 0) ctx.report('error', ctx.valueAt(e), path, `data_type of ${buffer} lists no fields. Add at least one, e.g. "1: [chA, float32]".`, 'empty-section');
  for (const f of entries) {
    const fpath = [...path, f.key];
    if (!/^\d+$/.test(f.key)) {
      ctx.report('warning', f.keyNode, fpath, `Field keys in data_type are numbers (1, 2, 3, …); "${f.key}" is not. RingScope uses the fields in the order written, whatever their keys.`, 'bad-field-key');
    }
    const pair = f.value;
    if (!isSeq(pair) || pair.items.length !== 2) {
      ctx.report('error', ctx.valueAt(f), fpath, `Each field of ${buffer} is written [name, type], e.g. "${f.key}: [chA, float32]"; this one is ${isSeq(pair) ? `a list of ${pair.items.length}` : describe(pair)}.`, 'bad-field');
      continue;
    }
    const nameNode = ctx.src.resolve(pair.items[0]);
    const typeNode = ctx.src.resolve(pair.items[1]);
    const name = scalarOf(nameNode);
    if (typeof name !== 'string' || name.trim() === '') {
      ctx.report('error', nameNode ?? pair, [...fpath, 0], `The field name must be text, e.g. [chA, float32]; it is ${describe(nameNode)}.`, 'bad-field');
      continue;
    }
    const type = scalarOf(typeNode);
    if (typeof type !== 'string') {
      ctx.report('error', typeNode ?? pair, [...fpath, 1], `The type of field ${name} must be a data type name such as float32 or int32; it is ${describe(typeNode)}.`, 'bad-dtype');
      continue;
    }
    if (RESERVED_NAMES.includes(name)) {
      ctx.report(
        'error',
        nameNode,
        [...fpath, 0],
        `Field name "${name}" of ${buffer} is reserved in JavaScript: every object already has a property "${name}", so functions and exporters would meet that instead of the field. Rename it, e.g. to "${name.replace(/^_+|_+$/g, '')}_value". (Reserved: ${RESERVED_NAMES.join(', ')}.)`,
        'reserved-name',
      );
      continue;
    }
    const before = seen.get(name);
    if (before !== undefined) {
      ctx.report('error', nameNode, [...fpath, 0], `${buffer} has two fields named "${name}" (the other on line ${ctx.src.at(before).line}); field names must differ.`, 'duplicate-field');
      continue;
    }
    seen.set(name, nameNode);
    const r = parseDType(type);
    if (!r.ok) {
      ctx.report('error', typeNode, [...fpath, 1], `Field ${name} of ${buffer}: ${sentence(r.message)}`, 'bad-dtype', r.suggestion);
      continue;
    }
    if ((METADATA_FIELDS as readonly string[]).includes(name)) {
      ctx.report('warning', nameNode, [...fpath, 0], `Field "${name}" of ${buffer} has the name of an event's metadata column; exports would have two "${name}" columns. Rename the field.`, 'metadata-name');
    }
    fields.push({ name, dtype: r.dtype });
  }
  return fields;
}

function displayHints(ctx: ParseContext, spec: BufferSpec, e: Entry, path: KeyPath): DisplayHints | undefined {
  if (!isMap(e.value)) {
    ctx.report('error', ctx.valueAt(e), path, `display of ${spec.name} must be a mapping of display hints (sample_time_ns, units, trigger_level, …), not ${describe(e.value)}.`, 'bad-type');
    return undefined;
  }
  const hints = ctx.src.toJS(e.value) as DisplayHints;
  const fieldNames = spec.fields.map((f) => f.name);
  const fieldRef = (n: Node | null, name: string, p: KeyPath, what: string): void => {
    if (fieldNames.length === 0 || fieldNames.includes(name)) return;
    const guess = didYouMean(name, fieldNames);
    ctx.report('warning', n, p, `${what} names field "${name}", which ${spec.name} does not have.${guess ? ` Did you mean "${guess}"?` : ` Its fields: ${fieldNames.join(', ')}.`}`, 'unknown-field', guess);
  };
  const where = `display of ${spec.name}`;
  for (const d of ctx.src.entries(e.value, path, ctx.problems)) {
    const p = [...path, d.key];
    switch (d.key) {
      case 'sample_time_ns':
        if (ctx.number(d, p, 'sample_time_ns', 'nanoseconds between two samples', { value: 0, exclusive: true }) === undefined) delete hints.sample_time_ns;
        break;
      case 'trigger_level':
        if (ctx.number(d, p, 'trigger_level', 'in the unit of the samples') === undefined) delete hints.trigger_level;
        break;
      case 'pre_trigger_samples': {
        const n = ctx.integer(d, p, 0, 'pre_trigger_samples', 'samples before the trigger');
        if (n === undefined) delete hints.pre_trigger_samples;
        else if (spec.samples > 0 && n >= spec.samples)
          ctx.report('warning', ctx.valueAt(d), p, `pre_trigger_samples (${n}) is not less than channel_per_slot (${spec.samples}) of ${spec.name}; the trigger point would lie outside the waveform.`, 'out-of-range');
        break;
      }
      case 'units':
        if (isMap(d.value)) {
          for (const u of ctx.src.entries(d.value, p, ctx.problems)) {
            fieldRef(u.keyNode, u.key, [...p, u.key], 'units');
            if (typeof scalarOf(u.value) !== 'string') ctx.report('error', ctx.valueAt(u), [...p, u.key], `The unit of ${u.key} must be text such as mV, not ${describe(u.value)}.`, 'bad-type');
          }
        } else if (typeof scalarOf(d.value) !== 'string') {
          ctx.report('error', ctx.valueAt(d), p, `units must be one unit for all fields (e.g. mV) or a mapping field → unit, not ${describe(d.value)}.`, 'bad-type');
          delete hints.units;
        }
        break;
      case 'colors':
        if (!isMap(d.value)) {
          ctx.report('error', ctx.valueAt(d), p, `colors must be a mapping field → colour, e.g. {chA: "#1f77b4", chB: orange}, not ${describe(d.value)}.`, 'bad-type');
          delete hints.colors;
          break;
        }
        for (const c of ctx.src.entries(d.value, p, ctx.problems)) {
          fieldRef(c.keyNode, c.key, [...p, c.key], 'colors');
          const col = scalarOf(c.value);
          if (typeof col !== 'string' || !/^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|(rgb|rgba|hsl|hsla)\(.*\))$/.test(col))
            ctx.report('error', ctx.valueAt(c), [...p, c.key], `The colour of ${c.key} must be a CSS colour such as "#1f77b4" or orange (quote values starting with #), not ${describe(c.value)}.`, 'bad-type');
        }
        break;
      case 'histogram':
        histogram(ctx, d, p, fieldRef);
        break;
      case 'scope':
        if (typeof scalarOf(d.value) !== 'boolean') {
          ctx.report('error', ctx.valueAt(d), p, `scope must be true (the oscilloscope opens on ${spec.name}) or false, not ${describe(d.value)}.`, 'bad-type');
          delete hints.scope;
        }
        break;
      default:
        ctx.unknownKey(d, path, where, DISPLAY_KEYS);
    }
  }
  return hints;
}

function histogram(ctx: ParseContext, d: Entry, p: KeyPath, fieldRef: (n: Node | null, name: string, p: KeyPath, what: string) => void): void {
  if (!isMap(d.value)) {
    ctx.report('error', ctx.valueAt(d), p, `histogram must be a mapping such as {field: decay_time, range: [0, 15000], bins: 75}, not ${describe(d.value)}.`, 'bad-type');
    return;
  }
  for (const h of ctx.src.entries(d.value, p, ctx.problems)) {
    const hp = [...p, h.key];
    if (h.key === 'field') {
      const f = ctx.text(h, hp, 'histogram field', 'the name of a field of this buffer');
      if (f !== undefined) fieldRef(ctx.valueAt(h), f, hp, 'histogram');
    } else if (h.key === 'bins') {
      ctx.integer(h, hp, 1, 'histogram bins', 'number of bins');
    } else if (h.key === 'expected') {
      ctx.number(h, hp, 'histogram expected', 'the value the fit should find, in the field\'s unit');
    } else if (h.key === 'fit') {
      // false: no lifetime fit drawn at first (a pulse-height spectrum is no decay)
      if (typeof scalarOf(ctx.src.resolve(h.value)) !== 'boolean') ctx.report('error', ctx.valueAt(h), hp, `histogram fit must be true or false, not ${describe(h.value)}.`, 'bad-type');
    } else if (h.key === 'range') {
      const r = h.value;
      const lo = isSeq(r) && r.items.length === 2 ? scalarOf(ctx.src.resolve(r.items[0])) : undefined;
      const hi = isSeq(r) && r.items.length === 2 ? scalarOf(ctx.src.resolve(r.items[1])) : undefined;
      if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo < hi))
        ctx.report('error', ctx.valueAt(h), hp, `histogram range must be [low, high] with low < high, e.g. [0, 15000]; it is ${isSeq(r) ? `[${r.items.map((i) => describe(ctx.src.resolve(i))).join(', ')}]` : describe(r)}.`, 'bad-type');
    } else {
      ctx.unknownKey(h, p, 'histogram', HISTOGRAM_KEYS);
    }
  }
}
