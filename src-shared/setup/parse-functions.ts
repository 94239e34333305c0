// The Functions: section (Fkt_main and what runs: module or built-in, RB_assign,
// parameters) and the FunctionConfigs: section that feeds them by fkt_name.
import { isMap, isSeq, type Node } from 'yaml';
import { BUILTIN_PREFIX, builtinId, type BuiltinSpec } from '../builtins/catalog';
import { didYouMean } from './didyoumean';
import { ASSIGN_MODES, FUNCTION_KEYS, MAIN_KEYS, MAX_NUM_PROCESS, MAX_THREADS, ON_ERROR_VALUES } from './keys';
import { isRecord } from './merge';
import { checkBuiltinParams } from './params';
import { describe, scalarOf, type FunctionDef, type ParseContext } from './parse-context';
import type { Entry } from './source';
import type { Assign, AssignMode, FunctionSpec, KeyPath, OnError } from './types';

/** Checks the Functions: section: Fkt_main (setup.main) and the functions that run (ctx.functions, setup.functions). */
export function functionList(ctx: ParseContext, section: Entry): void {
  const path = ['Functions'];
  const seq = section.value;
  if (!isSeq(seq)) {
    const hint = isMap(seq) ? ' Put a dash before each function: "- Fkt_1:".' : '';
    ctx.report('error', ctx.valueAt(section), path, `Functions must be a list, each entry written "- Fkt_1:" with its settings indented below; it is ${describe(seq)}.${hint}`, 'bad-type');
    return;
  }
  const defs: FunctionDef[] = [];
  let mainSeen: { index: number; node: Node | null } | null = null;
  seq.items.forEach((item, index) => {
    const itemPath = [...path, index];
    const parsed = ctx.listItem(item as Node | null, itemPath, 'function', [...FUNCTION_KEYS, ...MAIN_KEYS]);
    if (!parsed) return;
    const { name, settings, settingsNode } = parsed;
    const fpath = [...itemPath, name.key];
    if (name.key === 'Fkt_main' || (/^fkt[ _-]?main$/i.test(name.key) && name.key !== 'Fkt_main')) {
      if (name.key !== 'Fkt_main') {
        ctx.report('error', name.keyNode, fpath, `The main entry is spelt "Fkt_main", not "${name.key}".`, 'bad-name', 'Fkt_main');
        return;
      }
      if (mainSeen) {
        ctx.report('error', name.keyNode, fpath, `Fkt_main appears twice (first on line ${ctx.src.at(mainSeen.node).line}); merge the two into one.`, 'duplicate-name');
        return;
      }
      mainSeen = { index, node: name.keyNode };
      ctx.paths.main = fpath;
      if (index !== 0)
        ctx.report('warning', name.keyNode, fpath, 'Fkt_main should be the first entry of Functions; mimoCoRB reads only the first entry as Fkt_main. Move it to the top.', 'main-not-first');
      if (settings === null && settingsNode !== null && scalarOf(settingsNode) !== null)
        ctx.report('error', settingsNode, fpath, `The settings of Fkt_main must be a mapping (config_file, runtime, runevents), not ${describe(settingsNode)}.`, 'bad-type');
      main(ctx, settings ?? [], fpath);
      return;
    }
    const number = ctx.numberedName(name, fpath, 'Fkt');
    const earlier = ctx.functions.get(name.key);
    if (earlier) {
      ctx.report('error', name.keyNode, fpath, `${name.key} is defined twice (first on line ${ctx.src.at(earlier.nameNode).line}). Rename one of them.`, 'duplicate-name');
      return;
    }
    const spec: FunctionSpec = { name: name.key, file_name: '', fkt_name: '', builtin: null, num_process: 1, assign: [], on_error: 'stop' };
    const def: FunctionDef = { spec, path: fpath, nameNode: name.keyNode, number, assignNodes: new Map(), builtin: null, configNode: null };
    ctx.functions.set(name.key, def);
    defs.push(def);
    ctx.setup.functions.push(spec);
    ctx.paths.functions[name.key] = fpath;
    if (settings === null) {
      if (settingsNode === null || scalarOf(settingsNode) === null)
        ctx.report('error', name.keyNode, fpath, `${name.key} has no settings: add file_name, fkt_name, num_process and RB_assign, indented below it.`, 'missing-key');
      else ctx.report('error', settingsNode, fpath, `The settings of ${name.key} must be a mapping (file_name: …, fkt_name: …, RB_assign: …), not ${describe(settingsNode)}.`, 'bad-type');
      return;
    }
    fn(ctx, def, settings);
  });
  if (!mainSeen)
    ctx.report('note', section.keyNode, path, 'There is no Fkt_main entry, so runs have no time or event limit and there is no common config file. Add "- Fkt_main: {runtime: 0, runevents: 0}" as the first entry of Functions to set them.', 'no-main');
  if (seq.items.length === 0) {
    ctx.report('error', ctx.valueAt(section), path, 'Functions lists nothing to run. Add at least one function, e.g. a source that writes RB_1.', 'empty-section');
  } else if (ctx.functions.size === 0 && !ctx.problems.some((p) => p.severity === 'error' && p.path.startsWith('Functions['))) {
    ctx.report('error', section.keyNode, path, 'Functions lists nothing to run besides Fkt_main. Add at least one function, e.g. a source that writes RB_1.', 'empty-section');
  }
  const threads = defs.reduce((n, d) => n + d.spec.num_process, 0);
  if (threads > MAX_THREADS)
    ctx.report('error', section.keyNode, path, `The functions together run ${threads} threads (the sum of num_process); a setup may start at most ${MAX_THREADS}. Lower num_process.`, 'over-limit');
  ctx.numbering(defs, 'Fkt', 'Functions');
}

function main(ctx: ParseContext, settings: Entry[], path: KeyPath): void {
  for (const e of settings) {
    const p = [...path, e.key];
    switch (e.key) {
      case 'config_file': {
        const v = ctx.text(e, p, 'config_file of Fkt_main', 'the common config file, relative to the setup file');
        if (v !== undefined) ctx.setup.main.config_file = v;
        break;
      }
      case 'runtime':
        ctx.setup.main.runtime = ctx.number(e, p, 'runtime', 'seconds a run lasts; 0 = until stopped', { value: 0, exclusive: false }) ?? 0;
        break;
      case 'runevents':
        ctx.setup.main.runevents = ctx.integer(e, p, 0, 'runevents', 'events after which a run ends; 0 = no limit') ?? 0;
        break;
      default:
        ctx.unknownKey(e, path, 'Fkt_main', MAIN_KEYS);
    }
  }
}

function fn(ctx: ParseContext, def: FunctionDef, settings: Entry[]): void {
  const { spec, path } = def;
  const by = new Map(settings.map((e) => [e.key, e]));
  for (const e of settings) if (!(FUNCTION_KEYS as readonly string[]).includes(e.key)) ctx.unknownKey(e, path, spec.name, FUNCTION_KEYS);

  const file = by.get('file_name');
  if (!file) {
    ctx.report('error', def.nameNode, [...path, 'file_name'], `${spec.name} has no file_name: name its module (e.g. "file_name: modules/my_filter") or a built-in ("builtin:<kind>/<name>").`, 'missing-key');
  } else {
    const v = ctx.text(file, [...path, 'file_name'], `file_name of ${spec.name}`, 'a module path relative to the setup file, or builtin:<kind>/<name>');
    if (v !== undefined) {
      spec.file_name = v;
      const id = builtinId(v);
      if (id !== null) {
        spec.builtin = id;
        def.builtin = builtinSpec(ctx, id, file, [...path, 'file_name'], spec.name);
      }
    }
  }

  const fkt = by.get('fkt_name');
  if (fkt) {
    const v = ctx.text(fkt, [...path, 'fkt_name'], `fkt_name of ${spec.name}`, spec.builtin ? 'the name of its parameter section' : 'the name of the function its module exports');
    if (v !== undefined) spec.fkt_name = v;
  } else if (spec.builtin !== null) {
    spec.fkt_name = spec.builtin.split('/').pop() ?? spec.builtin;
  } else if (file) {
    ctx.report('error', def.nameNode, [...path, 'fkt_name'], `${spec.name} has no fkt_name: name the function its module exports, e.g. "fkt_name: my_filter".`, 'missing-key');
  }

  const np = by.get('num_process');
  if (np) {
    const n = ctx.integer(np, [...path, 'num_process'], 1, `num_process of ${spec.name}`, 'how many threads run it');
    if (n !== undefined && n > MAX_NUM_PROCESS)
      ctx.report('error', ctx.valueAt(np), [...path, 'num_process'], `num_process of ${spec.name} is ${n}; a function runs at most ${MAX_NUM_PROCESS} threads (each is a worker thread with its own memory, and this computer has far fewer cores). Use a number up to ${MAX_NUM_PROCESS}, usually no more than the number of cores.`, 'over-limit');
    else if (n !== undefined) spec.num_process = n;
  }

  const ra = by.get('RB_assign');
  if (!ra || scalarOf(ra.value) === null) {
    ctx.report('error', ra?.keyNode ?? def.nameNode, [...path, 'RB_assign'], `${spec.name} is not connected to any buffer: add RB_assign, e.g. "RB_assign: {RB_1: read}" (read, write or observe).`, 'missing-key');
  } else if (!isMap(ra.value)) {
    ctx.report('error', ctx.valueAt(ra), [...path, 'RB_assign'], `RB_assign of ${spec.name} must be a mapping buffer → use, e.g. {RB_1: read, RB_2: write}, not ${describe(ra.value)}.`, 'bad-type');
  } else {
    const entries = ctx.src.entries(ra.value, [...path, 'RB_assign'], ctx.problems);
    if (entries.length === 0) ctx.report('error', ctx.valueAt(ra), [...path, 'RB_assign'], `RB_assign of ${spec.name} is empty; connect it to at least one buffer, e.g. {RB_1: read}.`, 'empty-section');
    for (const a of entries) assign(ctx, def, a, [...path, 'RB_assign', a.key]);
  }

  const cf = by.get('config_file');
  if (cf) {
    const v = ctx.text(cf, [...path, 'config_file'], `config_file of ${spec.name}`, 'a YAML file relative to the setup file');
    if (v !== undefined) spec.config_file = v;
  }

  const cfg = by.get('config');
  if (cfg && scalarOf(cfg.value) !== null) {
    if (!isMap(cfg.value)) ctx.report('error', ctx.valueAt(cfg), [...path, 'config'], `config of ${spec.name} must be a mapping of parameters, e.g. {threshold: 30}, not ${describe(cfg.value)}.`, 'bad-type');
    else {
      spec.config = ctx.src.toJS(cfg.value) as Record<string, unknown>;
      def.configNode = cfg.value;
    }
  }

  const description = by.get('description');
  if (description) spec.description = ctx.text(description, [...path, 'description'], `description of ${spec.name}`, 'what the function does, in a few words');

  const oe = by.get('on_error');
  if (oe) {
    const v = scalarOf(oe.value);
    if (typeof v === 'string' && (ON_ERROR_VALUES as readonly string[]).includes(v)) spec.on_error = v as OnError;
    else {
      const guess = typeof v === 'string' ? didYouMean(v, ON_ERROR_VALUES) : undefined;
      ctx.report('error', ctx.valueAt(oe), [...path, 'on_error'], `on_error of ${spec.name} must be "stop" (end the run) or "skip_event" (drop the event and go on), not ${describe(oe.value)}.${guess ? ` Did you mean "${guess}"?` : ''}`, 'bad-value', guess);
    }
  }

  if (def.builtin) {
    builtinRole(ctx, def);
    if (def.configNode) checkBuiltinParams(def.builtin, ctx.src, def.configNode, [...path, 'config'], `${spec.name} (builtin:${def.builtin.id})`, ctx.problems);
  }
}

function builtinSpec(ctx: ParseContext, id: string, e: Entry, path: KeyPath, fn: string): BuiltinSpec | null {
  const spec = ctx.builtins[id];
  if (spec) return spec;
  const ids = Object.keys(ctx.builtins).sort();
  const guess = didYouMean(id, ids);
  const list = ids.length === 0 ? ' This version has no built-ins yet.' : ` Built-ins: ${ids.map((i) => BUILTIN_PREFIX + i).join(', ')}.`;
  ctx.report(
    'error',
    ctx.valueAt(e),
    path,
    `${fn} names the built-in "${BUILTIN_PREFIX}${id}", which does not exist.${guess ? ` Did you mean "${BUILTIN_PREFIX}${guess}"?` : list}`,
    'unknown-builtin',
    guess ? BUILTIN_PREFIX + guess : undefined,
  );
  return null;
}

function builtinRole(ctx: ParseContext, def: FunctionDef): void {
  const spec = def.builtin!;
  const reads = def.spec.assign.filter((a) => a.mode === 'read');
  const writes = def.spec.assign.filter((a) => a.mode === 'write');
  if (def.spec.assign.length === 0) return;
  const where = (a: Assign | undefined): Node | null => (a ? (def.assignNodes.get(a.buffer) ?? def.nameNode) : def.nameNode);
  const p = [...def.path, 'RB_assign'];
  const who = `${def.spec.name} runs builtin:${spec.id}, a ${spec.kind}`;
  if (spec.kind === 'source') {
    if (reads.length) ctx.report('error', where(reads[0]), [...p, reads[0].buffer], `${who}: it writes events and cannot read a buffer. Remove "${reads[0].buffer}: read".`, 'builtin-role');
    if (!writes.length) ctx.report('error', where(undefined), p, `${who}: give it a buffer to write, e.g. "RB_1: write".`, 'builtin-role');
  } else if (spec.kind === 'sink') {
    if (writes.length) ctx.report('error', where(writes[0]), [...p, writes[0].buffer], `${who}: it reads events and cannot write a buffer. Remove "${writes[0].buffer}: write".`, 'builtin-role');
    if (!reads.length) ctx.report('error', where(undefined), p, `${who}: give it a buffer to read, e.g. "RB_2: read".`, 'builtin-role');
  } else {
    if (!reads.length) ctx.report('error', where(undefined), p, `${who}: give it a buffer to read, e.g. "RB_1: read".`, 'builtin-role');
    if (!writes.length) ctx.report('error', where(undefined), p, `${who}: give it a buffer to write, e.g. "RB_2: write".`, 'builtin-role');
  }
}

function assign(ctx: ParseContext, def: FunctionDef, a: Entry, path: KeyPath): void {
  const mode = scalarOf(a.value);
  let ok = true;
  if (typeof mode !== 'string' || !(ASSIGN_MODES as readonly string[]).includes(mode)) {
    const guess = typeof mode === 'string' ? didYouMean(mode, ASSIGN_MODES) : undefined;
    ctx.report(
      'error',
      ctx.valueAt(a),
      path,
      `${def.spec.name} uses ${a.key} as ${describe(a.value)}; use read (take every event), write (put events in) or observe (look at the newest event).${guess ? ` Did you mean "${guess}"?` : ''}`,
      'bad-value',
      guess,
    );
    ok = false;
  }
  if (!ctx.buffers.has(a.key)) {
    const names = [...ctx.buffers.keys()];
    const guess = didYouMean(a.key, names);
    ctx.report(
      'error',
      a.keyNode,
      path,
      `${def.spec.name} uses ${a.key}, which is not defined under RingBuffer.${guess ? ` Did you mean "${guess}"?` : names.length ? ` Defined buffers: ${names.join(', ')}.` : ''}`,
      'unknown-buffer',
      guess,
    );
    ok = false;
  }
  def.assignNodes.set(a.key, a.keyNode);
  if (ok) def.spec.assign.push({ buffer: a.key, mode: mode as AssignMode });
  else ctx.rejected.add(a.key);
}

// --- FunctionConfigs ------------------------------------------------------

/** Checks the FunctionConfigs: section (setup.function_configs) against the functions read before it. */
export function functionConfigs(ctx: ParseContext, section: Entry): void {
  const path = ['FunctionConfigs'];
  if (scalarOf(section.value) === null) return;
  if (!isMap(section.value)) {
    ctx.report('error', ctx.valueAt(section), path, `FunctionConfigs must be a mapping fkt_name → parameters, e.g. {my_filter: {threshold: 30}}, not ${describe(section.value)}.`, 'bad-type');
    return;
  }
  const fktNames = [...ctx.functions.values()].map((d) => d.spec.fkt_name).filter((n) => n !== '');
  for (const e of ctx.src.entries(section.value, path, ctx.problems)) {
    const p = [...path, e.key];
    if (scalarOf(e.value) === null) {
      ctx.setup.function_configs[e.key] = {};
    } else if (!isMap(e.value)) {
      ctx.report('error', ctx.valueAt(e), p, `FunctionConfigs.${e.key} must be a mapping of parameters, e.g. {threshold: 30}, not ${describe(e.value)}.`, 'bad-type');
      continue;
    } else {
      const v = ctx.src.toJS(e.value);
      ctx.setup.function_configs[e.key] = isRecord(v) ? v : {};
    }
    if (fktNames.length > 0 && !fktNames.includes(e.key)) {
      const guess = didYouMean(e.key, fktNames);
      ctx.report('note', e.keyNode, p, `FunctionConfigs.${e.key} matches no function's fkt_name, so no function receives it.${guess ? ` Did you mean "${guess}"?` : ''}`, 'unused-config', guess);
    }
    for (const d of ctx.functions.values()) {
      if (d.builtin && d.spec.fkt_name === e.key) checkBuiltinParams(d.builtin, ctx.src, e.value, p, `${d.spec.name} (builtin:${d.builtin.id})`, ctx.problems);
    }
  }
}
